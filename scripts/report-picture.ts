// Makes docs/report.png, the picture of the report page in the README: the stand-in for Google's
// Analytics APIs serves its made-up usage of two libraries, the built popylar-ga writes the page, and
// Chromium (test/support/chromium.ts; CHROMIUM_PATH names another binary) takes the screenshot.
//
//   npm run build && node --import tsx scripts/report-picture.ts
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { SCOPES, startGoogleApis } from '@popylar/tools/ga-api'
import { sampleUsage } from '@popylar/tools/ga-api/sample-usage'
import { launchChromium } from '../test/support/chromium.js'
import { emptyHome, runGa, WORKSPACE_BIN } from '../test/support/ga-command.js'

const PICTURE = fileURLToPath(new URL('../docs/report.png', import.meta.url))
const PROPERTY = '123456789'
const PARAMETERS = ['package_name', 'package_version', 'runtime', 'runtime_version', 'os', 'arch', 'ci']

async function main(): Promise<void> {
  const home = emptyHome()
  const api = await startGoogleApis()
  try {
    api.addProperty(PROPERTY, { events: sampleUsage(), eventParameters: PARAMETERS })
    api.grant('author@example.com', PROPERTY, 'viewer')
    const page = join(home, 'work', 'report.html')
    const result = await runGa(WORKSPACE_BIN, ['report', '--property', PROPERTY, '--html', page], {
      home,
      apiRoot: api.url,
      env: { POPYLAR_GA_ACCESS_TOKEN: api.issueToken('author@example.com', [SCOPES.readonly]) },
    })
    if (result.code !== 0) throw new Error(`popylar-ga report failed:\n${result.output}`)
    const browser = await launchChromium()
    try {
      const tab = await browser.newPage({ viewport: { width: 1200, height: 800 } })
      await tab.goto(pathToFileURL(page).href)
      await tab.screenshot({ path: PICTURE, fullPage: true })
    } finally {
      await browser.close()
    }
    console.log(`wrote ${PICTURE}`)
  } finally {
    await api.close()
  }
}

main().catch((error: unknown) => {
  console.error(`report-picture: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
