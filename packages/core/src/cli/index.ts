#!/usr/bin/env node
// The popylar command: the person running programs reads and changes their choices.
import { parseArgs } from 'node:util'
import packageJson from '../../package.json' with { type: 'json' }
import { optIn, optOut, resetClientId, status } from '../runtime/package/choices.js'
import { formatStatus } from './format-status.js'
import { HELP, USAGE } from './usage.js'

class UsageError extends Error {}

function parse(argv: string[]) {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        json: { type: 'boolean' },
      },
    })
    return { ...values, command: positionals[0], operands: positionals.slice(1) }
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

/** What a system error says, without the call and path Node adds: "no space left on device (ENOSPC)". */
function systemProblem(error: NodeJS.ErrnoException): string {
  const said = /^[A-Z]+: ([^,]+)/.exec(error.message)?.[1] ?? error.message
  return error.code ? `${said} (${error.code})` : said
}

/** Records a choice, or fails with one line that says why it could not be saved. */
async function record<T>(what: string, change: () => Promise<T>): Promise<T> {
  try {
    return await change()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (!code || !/^E[A-Z]+$/.test(code)) throw error
    const file = (await status().catch(() => undefined))?.configFile ?? 'popylar/config.json'
    throw new Error(
      `could not save ${what} in ${file}: ${systemProblem(error as NodeJS.ErrnoException)}. Nothing was changed.`,
    )
  }
}

/** Tells what the person asked for; a machine-wide "no" elsewhere still wins, so say so. */
async function choose(track: boolean, packageName: string | undefined): Promise<void> {
  const file = await record('the choice', () => (track ? optIn : optOut)(packageName))
  const who = packageName ?? 'every library built with popylar'
  console.log(`popylar: ${track ? 'tracking allowed' : 'tracking stopped'} for ${who} (recorded in ${file})`)
  if (!track) return
  const now = await status()
  const refusedForPackage = packageName !== undefined && now.packages[packageName] === false
  if (!now.tracking && !refusedForPackage) console.error(`popylar: note: nothing is sent yet, because ${now.reason}`)
}

async function main(argv: string[]): Promise<number> {
  const { help, version, json, command, operands } = parse(argv)
  if (help || version) {
    console.log(help ? HELP : packageJson.version)
    return 0
  }
  if (!command) throw new UsageError('no command given')
  const takesPackage = command === 'opt-out' || command === 'opt-in'
  if (json && command !== 'status') throw new UsageError('--json goes with status only')
  if (operands.length > (takesPackage ? 1 : 0))
    throw new UsageError(`unexpected argument "${operands[takesPackage ? 1 : 0]}"`)
  if (takesPackage && operands[0] === '') throw new UsageError('the package name is empty')

  switch (command) {
    case 'opt-out':
    case 'opt-in':
      await choose(command === 'opt-in', operands[0])
      return 0
    case 'reset':
      console.log(`popylar: new client id ${await record('the new client id', resetClientId)}`)
      return 0
    case 'status': {
      const now = await status()
      process.stdout.write(json ? `${JSON.stringify(now, null, 2)}\n` : formatStatus(now))
      if (!now.configProblem) return 0
      console.error(`popylar: ${now.configProblem}. Nothing is sent until this is fixed.`)
      return 1
    }
    default:
      throw new UsageError(`unknown command "${command}"`)
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: Error) => {
    if (error instanceof UsageError) {
      console.error(`popylar: ${error.message}\n${USAGE}`)
      process.exitCode = 2
    } else {
      console.error(`popylar: ${error.message}`)
      process.exitCode = 1
    }
  },
)
