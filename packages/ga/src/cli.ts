#!/usr/bin/env node
// The popylar-ga command: an author's view of what their library's imports sent to GA4.
import packageJson from '../package.json' with { type: 'json' }
import { badge } from './badge-command.js'
import { type Invocation, parseCommandLine, UsageError } from './command-line.js'
import { SCOPES, type Scope, type Session, signIn } from './credentials.js'
import { explain, Failure, type FailureContext } from './failure.js'
import { todayIn } from './periods.js'
import { report } from './report.js'
import { setup } from './setup.js'
import { HELP, USAGE } from './usage.js'

type Run = Exclude<Invocation, { command: 'help' } | { command: 'version' }>

function scopeOf(run: Run): Scope {
  return run.command === 'setup' ? SCOPES.edit : SCOPES.read
}

function perform(run: Run, session: Session): Promise<string> {
  switch (run.command) {
    case 'setup':
      return setup(run.options, session)
    case 'report':
      return report(run.options, session)
    case 'badge':
      return badge(run.options, session)
  }
}

/** The invocation, or the exit code when the command line was wrong. */
function read(argv: string[]): Invocation | number {
  try {
    return parseCommandLine(argv, process.env, todayIn(undefined))
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`popylar-ga: ${error.message}\n${USAGE}\n`)
    return 2
  }
}

async function main(argv: string[]): Promise<number> {
  const invocation = read(argv)
  if (typeof invocation === 'number') return invocation
  if (invocation.command === 'help' || invocation.command === 'version') {
    process.stdout.write(invocation.command === 'help' ? HELP : `${packageJson.version}\n`)
    return 0
  }
  return run(invocation)
}

async function run(invocation: Run): Promise<number> {
  const context: FailureContext = {
    command: invocation.command,
    property: invocation.options.property,
    scope: scopeOf(invocation),
  }
  try {
    const session = await signIn(invocation.options, context.scope as Scope, process.env)
    context.who = session.who
    context.source = session.source
    process.stdout.write(await perform(invocation, session))
    return 0
  } catch (error) {
    if (!(error instanceof Failure)) throw error
    process.stderr.write(`popylar-ga: ${explain(error, context)}\n`)
    return 1
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    // Only the message: an HTTP library's error object can carry request headers, a token among them.
    process.stderr.write(`popylar-ga: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  },
)
