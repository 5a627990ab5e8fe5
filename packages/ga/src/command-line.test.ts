import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type Invocation, parseCommandLine, UsageError } from './command-line.js'

const TODAY = '2025-06-15'

function parse(line: string, env: NodeJS.ProcessEnv = {}): Invocation {
  return parseCommandLine(line.split(' ').filter(Boolean), env, TODAY)
}

function refused(line: string, pattern: RegExp, env: NodeJS.ProcessEnv = {}): void {
  assert.throws(
    () => parse(line, env),
    (error: unknown) => {
      assert.ok(error instanceof UsageError, `a UsageError, not ${error}`)
      assert.match(error.message, pattern)
      return true
    },
  )
}

function options(line: string, env: NodeJS.ProcessEnv = {}) {
  const invocation = parse(line, env)
  assert.ok('options' in invocation)
  return invocation.options as unknown as Record<string, unknown>
}

test('the property id is a number, with or without "properties/"', () => {
  assert.equal(options('report --property 123456789').property, '123456789')
  assert.equal(options('report --property properties/42').property, '42')
})

test('a measurement id given as the property says where the property id is', () => {
  refused('report --property G-ABC123XYZ', /property id .*Admin > Property details.*not the measurement id G-ABC123XYZ/)
})

test('a missing or malformed property is refused', () => {
  refused('report', /--property is required/)
  refused('badge --property abc', /"abc" is not a GA4 property id/)
})

test('--since takes days, weeks or a date, and the default is 28 days', () => {
  assert.deepEqual(options('report --property 1').span, { days: 28 })
  assert.deepEqual(options('report --property 1 --since 7d').span, { days: 7 })
  assert.deepEqual(options('report --property 1 --since 12w').span, { days: 84 })
  assert.deepEqual(options('report --property 1 --since 2025-01-31').span, { from: '2025-01-31' })
})

test('--since refuses what is not a span, a day that does not exist, the future and the days before GA4', () => {
  refused('report --property 1 --since 28', /not a span: write 28d, 12w or a date/)
  refused('report --property 1 --since 0d', /at least one day/)
  refused('report --property 1 --since 2025-02-30', /not a span/)
  refused('report --property 1 --since 2025-07-01', /in the future/)
  refused('report --property 1 --since 2014-01-01', /no data from before 2015-08-14/)
})

test('one point a day up to 31 days, a week beyond, unless --by says', () => {
  assert.equal(options('report --property 1 --since 31d').interval, 'day')
  assert.equal(options('report --property 1 --since 32d').interval, 'week')
  assert.equal(options('report --property 1 --since 2025-01-01').interval, 'week')
  assert.equal(options('report --property 1 --since 90d --by day').interval, 'day')
  refused('report --property 1 --by month', /--by day or --by week/)
})

test('--param names are checked as GA4 checks parameter names, and repeats count once', () => {
  assert.deepEqual(options('setup --property 1 --param feature --param plan --param feature').params, [
    'feature',
    'plan',
  ])
  refused('setup --property 1 --param 1st', /not a GA4 parameter name/)
  refused('setup --property 1 --param ga_thing', /starts with "ga_", which GA4 reserves/)
  refused('setup --property 1 --param session_id', /read by GA4 itself/)
})

test('an option of another command is refused', () => {
  refused('setup --property 1 --html page.html', /--html does not go with setup/)
  refused('badge --property 1 --since 7d', /--since does not go with badge/)
  refused('report --property 1 --dry-run', /--dry-run does not go with report/)
})

test('commands and arguments that do not exist are refused', () => {
  refused('', /no command given/)
  refused('reprot --property 1', /unknown command "reprot"/)
  refused('report extra --property 1', /unexpected argument "extra"/)
  refused('report --property 1 --colour', /Unknown option '--colour'/)
})

test('the access token comes from the flag or POPYLAR_GA_ACCESS_TOKEN; a key file given as a flag wins over the variable', () => {
  assert.equal(options('report --property 1', { POPYLAR_GA_ACCESS_TOKEN: ' ya29.x ' }).accessToken, 'ya29.x')
  assert.equal(options('report --property 1 --access-token ya29.flag').accessToken, 'ya29.flag')
  const withKey = options('report --property 1 --key-file key.json', { POPYLAR_GA_ACCESS_TOKEN: 'ya29.x' })
  assert.equal(withKey.keyFile, 'key.json')
  assert.equal(withKey.accessToken, undefined)
  refused('report --property 1 --key-file key.json --access-token ya29.x', /give one/)
})

test('the API root is https, or http on loopback only; the flag wins over POPYLAR_GA_API_ROOT', () => {
  assert.equal(options('report --property 1 --api-root https://proxy.example/ga').apiRoot, 'https://proxy.example/ga')
  assert.equal(
    options('report --property 1', { POPYLAR_GA_API_ROOT: 'http://127.0.0.1:9' }).apiRoot,
    'http://127.0.0.1:9',
  )
  assert.equal(
    options('report --property 1 --api-root http://localhost:1', { POPYLAR_GA_API_ROOT: 'https://a.example' }).apiRoot,
    'http://localhost:1',
  )
  refused('report --property 1 --api-root http://proxy.example', /must use https/)
  refused('report --property 1 --api-root ftp://proxy.example', /must be an https URL/)
  refused('report --property 1 --api-root nonsense', /is not a URL/)
})

test('badge takes imports or users, and the event name follows GA4 rules', () => {
  assert.equal(options('badge --property 1').metric, 'imports')
  assert.equal(options('badge --property 1 --metric users').metric, 'users')
  assert.equal(options('badge --property 1').event, 'import')
  assert.equal(options('badge --property 1 --event lib_loaded').event, 'lib_loaded')
  refused('badge --property 1 --metric downloads', /--metric imports or --metric users/)
  refused('badge --property 1 --event lib-loaded', /not a GA4 event name/)
  assert.throws(
    () => parseCommandLine(['report', '--property', '1', '--package', ' '], {}, TODAY),
    /--package is empty/,
  )
})

test('--help and --version need nothing else', () => {
  assert.deepEqual(parse('--help'), { command: 'help' })
  assert.deepEqual(parse('report -v'), { command: 'version' })
})
