// The page that `popylar-ga report --html` writes, opened in real Chromium with the network cut off:
// every chart drawn with the stand-in's numbers, nothing asked of any server, no console error. The
// screenshot stays in test/.tmp/ga-report/ to be looked at. The badge's texts fit their boxes.
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { pathToFileURL } from 'node:url'
import { type GoogleApisStandIn, SCOPES, startGoogleApis } from '@popylar/tools/ga-api'
import { SAMPLE_PACKAGE, sampleUsage } from '@popylar/tools/ga-api/sample-usage'
import type { Browser, Page } from 'playwright-core'
import { launchChromium, watchProblems } from './support/chromium.js'
import { emptyHome, REPOSITORY, runGa, WORKSPACE_BIN } from './support/ga-command.js'

const OUTPUT = join(REPOSITORY, 'test', '.tmp', 'ga-report')
const PROPERTY = '360000001'
const PARAMETERS = ['package_name', 'package_version', 'runtime', 'runtime_version', 'os', 'arch', 'ci']

let api: GoogleApisStandIn
let browser: Browser
let token = ''
const home = emptyHome()

before(async () => {
  mkdirSync(OUTPUT, { recursive: true })
  api = await startGoogleApis()
  api.addProperty(PROPERTY, { events: sampleUsage(), eventParameters: PARAMETERS })
  api.grant('author@example.com', PROPERTY, 'viewer')
  token = api.issueToken('author@example.com', [SCOPES.readonly])
  browser = await launchChromium()
})

after(async () => {
  await browser?.close()
  await api?.close()
})

async function command(args: string[]): Promise<string> {
  const result = await runGa(WORKSPACE_BIN, args, {
    home,
    apiRoot: api.url,
    env: { POPYLAR_GA_ACCESS_TOKEN: token },
  })
  assert.equal(result.code, 0, result.output)
  return result.stdout
}

interface Box {
  x: number
  width: number
}

interface DrawnChart {
  id: string
  type: string
  labels: string[]
  datasets: Array<{ label: string; total: number }>
  /** Pixels of the canvas that are not transparent. */
  paintedPixels: number
  pixels: number
}

/** Reads each chart back from the page: what Chart.js holds, and what the canvas shows. */
function drawnCharts(page: Page): Promise<DrawnChart[]> {
  return page.evaluate(`[...document.querySelectorAll('canvas')].map((canvas) => {
    const chart = Chart.getChart(canvas)
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data
    let painted = 0
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++
    return {
      id: canvas.id,
      type: chart ? chart.config.type : 'none',
      labels: chart ? chart.data.labels.map(String) : [],
      datasets: chart ? chart.data.datasets.map((set) => ({ label: String(set.label), total: set.data.reduce((a, b) => a + b, 0) })) : [],
      paintedPixels: painted,
      pixels: canvas.width * canvas.height,
    }
  })`) as Promise<DrawnChart[]>
}

/** Opens a file with every request that is not the file itself refused, and counted. */
async function openOffline(file: string): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  const requests: string[] = []
  const url = pathToFileURL(file).href
  await page.route('**/*', (route) => {
    if (route.request().url() === url) return route.continue()
    requests.push(route.request().url())
    return route.abort()
  })
  await page.goto(url)
  return { page, requests }
}

test('every chart of the page is drawn from the report, offline, with no console error', async () => {
  const file = join(OUTPUT, 'report.html')
  await command(['report', '--property', PROPERTY, '--html', file])
  const report = JSON.parse(await command(['report', '--property', PROPERTY, '--json']))
  const { page, requests } = await openOffline(file)
  const problems = watchProblems(page)
  await page.reload()
  const charts = await drawnCharts(page)
  await page.screenshot({ path: join(OUTPUT, 'report.png'), fullPage: true })

  assert.deepEqual(requests, [], 'the page asked for nothing')
  assert.deepEqual(problems, { consoleErrors: [], pageErrors: [] })
  assert.deepEqual(
    charts.map((chart) => [chart.id, chart.type]),
    [
      ['chart-timeline', 'line'],
      ['chart-versions', 'line'],
      ['chart-runtimes', 'doughnut'],
      ['chart-os', 'doughnut'],
      ['chart-ci', 'doughnut'],
      ['chart-countries', 'bar'],
      ['chart-packages', 'bar'],
    ],
  )
  for (const chart of charts) {
    assert.ok(chart.datasets.length > 0, `${chart.id} has data`)
    assert.ok(
      chart.paintedPixels > chart.pixels * 0.03,
      `${chart.id} is painted: ${chart.paintedPixels} of ${chart.pixels}`,
    )
  }
  const byId = Object.fromEntries(charts.map((chart) => [chart.id, chart]))
  assert.equal(byId['chart-timeline']!.datasets[0]!.total, report.totals.imports, 'the timeline adds up to the total')
  assert.equal(byId['chart-timeline']!.labels.length, 28)
  assert.deepEqual(
    byId['chart-versions']!.datasets.map((set) => set.label).sort(),
    report.versions.map((version: { name: string }) => version.name).sort(),
  )
  assert.ok(byId['chart-runtimes']!.labels.some((label) => /^node 22 \(\d+(\.\d)?%\)$/.test(label)))
  assert.equal(byId['chart-countries']!.labels[0], report.countries[0].name)
  assert.equal(byId['chart-packages']!.labels[0], SAMPLE_PACKAGE)
  const tiles = await page.locator('.tile b').allTextContents()
  assert.equal(tiles[0], report.totals.imports.toLocaleString('en-US'))
  await page.close()
})

test('a weekly report of one package draws its charts too, without the packages chart', async () => {
  const file = join(OUTPUT, 'report-weekly.html')
  await command(['report', '--property', PROPERTY, '--package', SAMPLE_PACKAGE, '--since', '8w', '--html', file])
  const { page, requests } = await openOffline(file)
  const problems = watchProblems(page)
  await page.reload()
  const charts = await drawnCharts(page)
  await page.screenshot({ path: join(OUTPUT, 'report-weekly.png'), fullPage: true })
  assert.deepEqual(requests, [])
  assert.deepEqual(problems, { consoleErrors: [], pageErrors: [] })
  assert.equal(charts.length, 6)
  for (const chart of charts) assert.ok(chart.paintedPixels > chart.pixels * 0.03, chart.id)
  assert.match((await drawnCharts(page))[0]!.labels[0]!, /^week of /)
  await page.close()
})

test("the badge's texts fit inside their boxes", async () => {
  const svg = await command(['badge', '--property', PROPERTY, '--package', SAMPLE_PACKAGE])
  const page = await browser.newPage()
  const problems = watchProblems(page)
  await page.setContent(`<!doctype html><body style="margin:0">${svg}</body>`)
  const boxes = (await page.evaluate(`(() => {
    const box = (element) => { const { x, width } = element.getBBox(); return { x, width } }
    const rects = [...document.querySelectorAll('g[clip-path] rect')].slice(0, 2).map(box)
    const texts = [...document.querySelectorAll('text')].filter((_, i) => i % 2 === 1).map(box)
    return { rects, texts }
  })()`)) as { rects: Box[]; texts: Box[] }
  await page.locator('svg').screenshot({ path: join(OUTPUT, 'badge.png') })
  assert.deepEqual(problems, { consoleErrors: [], pageErrors: [] })
  for (const [i, text] of boxes.texts.entries()) {
    const rect = boxes.rects[i]!
    assert.ok(text.width > 0, 'the text is drawn')
    assert.ok(
      text.x >= rect.x && text.x + text.width <= rect.x + rect.width + 0.5,
      `text ${i} fits: ${JSON.stringify({ text, rect })}`,
    )
  }
  await page.close()
})
