// The report as one self-contained HTML page: the numbers as JSON, Chart.js and the drawing script
// inlined, no request to anything. Charts: imports and users over time, versions' adoption, runtime,
// OS and CI shares, countries (and packages, when the report covers several).
import { REPORT_PAGE_SCRIPT } from './report-page-script.js'
import { formatNumber, formatShare } from './terminal-report.js'
import type { UsageReport } from './usage-report.js'

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}

/** JSON that cannot end the script element it sits in. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/** Script text that cannot end its element early (`</script` only appears in strings or comments). */
function inlineScript(source: string): string {
  return source.replace(/<\/script/gi, '<\\/script')
}

const STYLE = `
  :root { color-scheme: light; --ink: #1f2430; --muted: #667085; --line: #e4e7ec; --card: #fff; --page: #f5f6f8; }
  * { box-sizing: border-box; }
  body { margin: 0; background: var(--page); color: var(--ink);
    font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
  main { max-width: 1180px; margin: 0 auto; padding: 28px 24px 40px; }
  header h1 { margin: 0; font-size: 26px; letter-spacing: -0.01em; }
  header p { margin: 4px 0 0; color: var(--muted); }
  .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 14px; margin: 22px 0; }
  .tile { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
  .tile b { display: block; font-size: 26px; font-weight: 650; }
  .tile span { color: var(--muted); font-size: 13px; }
  .grid { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 16px; }
  figure { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px 16px; }
  figure.wide { grid-column: 1 / -1; }
  figure.half { grid-column: span 2; }
  figcaption { font-weight: 600; margin-bottom: 8px; }
  figcaption small { font-weight: 400; color: var(--muted); margin-left: 6px; }
  .chart { position: relative; height: 230px; }
  .wide .chart { height: 280px; }
  .tall .chart { height: 330px; }
  footer { margin-top: 22px; color: var(--muted); font-size: 13px; }
  @media (max-width: 820px) { .grid { grid-template-columns: 1fr; } figure.half { grid-column: auto; } }
`

interface ChartSlot {
  id: string
  title: string
  note: string
  size: 'wide' | 'half' | 'third'
  /** A list of many bars needs more height than a pie. */
  tall?: boolean
}

/** The charts the page draws, in order; each a canvas the page script fills. */
export function chartSlots(report: UsageReport): ChartSlot[] {
  const per = report.interval === 'week' ? 'per week' : 'per day'
  const slots: ChartSlot[] = [
    { id: 'chart-timeline', title: 'Imports and users', note: per, size: 'wide' },
    { id: 'chart-versions', title: 'Version adoption', note: `share of imports ${per}`, size: 'wide' },
    { id: 'chart-runtimes', title: 'Runtimes', note: 'share of imports', size: 'third' },
    { id: 'chart-os', title: 'Operating systems', note: 'share of imports', size: 'third' },
    { id: 'chart-ci', title: 'CI', note: 'share of imports', size: 'third' },
    {
      id: 'chart-countries',
      title: 'Countries',
      note: 'imports',
      size: report.packages ? 'half' : 'wide',
      tall: true,
    },
  ]
  if (report.packages)
    slots.push({ id: 'chart-packages', title: 'Packages', note: 'imports', size: 'third', tall: true })
  return slots
}

function tiles(report: UsageReport): string {
  const total = report.totals.imports
  const newest = report.versions.find((version) => version.imports > 0)
  const runtime = report.runtimes[0]
  const items: Array<[string, string]> = [
    [formatNumber(total), 'imports'],
    [formatNumber(report.totals.users), 'users'],
  ]
  if (newest) items.push([newest.name, `newest version, ${formatShare(newest.imports, total)} of imports`])
  if (runtime) items.push([runtime.name, `top runtime, ${formatShare(runtime.imports, total)} of imports`])
  return items
    .map(([value, label]) => `<div class="tile"><b>${escapeHtml(value)}</b><span>${escapeHtml(label)}</span></div>`)
    .join('\n      ')
}

function figure(slot: ChartSlot): string {
  const classes = [slot.size === 'third' ? '' : slot.size, slot.tall ? 'tall' : ''].filter(Boolean).join(' ')
  return `<figure${classes ? ` class="${classes}"` : ''}>
        <figcaption>${escapeHtml(slot.title)}<small>${escapeHtml(slot.note)}</small></figcaption>
        <div class="chart"><canvas id="${slot.id}" role="img" aria-label="${escapeHtml(`${slot.title}, ${slot.note}`)}"></canvas></div>
      </figure>`
}

export function htmlReport(report: UsageReport, chartLibrary: string, generatedAt = new Date()): string {
  const title = report.packageName ?? 'Every package'
  const subtitle = `"${report.event}" events in GA4 property ${report.property}, ${report.start} to ${report.end} (${report.timeZone})`
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)}: usage</title>
  <style>${STYLE}</style>
</head>
<body>
  <main>
    <header>
      <h1>${escapeHtml(title)}</h1>
      <p>${escapeHtml(subtitle)}</p>
    </header>
    <section class="tiles">
      ${tiles(report)}
    </section>
    <section class="grid">
      ${chartSlots(report).map(figure).join('\n      ')}
    </section>
    <footer>Made by popylar-ga from the GA4 Data API on ${escapeHtml(generatedAt.toISOString().slice(0, 16).replace('T', ' '))} UTC. Charts by Chart.js (MIT licence).</footer>
  </main>
  <script>${inlineScript(chartLibrary)}</script>
  <script type="application/json" id="report-data">${scriptJson(report)}</script>
  <script>${inlineScript(REPORT_PAGE_SCRIPT)}</script>
</body>
</html>
`
}
