// Runs a command under a real pseudo-terminal, the way a person at a shell sees it: util-linux's
// `script` gives the child a pty for stdin, stdout and stderr (or, on request, stderr goes to a file).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run, type RunResult } from './run.js'

export interface TerminalRun extends RunResult {
  /** What the terminal showed (stdout and, unless redirected, stderr), with the pty's \r\n made \n. */
  screen: string
  /** With stderr: 'file', what the program wrote to stderr. */
  stderrFile?: string
}

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`
}

export async function runInTerminal(
  command: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; stderr?: 'terminal' | 'file' } = {},
): Promise<TerminalRun> {
  const scratch = options.stderr === 'file' ? mkdtempSync(join(tmpdir(), 'popylar-stderr-')) : undefined
  const stderrPath = scratch && join(scratch, 'stderr.txt')
  const line = command.map(shellQuote).join(' ') + (stderrPath ? ` 2>${shellQuote(stderrPath)}` : '')
  // -q: no "Script started" banner, -f: flush at once, -e: exit with the child's code, -c: the command.
  const result = await run('script', ['-qfec', line, '/dev/null'], {
    env: { SHELL: '/bin/sh', ...options.env },
    cwd: options.cwd,
  })
  try {
    return {
      ...result,
      screen: result.stdout.replace(/\r\n/g, '\n'),
      stderrFile: stderrPath && readFileSync(stderrPath, 'utf8'),
    }
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true })
  }
}
