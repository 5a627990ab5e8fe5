// The end of the demo: what the author sees of the events the demo just sent. The stand-in for
// Google's Analytics APIs (tools/ga-api) answers the Data API from the requests the demo's collector
// received, and the built popylar-ga registers the dimensions, then reports, as an author would.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ReceivedRequest } from '@popylar/tools/collector'
import { SCOPES, startGoogleApis } from '@popylar/tools/ga-api'
import { eventsFromRequests } from '@popylar/tools/ga-api/collector-events'

const BIN = fileURLToPath(new URL('../packages/ga/dist/cli.mjs', import.meta.url))
/** The demo's GA4 property, as the stand-in knows it. */
const PROPERTY = '100000001'
const AUTHOR = 'demo-author@example.com'

/** Runs popylar-ga; its output goes to ours, or is kept when `quiet`. */
function popylarGa(
  args: string[],
  env: Record<string, string>,
  quiet: boolean,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', quiet ? 'pipe' : 'inherit', quiet ? 'pipe' : 'inherit'],
    })
    let output = ''
    child.stdout?.on('data', (chunk) => {
      output += chunk
    })
    child.stderr?.on('data', (chunk) => {
      output += chunk
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? 1, output }))
  })
}

/** Prints the report of `received`; false when popylar-ga failed. */
export async function reportWhatWasSent(received: readonly ReceivedRequest[]): Promise<boolean> {
  const api = await startGoogleApis()
  const home = mkdtempSync(join(tmpdir(), 'popylar-demo-ga-'))
  try {
    api.addProperty(PROPERTY, { events: () => eventsFromRequests(received) })
    api.grant(AUTHOR, PROPERTY, 'editor')
    const env = {
      HOME: home,
      POPYLAR_GA_API_ROOT: api.url,
      POPYLAR_GA_ACCESS_TOKEN: api.issueToken(AUTHOR, [SCOPES.edit, SCOPES.readonly]),
      // No Google sign-in of this machine, and no look for a metadata server beyond loopback.
      GOOGLE_APPLICATION_CREDENTIALS: '',
      METADATA_SERVER_DETECTION: 'none',
    }
    console.log(
      `What the author sees: a stand-in for Google's Analytics APIs on ${api.url} answers from the requests above.`,
    )
    const setup = await popylarGa(['setup', '--property', PROPERTY], env, true)
    if (setup.code !== 0) {
      console.log(`✘ popylar-ga setup failed:\n${setup.output}`)
      return false
    }
    console.log(`$ popylar-ga setup --property ${PROPERTY}   (registers the custom dimensions)`)
    console.log(`$ popylar-ga report --property ${PROPERTY} --since 7d\n`)
    const report = await popylarGa(['report', '--property', PROPERTY, '--since', '7d'], env, false)
    return report.code === 0
  } finally {
    await api.close()
    rmSync(home, { recursive: true, force: true })
  }
}
