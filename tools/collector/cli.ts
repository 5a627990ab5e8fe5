// Runs a collector in the foreground and prints each received event as one line (problems, if any,
// on indented lines below). For manual use and the demo; Ctrl-C stops it.
//
//   node --import tsx tools/collector/cli.ts [--port N] [--behaviour normal|slow|hang|error500|reset] [--delay-ms N]
import { parseArgs } from 'node:util'
import { BEHAVIOURS, startCollector, type Behaviour, type ReceivedEvent, type ReceivedRequest } from './collector.js'

const USAGE = `usage: node --import tsx tools/collector/cli.ts [--port N] [--behaviour ${BEHAVIOURS.join('|')}] [--delay-ms N]`

function parseOptions(argv: string[]): { port: number; behaviour: Behaviour; delayMs?: number } {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '0' },
      behaviour: { type: 'string', default: 'normal' },
      'delay-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port: "${values.port}" is not a port number`)
  const delayMs = values['delay-ms'] === undefined ? undefined : Number(values['delay-ms'])
  if (delayMs !== undefined && !(delayMs >= 0))
    throw new Error(`--delay-ms: "${values['delay-ms']}" is not a number of milliseconds`)
  return { port, behaviour: values.behaviour as Behaviour, ...(delayMs === undefined ? {} : { delayMs }) }
}

function time(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23)
}

function formatParams(params: ReceivedEvent['params']): string {
  return Object.entries(params)
    .map(([name, value]) => `${name}=${typeof value === 'string' ? JSON.stringify(value) : value}`)
    .join(' ')
}

function formatRequest(request: ReceivedRequest): string[] {
  const { session } = request
  const marks = `${session.firstVisits ? ' first visit' : ''}${session.starts ? ' session start' : ''}`
  const where = `${request.protocol}${request.debug ? ' debug' : ''} ${request.measurementId || '(no id)'} cid=${request.clientId || '(none)'} session=${session.id || '(none)'}${session.number ? `#${session.number}` : ''}${marks}`
  const events = request.events.length > 0 ? request.events : [{ name: '(no events)', params: {} }]
  const lines = events.map((event) =>
    `${time(request.receivedAt)} ${where} ${event.name} ${formatParams(event.params)}`.trimEnd(),
  )
  for (const problem of request.problems)
    lines.push(`    ! ${problem.validationCode} ${problem.fieldPath || '(body)'}: ${problem.description}`)
  return lines
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2))
  const collector = await startCollector({
    ...options,
    onRequest: (request) => console.log(formatRequest(request).join('\n')),
  })
  console.log(
    `collector listening on ${collector.url} (behaviour: ${options.behaviour}); point the tracker at it with POPYLAR_ENDPOINT=${collector.url}`,
  )
  const stop = () => void collector.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  console.error(`collector: ${(error as Error).message}\n${USAGE}`)
  process.exit(1)
})
