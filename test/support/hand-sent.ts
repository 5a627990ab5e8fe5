// Programs that send events by hand with trackEvent from @popylar/core (the built package), as a
// user of the Python popylar's track_event would, each in a fresh child process.
import { run, type Home, type RunResult } from './run.js'

/** The built ESM entry of @popylar/core, as a file URL a script anywhere can import. */
export const CORE_ENTRY = import.meta.resolve('@popylar/core')

/** The arguments of one trackEvent call, as JSON can carry them. */
export type TrackEventArgs = [measurementId: unknown, name: unknown, params?: unknown, options?: unknown]

/**
 * Awaits each call in turn, as a user would, and prints what each promise settled with as a JSON
 * array. A rejection would end the program with an error on stderr.
 */
export function trackEventScript(calls: TrackEventArgs[]): string {
  return (
    `import { trackEvent } from ${JSON.stringify(CORE_ENTRY)}\n` +
    `const settled = []\n` +
    `for (const args of ${JSON.stringify(calls)}) settled.push(await trackEvent(...args))\n` +
    `console.log(JSON.stringify(settled))\n`
  )
}

export function runTrackEvents(
  home: Home,
  calls: TrackEventArgs[],
  options: { env?: Record<string, string | undefined> } = {},
): Promise<RunResult> {
  return run(process.execPath, ['--input-type=module', '-e', trackEventScript(calls)], {
    env: { ...home.env, ...options.env },
    cwd: home.cwd,
  })
}
