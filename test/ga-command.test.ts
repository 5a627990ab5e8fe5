// popylar-ga as authors get it: the packed @popylar/ga installed from its tarball into a fresh project
// outside the repository (its dependencies from the registry), its bin run in a child process against
// the local stand-in for Google's Admin API, Data API and OAuth token endpoint, over real HTTP.
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { type GoogleApisStandIn, SCOPES, type StoredEvent, startGoogleApis } from '@popylar/tools/ga-api'
import { SAMPLE_CLI_PACKAGE, SAMPLE_PACKAGE, sampleUsage } from '@popylar/tools/ga-api/sample-usage'
import { emptyHome, type GaRun, oneLineFailure, REPOSITORY, runGa, writeKeyFile } from './support/ga-command.js'
import { startConnectProxy } from './support/connect-proxy.js'
import { assertBuilt, fixtureLibrary } from './support/fixtures.js'
import { run } from './support/run.js'
import { collectorFor, singleImportEvent } from './support/tracked-run.js'

const AUTHOR = 'author@example.com'
/** The property with months of made-up usage; the author is its Editor. */
const PROPERTY = '350000001'
/** A property the author has no role on. */
const FOREIGN_PROPERTY = '350000002'
/** Parameters GA4 reads itself (sessions, engagement): no custom dimension for them. */
const GA4_OWN_PARAMETERS = ['session_id', 'engagement_time_msec']
const TRACKER_PARAMETERS = ['package_name', 'package_version', 'runtime', 'runtime_version', 'os', 'arch', 'ci']

const scratch = mkdtempSync(join(tmpdir(), 'popylar-ga-pack-'))
const project = join(scratch, 'project')
let bin = ''
let packedFiles: string[] = []
let api: GoogleApisStandIn
const events: StoredEvent[] = sampleUsage()
let home = ''
/** Editor and reader at once: what `gcloud auth application-default login` with both scopes gives. */
let authorToken = ''

after(async () => {
  await api?.close()
  rmSync(scratch, { recursive: true, force: true })
})

before(async () => {
  const tarballs = join(scratch, 'tarballs')
  mkdirSync(tarballs, { recursive: true })
  const packed = await run('npm', ['pack', '--json', '--pack-destination', tarballs], {
    cwd: join(REPOSITORY, 'packages', 'ga'),
    timeoutMs: 120_000,
  })
  assert.equal(packed.code, 0, packed.stderr)
  const [report] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>
  packedFiles = report!.files.map((file) => file.path)
  mkdirSync(project)
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'an-authors-project', private: true }))
  const installed = await run('npm', ['install', '--no-audit', '--no-fund', join(tarballs, report!.filename)], {
    cwd: project,
    timeoutMs: 300_000,
  })
  assert.equal(installed.code, 0, installed.stderr)
  bin = join(project, 'node_modules', '@popylar', 'ga', 'dist', 'cli.mjs')

  api = await startGoogleApis()
  api.addProperty(PROPERTY, { events })
  api.addProperty(FOREIGN_PROPERTY, { events })
  api.grant(AUTHOR, PROPERTY, 'editor')
  authorToken = api.issueToken(AUTHOR, [SCOPES.edit, SCOPES.readonly])
  home = emptyHome()
})

/** Everything each run printed, for the last test's look for credentials. */
const outputs: string[] = []

async function gaAt(apiRoot: string, args: string[], env: Record<string, string> = {}): Promise<GaRun> {
  const result = await runGa(bin, args, { home, apiRoot, env })
  outputs.push(result.output)
  return result
}

function ga(args: string[], env: Record<string, string> = {}): Promise<GaRun> {
  return gaAt(api.url, args, env)
}

function asAuthor(args: string[]): Promise<GaRun> {
  return ga(args, { POPYLAR_GA_ACCESS_TOKEN: authorToken })
}

/** What the report must say, counted here from the stand-in's events: imports and distinct users, today included. */
function expected(days: number, packageName?: string): { imports: number; users: number } {
  const today = new Date().toISOString().slice(0, 10)
  const first = new Date(Date.parse(today) - (days - 1) * 86_400_000).toISOString().slice(0, 10)
  const counted = events.filter((event) => {
    const date = new Date(event.time).toISOString().slice(0, 10)
    return (
      event.name === 'import' &&
      date >= first &&
      date <= today &&
      (packageName === undefined || event.params.package_name === packageName)
    )
  })
  return { imports: counted.length, users: new Set(counted.map((event) => event.clientId)).size }
}

function dimensions(property: string) {
  return api.property(property)!.customDimensions
}

test('the tarball holds the command and its README, and no sources, tests or core internals', () => {
  assert.ok(packedFiles.includes('dist/cli.mjs'), packedFiles.join(', '))
  for (const doc of ['README.md', 'LICENSE', 'package.json']) assert.ok(packedFiles.includes(doc), doc)
  for (const file of packedFiles) assert.doesNotMatch(file, /^src\/|\.test\.|tsconfig|tsdown/, file)
  const cli = readFileSync(bin, 'utf8')
  assert.ok(cli.startsWith('#!/usr/bin/env node\n'), 'a shebang')
  assert.doesNotMatch(cli, /@popylar\/core/, 'no import of @popylar/core')
  const manifest = JSON.parse(readFileSync(join(project, 'node_modules', '@popylar', 'ga', 'package.json'), 'utf8'))
  assert.deepEqual(Object.keys(manifest.dependencies).sort(), ['chart.js', 'google-auth-library'])
  assert.ok(existsSync(join(project, 'node_modules', '.bin', 'popylar-ga')), 'the bin is linked')
})

test('setup --dry-run lists what it would create and creates nothing', async () => {
  const result = await asAuthor(['setup', '--property', PROPERTY, '--param', 'feature', '--dry-run'])
  assert.equal(result.code, 0, result.output)
  for (const name of [...TRACKER_PARAMETERS, 'feature'])
    assert.match(result.stdout, new RegExp(`${name} .*would create`))
  assert.match(result.stdout, /--dry-run: nothing changed; without it, 8 would be created/)
  assert.equal(dimensions(PROPERTY).length, 0)
})

test('setup creates an event-scoped dimension for each parameter; a second run changes nothing', async () => {
  api.property(PROPERTY)!.customDimensions.push({
    name: `properties/${PROPERTY}/customDimensions/1`,
    parameterName: 'plan',
    displayName: 'Plan',
    scope: 'USER',
  })
  const first = await asAuthor(['setup', '--property', PROPERTY, '--param', 'feature'])
  assert.equal(first.code, 0, first.output)
  assert.match(first.stdout, /Created 8\./)
  assert.match(first.stdout, /Other custom dimensions on this property:\n.*\n {2}plan +Plan +user/)
  const created = dimensions(PROPERTY).filter((dimension) => dimension.scope === 'EVENT')
  assert.deepEqual(
    created.map((dimension) => dimension.parameterName).sort(),
    [...TRACKER_PARAMETERS, 'feature'].sort(),
  )
  assert.ok(
    created.find((dimension) => dimension.parameterName === 'package_version')?.displayName === 'Package version',
  )

  const posts = api.requests.filter((request) => request.method === 'POST').length
  const second = await asAuthor(['setup', '--property', PROPERTY, '--param', 'feature'])
  assert.equal(second.code, 0, second.output)
  assert.match(second.stdout, /8 of 8 event-scoped custom dimensions .* existed/)
  assert.match(second.stdout, /Nothing to do/)
  assert.equal(api.requests.filter((request) => request.method === 'POST').length, posts, 'no dimension created')
})

test('report: a table of the last 28 days with the totals the events make, and a trend for each version', async () => {
  const result = await asAuthor(['report', '--property', PROPERTY])
  assert.equal(result.code, 0, result.output)
  const { imports, users } = expected(28)
  assert.match(result.stdout, new RegExp(`imports +${imports.toLocaleString('en-US')} +[▁▂▃▄▅▆▇█]{28}\\n`))
  assert.match(result.stdout, new RegExp(`users +${users.toLocaleString('en-US')} +[▁▂▃▄▅▆▇█]{28}\\n`))
  for (const heading of ['package', 'version', 'runtime', 'OS', 'CI', 'country'])
    assert.match(result.stdout, new RegExp(`^ {2}${heading} +imports +share`, 'm'))
  assert.match(result.stdout, /^ {2}2\.0\.0 +[\d,]+ +[\d.]+% +[\d,]+ +[▁▂▃▄▅▆▇█]{28}$/m)
  assert.match(result.stdout, /^ {2}node 22 /m)
  assert.match(result.stdout, /^ {2}United States /m)
})

test('report --json: the numbers add up, day by day and by version', async () => {
  const result = await asAuthor(['report', '--property', PROPERTY, '--json'])
  assert.equal(result.code, 0, result.output)
  const report = JSON.parse(result.stdout)
  assert.deepEqual(report.totals, expected(28))
  assert.equal(report.periods.length, 28)
  const sum = (rows: Array<{ imports: number }>) => rows.reduce((total, row) => total + row.imports, 0)
  assert.equal(sum(report.timeline), report.totals.imports)
  for (const split of ['versions', 'runtimes', 'os', 'ci', 'countries', 'packages'])
    assert.equal(sum(report[split]), report.totals.imports, split)
  assert.deepEqual(
    report.packages.map((row: { name: string }) => row.name),
    [SAMPLE_PACKAGE, SAMPLE_CLI_PACKAGE],
  )
})

test('report --package --since --by week: one package, a point a week', async () => {
  const result = await asAuthor([
    'report',
    '--property',
    PROPERTY,
    '--package',
    SAMPLE_CLI_PACKAGE,
    '--since',
    '8w',
    '--json',
  ])
  assert.equal(result.code, 0, result.output)
  const report = JSON.parse(result.stdout)
  assert.equal(report.interval, 'week')
  assert.ok(report.periods.length === 8 || report.periods.length === 9, report.periods.join(' '))
  assert.deepEqual(report.totals, expected(56, SAMPLE_CLI_PACKAGE))
  assert.equal(report.packages, undefined)
  assert.equal(report.packageName, SAMPLE_CLI_PACKAGE)
})

test('report --html writes one page with the chart library inlined', async () => {
  const result = await asAuthor(['report', '--property', PROPERTY, '--html', 'usage.html'])
  assert.equal(result.code, 0, result.output)
  const file = join(home, 'work', 'usage.html')
  assert.equal(result.stdout, `popylar-ga: wrote ${file}\n`)
  const page = readFileSync(file, 'utf8')
  assert.match(page, /Chart\.js v4/)
  assert.doesNotMatch(page, /<script[^>]+src=|<link[^>]+href=/)
  assert.equal(page.match(/<canvas id="chart-/g)?.length, 7)
})

test('report --html into a folder that does not exist says so, in one line', async () => {
  const result = await asAuthor(['report', '--property', PROPERTY, '--html', 'no/such/folder/usage.html'])
  assert.match(oneLineFailure(result), /cannot write .*no\/such\/folder\/usage\.html \(ENOENT\)/)
})

test('badge: the last 30 days as a shields-style SVG, of imports or of users', async () => {
  const imports = await asAuthor(['badge', '--property', PROPERTY, '--package', SAMPLE_PACKAGE])
  assert.equal(imports.code, 0, imports.output)
  const count = expected(30, SAMPLE_PACKAGE).imports
  const thousands = count >= 10_000 ? `${Math.round(count / 1000)}k` : `${(count / 1000).toFixed(1)}k`
  assert.match(imports.stdout, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="20"/)
  assert.match(imports.stdout, new RegExp(`<title>imports: ${thousands.replace('.', '\\.')}/month</title>`))
  const users = await asAuthor(['badge', '--property', PROPERTY, '--metric', 'users', '--label', 'people'])
  assert.match(users.stdout, /<title>people: [\d.]+k\/month<\/title>/)
})

test("a service account's key file: a JWT exchanged at the token endpoint, then the report", async () => {
  const key = api.addServiceAccount('reporter')
  api.grant(key.client_email, PROPERTY, 'viewer')
  const file = writeKeyFile(home, key, 'reporter.json')
  const tokens = api.requests.filter((request) => request.path === '/token').length
  const result = await ga(['report', '--property', PROPERTY, '--key-file', file, '--json'])
  assert.equal(result.code, 0, result.output)
  assert.deepEqual(JSON.parse(result.stdout).totals, expected(28))
  const exchanged = api.requests.filter((request) => request.path === '/token')
  assert.equal(exchanged.length, tokens + 1, 'one token for the whole report')
  assert.equal(exchanged.at(-1)!.status, 200)
  const reads = api.requests.filter((request) => request.path.endsWith(':batchRunReports')).slice(-2)
  assert.deepEqual(
    reads.map((request) => request.principal),
    [key.client_email, key.client_email],
  )
})

test('Application Default Credentials: GOOGLE_APPLICATION_CREDENTIALS naming a key file', async () => {
  const key = api.addServiceAccount('adc-reader')
  api.grant(key.client_email, PROPERTY, 'viewer')
  const file = writeKeyFile(home, key, 'adc.json')
  const result = await ga(['badge', '--property', PROPERTY], { GOOGLE_APPLICATION_CREDENTIALS: file })
  assert.equal(result.code, 0, result.output)
  assert.match(result.stdout, /<title>imports: /)
})

test('setup gives a dimension to every parameter a built library really sends, but the ones GA4 reads itself', async (t) => {
  const library = fixtureLibrary('lib-vite').outputs[0]!
  assertBuilt(library.file)
  const collector = await collectorFor(t)
  const sent = await singleImportEvent(collector, library.file)
  const property = '350000009'
  api.addProperty(property)
  api.grant(AUTHOR, property, 'editor')
  const result = await asAuthor(['setup', '--property', property])
  assert.equal(result.code, 0, result.output)
  const registered = new Set(dimensions(property).map((dimension) => dimension.parameterName))
  const unregistered = Object.keys(sent.params).filter((name) => !registered.has(name))
  assert.deepEqual(unregistered.sort(), GA4_OWN_PARAMETERS.filter((name) => name in sent.params).sort())
})

test('HTTPS_PROXY: the token exchange and every API request go through the proxy', async () => {
  const proxy = await startConnectProxy()
  try {
    const key = api.addServiceAccount('behind-proxy')
    api.grant(key.client_email, PROPERTY, 'viewer')
    const file = writeKeyFile(home, key, 'proxied.json')
    const before = api.requests.length
    const result = await ga(['badge', '--property', PROPERTY, '--key-file', file], { HTTPS_PROXY: proxy.url })
    assert.equal(result.code, 0, result.output)
    const standIn = new URL(api.url).host
    assert.ok(proxy.targets.length >= 1, 'the proxy was used')
    assert.ok(
      proxy.targets.every((target) => target === standIn),
      proxy.targets.join(' '),
    )
    assert.deepEqual(
      api.requests.slice(before).map((request) => request.path.replace(/\d+/g, 'N')),
      ['/token', '/vNbeta/properties/N:runReport'],
    )
  } finally {
    await proxy.close()
  }
})

// ------------------------------------------------------------------ every bad input gets its line

/** Secrets that must never show: the author's token, and any private key. */
function assertNoSecret(result: GaRun, secrets: string[]): void {
  for (const secret of secrets) assert.ok(!result.output.includes(secret), 'a credential was printed')
  assert.doesNotMatch(result.output, /PRIVATE KEY|ya29\./)
}

test('no credentials at all: the ways to give them', async () => {
  const line = oneLineFailure(await ga(['report', '--property', PROPERTY]))
  assert.match(
    line,
    /no Google credentials found: pass --key-file .*GOOGLE_APPLICATION_CREDENTIALS.*POPYLAR_GA_ACCESS_TOKEN.*gcloud auth application-default login --scopes=https:\/\/www\.googleapis\.com\/auth\/analytics\.readonly/,
  )
})

test('a measurement id where the property id goes: where to find the property id', async () => {
  const result = await asAuthor(['report', '--property', 'G-ABCDE12345'])
  assert.equal(result.code, 2)
  assert.match(result.stderr, /^popylar-ga: --property takes the property id .* not the measurement id G-ABCDE12345\n/)
})

test('a property that does not exist, or that the account has no role on', async () => {
  for (const property of ['999999999', FOREIGN_PROPERTY]) {
    const result = await asAuthor(['report', '--property', property])
    const line = oneLineFailure(result)
    assert.match(
      line,
      new RegExp(
        `property ${property} does not exist, or the account of the access token has no access to it: .*Viewer role`,
      ),
    )
    assertNoSecret(result, [authorToken])
  }
})

test('a missing scope: setup with a read-only token', async () => {
  const readOnly = api.issueToken(AUTHOR, [SCOPES.readonly])
  const result = await ga(['setup', '--property', PROPERTY, '--param', 'new_one'], {
    POPYLAR_GA_ACCESS_TOKEN: readOnly,
  })
  assert.match(
    oneLineFailure(result),
    /the access token lacks the scope https:\/\/www\.googleapis\.com\/auth\/analytics\.edit, which setup needs/,
  )
  assertNoSecret(result, [readOnly])
})

test('a missing permission: setup by a service account that is only a Viewer', async () => {
  const key = api.addServiceAccount('viewer-only')
  api.grant(key.client_email, PROPERTY, 'viewer')
  const file = writeKeyFile(home, key, 'viewer.json')
  const result = await ga(['setup', '--property', PROPERTY, '--param', 'plan_tier', '--key-file', file])
  const line = oneLineFailure(result)
  assert.match(
    line,
    new RegExp(`the service account ${key.client_email.replace(/\./g, '\\.')} has no access to it: .*the Editor role`),
  )
  assertNoSecret(result, [key.private_key])
})

test('an exhausted quota', async () => {
  api.property(PROPERTY)!.quotaExhausted = true
  try {
    const result = await asAuthor(['report', '--property', PROPERTY])
    assert.match(
      oneLineFailure(result),
      /quota of property 350000001 is used up \(Exhausted property tokens per hour[^)]*\): retry later/,
    )
  } finally {
    api.property(PROPERTY)!.quotaExhausted = false
  }
})

test('a report before setup: which command registers the dimensions', async () => {
  const fresh = '350000003'
  api.addProperty(fresh, { events })
  api.grant(AUTHOR, fresh, 'editor')
  const line = oneLineFailure(await asAuthor(['report', '--property', fresh]))
  assert.match(
    line,
    /property 350000003 has no custom dimension for the parameter package_version: run popylar-ga setup --property 350000003/,
  )
})

test('an expired or mistyped access token', async () => {
  const result = await ga(['badge', '--property', PROPERTY], { POPYLAR_GA_ACCESS_TOKEN: 'ya29.expired-long-ago' })
  assert.match(oneLineFailure(result), /did not accept the access token .*get a new one/)
  assertNoSecret(result, ['ya29.expired-long-ago'])
})

test('a deleted service account key, a key file that is missing, and one that is not a key', async () => {
  const key = api.addServiceAccount('deleted-key')
  api.grant(key.client_email, PROPERTY, 'viewer')
  api.deleteServiceAccountKey(key.client_email)
  const deleted = await ga(['badge', '--property', PROPERTY, '--key-file', writeKeyFile(home, key, 'deleted.json')])
  assert.match(
    oneLineFailure(deleted),
    /refused the key of the service account deleted-key@.* \(invalid_grant: Invalid JWT Signature\.\): .*create a new key/,
  )
  assertNoSecret(deleted, [key.private_key])

  const missing = await ga(['badge', '--property', PROPERTY, '--key-file', join(home, 'nowhere.json')])
  assert.match(oneLineFailure(missing), /--key-file names .*nowhere\.json, which is not a readable file/)
  const notJson = await ga(['badge', '--property', PROPERTY], {
    GOOGLE_APPLICATION_CREDENTIALS: writeKeyFile(home, 'not json', 'notes.txt'),
  })
  assert.match(oneLineFailure(notJson), /notes\.txt is not a Google credentials file/)
})

test('an API not enabled in the Cloud project: the link to enable it', async () => {
  const stand = await startGoogleApis()
  try {
    stand.addProperty(PROPERTY, { events })
    stand.grant(AUTHOR, PROPERTY, 'editor')
    stand.disableApi('analyticsdata.googleapis.com')
    const token = stand.issueToken(AUTHOR, [SCOPES.readonly])
    const result = await gaAt(stand.url, ['badge', '--property', PROPERTY], { POPYLAR_GA_ACCESS_TOKEN: token })
    assert.match(
      oneLineFailure(result),
      /the Google Analytics Data API is not enabled .*: enable it at https:\/\/console\.developers\.google\.com\/apis\/api\/analyticsdata\.googleapis\.com\/overview\?project=\d+/,
    )
  } finally {
    await stand.close()
  }
})

test('an API root where nothing answers, and one that is not https', async () => {
  const closed = await startGoogleApis()
  const url = closed.url
  await closed.close()
  const result = await gaAt(url, ['badge', '--property', PROPERTY], { POPYLAR_GA_ACCESS_TOKEN: authorToken })
  assert.match(oneLineFailure(result), /^popylar-ga: cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/)
  const plain = await asAuthor(['badge', '--property', PROPERTY, '--api-root', 'http://analytics-proxy.example'])
  assert.equal(plain.code, 2)
  assert.match(plain.stderr, /--api-root "http:\/\/analytics-proxy\.example" must use https/)
})

test('no run above printed a credential: not the tokens, not a private key', () => {
  assert.ok(outputs.length > 20, `${outputs.length} runs recorded`)
  for (const output of outputs) {
    assert.ok(!output.includes(authorToken), 'a token was printed')
    assert.doesNotMatch(output, /PRIVATE KEY|ya29\./)
  }
})
