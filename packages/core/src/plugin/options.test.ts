import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test, type TestContext } from 'node:test'
import { checkOptions, nearestPackageJson, PopylarOptionError, type PopylarOptions, resolveConfig } from './options.js'

const ID = 'G-TEST1234'

/** The message checkOptions fails with; the test fails if it does not throw a PopylarOptionError. */
function refusal(measurementId: unknown, options?: unknown): string {
  try {
    checkOptions(measurementId, options)
  } catch (error) {
    assert.ok(error instanceof PopylarOptionError, `a PopylarOptionError, not ${error}`)
    assert.equal(error.name, 'PopylarOptionError')
    return error.message
  }
  assert.fail(`checkOptions(${JSON.stringify(measurementId)}, ${JSON.stringify(options)}) did not throw`)
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'popylar-options-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

describe('checkOptions: the measurement id', () => {
  test('a GA4 measurement id passes, with every default', () => {
    assert.deepEqual(checkOptions(ID), {
      measurementId: ID,
      options: {
        apiSecret: undefined,
        endpoint: undefined,
        event: 'import',
        params: {},
        packageName: undefined,
        packageVersion: undefined,
        consent: 'opt-out',
        ci: true,
        notice: true,
      },
    })
  })

  test('a Universal Analytics id: the date Google stopped, and how to get a GA4 id', () => {
    assert.equal(
      refusal('UA-12345-1'),
      '[popylar] measurement id "UA-12345-1" is a Universal Analytics id. Google stopped processing Universal ' +
        'Analytics hits on 1 July 2023. Create a GA4 property (Google Analytics > Admin > Create > Property), add ' +
        'a Web data stream, and pass its measurement id, which looks like "G-XXXXXXXXXX": popylar(\'G-XXXXXXXXXX\').',
    )
    assert.match(refusal('ua-12345-1'), /is a Universal Analytics id/, 'in lower case too')
  })

  for (const [label, id, shown] of [
    ['no id', undefined, 'undefined'],
    ['an empty id', '', '""'],
    ['"G-" alone', 'G-', '"G-"'],
    ['a lower-case id', 'g-abcd1234', '"g-abcd1234"'],
    ['an id of digits', '123', '"123"'],
    ['a number', 1234, '1234'],
    ['an id with a space', 'G-TEST 1234', '"G-TEST 1234"'],
    ['an id longer than GA4 makes them', `G-${'A'.repeat(21)}`, `"G-${'A'.repeat(21)}"`],
  ] as const) {
    test(`${label}: where to find the id`, () => {
      assert.equal(
        refusal(id),
        `[popylar] measurement id ${shown} is not a GA4 measurement id. Pass the id of your GA4 web data stream, ` +
          `like popylar('G-XXXXXXXXXX') (Google Analytics > Admin > Data streams).`,
      )
    })
  }
})

describe('checkOptions: the options object', () => {
  for (const [label, options, shown] of [
    ['a string', 'import', '"import"'],
    ['an array', ['import'], 'import'],
    ['null', null, 'null'],
  ] as const) {
    test(`${label} instead of an object`, () => {
      assert.equal(
        refusal(ID, options),
        `[popylar] the second argument must be an options object, such as popylar('${ID}', { event: 'import' }); got ${shown}.`,
      )
    })
  }

  test('an unknown option: the nearest known one, and the list', () => {
    const known = 'apiSecret, endpoint, event, params, packageName, packageVersion, consent, ci, notice'
    assert.equal(
      refusal(ID, { endpont: 'https://example.com' }),
      `[popylar] unknown option "endpont". Did you mean "endpoint"? Known options: ${known}.`,
    )
    assert.match(refusal(ID, { apisecret: 'x' }), /Did you mean "apiSecret"\?/, 'letter case costs nothing')
    assert.match(refusal(ID, { packagename: 'x' }), /Did you mean "packageName"\?/)
    assert.match(refusal(ID, { notices: false }), /Did you mean "notice"\?/)
  })

  test('every option given, well formed: kept as given', () => {
    const options: PopylarOptions = {
      apiSecret: 'secret',
      endpoint: 'https://region1.google-analytics.com/',
      event: 'library_loaded',
      params: { channel: 'beta', build: 7 },
      packageName: 'my-lib',
      packageVersion: '1.2.3',
      consent: 'opt-in',
      ci: false,
      notice: false,
    }
    assert.deepEqual(checkOptions(ID, options).options, {
      ...options,
      endpoint: 'https://region1.google-analytics.com',
    })
  })
})

describe('checkOptions: event', () => {
  const fix = 'Use a name like "import" or "library_loaded".'
  for (const [event, problem] of [
    ['', 'the event name must be a non-empty string'],
    [42, 'the event name must be a non-empty string'],
    ['e'.repeat(41), `the event name "${'e'.repeat(41)}" is longer than 40 characters`],
    ['1st_import', 'the event name "1st_import" may hold only letters, digits and "_", and must start with a letter'],
    ['lib-import', 'the event name "lib-import" may hold only letters, digits and "_", and must start with a letter'],
    ['_import', 'the event name "_import" starts with "_", which GA4 reserves'],
    ['google_x', 'the event name "google_x" starts with "google_", which GA4 reserves'],
    ['firebase_x', 'the event name "firebase_x" starts with "firebase_", which GA4 reserves'],
    ['session_start', 'the event name "session_start" is reserved by GA4'],
  ] as const) {
    test(`${JSON.stringify(event).slice(0, 20)}: ${problem.replace(/"[^"]*" /, '')}`, () => {
      assert.equal(refusal(ID, { event }), `[popylar] option "event": ${problem}. ${fix}`)
    })
  }

  test('40 characters of letters, digits and "_" pass', () => {
    assert.equal(checkOptions(ID, { event: `e${'_9'.repeat(19)}x` }).options.event, `e${'_9'.repeat(19)}x`)
  })
})

describe('checkOptions: params', () => {
  for (const [label, params, message] of [
    [
      'not an object',
      'channel=beta',
      "params must be an object of names to strings or numbers. Write params: { channel: 'beta' }.",
    ],
    [
      'an array',
      ['beta'],
      "params must be an object of names to strings or numbers. Write params: { channel: 'beta' }.",
    ],
    [
      'a name with a dash',
      { 'build-kind': 'x' },
      'the param name "build-kind" may hold only letters, digits and "_", and must start with a letter.',
    ],
    ['a reserved prefix', { ga_source: 'x' }, 'the param name "ga_source" starts with "ga_", which GA4 reserves.'],
    [
      'package_name',
      { package_name: 'other' },
      'the param "package_name" is set by the tracker itself. Use the option packageName instead.',
    ],
    [
      'package_version',
      { package_version: '2' },
      'the param "package_version" is set by the tracker itself. Use the option packageVersion instead.',
    ],
    [
      'runtime, which the tracker reports',
      { runtime: 'node' },
      'the param "runtime" is set by the tracker itself. Remove it: the tracker reports it.',
    ],
    [
      'a value over 100 characters',
      { channel: 'v'.repeat(101) },
      'the param "channel" is longer than 100 characters. Its value has 101 characters: shorten it.',
    ],
    [
      'a boolean',
      { beta: true },
      'the param "beta" must be a string or a finite number. Got true: pass a string or a number instead.',
    ],
    [
      'an object',
      { meta: { a: 1 } },
      'the param "meta" must be a string or a finite number. Got {"a":1}: pass a string or a number instead.',
    ],
    [
      'a number that is not finite',
      { ratio: Number.NaN },
      'the param "ratio" must be a string or a finite number. Got NaN: pass a string or a number instead.',
    ],
    [
      'a bigint, which JSON cannot show',
      { big: 1n },
      'the param "big" must be a string or a finite number. Got 1: pass a string or a number instead.',
    ],
  ] as const) {
    test(`${label}: the param, the rule and the fix`, () => {
      assert.equal(refusal(ID, { params }), `[popylar] option "params": ${message}`)
    })
  }

  test('more than the 16 params that GA4 leaves beside the tracker', () => {
    const params = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`p${i}`, i]))
    assert.equal(
      refusal(ID, { params }),
      '[popylar] option "params": there are 17 params, but GA4 takes at most 25 per event and the tracker adds 9 ' +
        'of its own: keep 16 or fewer.',
    )
    delete params.p16
    assert.deepEqual(checkOptions(ID, { params }).options.params, params)
  })

  test('a string of 100 characters and a number pass, and are copied', () => {
    const params = { channel: 'v'.repeat(100), build: 7 }
    const checked = checkOptions(ID, { params }).options.params
    assert.deepEqual(checked, params)
    assert.notEqual(checked, params, 'a copy: a later change to the author object does not reach the build')
  })
})

describe('checkOptions: endpoint', () => {
  test('https, anywhere: kept without a trailing slash', () => {
    assert.equal(checkOptions(ID, { endpoint: 'https://example.com/' }).options.endpoint, 'https://example.com')
    assert.equal(checkOptions(ID, { endpoint: 'https://example.com/ga/' }).options.endpoint, 'https://example.com/ga')
  })

  for (const endpoint of ['http://127.0.0.1:8080', 'http://127.1.2.3', 'http://localhost:3000', 'http://[::1]:9']) {
    test(`plain http on loopback: ${endpoint}`, () => {
      assert.equal(checkOptions(ID, { endpoint }).options.endpoint, endpoint)
    })
  }

  test('plain http elsewhere: the https URL to use instead', () => {
    assert.equal(
      refusal(ID, { endpoint: 'http://example.com' }),
      '[popylar] option "endpoint": "http://example.com" must use https (plain http is allowed only on loopback, ' +
        'such as http://127.0.0.1:8080). Use "https://example.com".',
    )
    assert.match(refusal(ID, { endpoint: 'http://example.com:81/ga' }), /Use "https:\/\/example\.com:81\/ga"\.$/)
    assert.match(refusal(ID, { endpoint: 'http://10.0.0.1' }), /must use https/, 'a private address is no loopback')
  })

  test('another scheme: refused the same way', () => {
    assert.match(refusal(ID, { endpoint: 'ftp://example.com' }), /"ftp:\/\/example\.com" must use https/)
  })

  test('no URL: a full URL to write instead', () => {
    assert.equal(
      refusal(ID, { endpoint: 'region1' }),
      '[popylar] option "endpoint": "region1" is not a URL. Use a full URL such as "https://region1.google-analytics.com".',
    )
  })
})

describe('checkOptions: the other options', () => {
  for (const name of ['apiSecret', 'packageName', 'packageVersion']) {
    test(`${name}: a non-empty string`, () => {
      assert.equal(refusal(ID, { [name]: '' }), `[popylar] option "${name}": "" must be a non-empty string.`)
      assert.equal(refusal(ID, { [name]: '  ' }), `[popylar] option "${name}": "  " must be a non-empty string.`)
      assert.equal(refusal(ID, { [name]: 3 }), `[popylar] option "${name}": 3 must be a non-empty string.`)
    })
  }

  test("consent: 'opt-out' or 'opt-in'", () => {
    assert.equal(
      refusal(ID, { consent: 'maybe' }),
      `[popylar] option "consent": "maybe" must be 'opt-out' or 'opt-in'.`,
    )
    assert.equal(refusal(ID, { consent: true }), `[popylar] option "consent": true must be 'opt-out' or 'opt-in'.`)
    assert.equal(checkOptions(ID, { consent: 'opt-in' }).options.consent, 'opt-in')
  })

  for (const name of ['ci', 'notice']) {
    test(`${name}: true or false`, () => {
      assert.equal(refusal(ID, { [name]: 'yes' }), `[popylar] option "${name}": "yes" must be true or false.`)
      assert.equal(refusal(ID, { [name]: 0 }), `[popylar] option "${name}": 0 must be true or false.`)
      assert.equal(checkOptions(ID, { [name]: false }).options[name as 'ci' | 'notice'], false)
    })
  }
})

describe('nearestPackageJson', () => {
  test('the package.json in the folder, else the nearest above', (t) => {
    const root = tempDir(t)
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'outer', version: '1.0.0' }))
    mkdirSync(join(root, 'src', 'deep'), { recursive: true })
    assert.deepEqual(nearestPackageJson(join(root, 'src', 'deep')), {
      file: join(root, 'package.json'),
      name: 'outer',
      version: '1.0.0',
    })
    writeFileSync(join(root, 'src', 'package.json'), JSON.stringify({ name: 'inner' }))
    assert.deepEqual(nearestPackageJson(join(root, 'src', 'deep')), {
      file: join(root, 'src', 'package.json'),
      name: 'inner',
      version: undefined,
    })
  })

  test('a package.json that is not JSON: the file, and the way around it', (t) => {
    const root = tempDir(t)
    writeFileSync(join(root, 'package.json'), '{ "name": ')
    assert.throws(() => nearestPackageJson(root), {
      name: 'PopylarOptionError',
      message: `[popylar] ${join(root, 'package.json')} is not valid JSON, so the package name and version cannot be read. Fix it, or pass packageName and packageVersion.`,
    })
  })
})

describe('resolveConfig', () => {
  test('name and version from package.json, clipped to 100 characters; every option carried', (t) => {
    const root = tempDir(t)
    const longName = `@scope/${'n'.repeat(120)}`
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: longName, version: '2.0.0-beta.1' }))
    const { options } = checkOptions(ID, { params: { channel: 'beta' }, consent: 'opt-in', ci: false })
    assert.deepEqual(resolveConfig(ID, options, root), {
      measurementId: ID,
      apiSecret: undefined,
      endpoint: undefined,
      event: {
        name: 'import',
        params: { channel: 'beta', package_name: longName.slice(0, 100), package_version: '2.0.0-beta.1' },
      },
      packageName: longName,
      consent: 'opt-in',
      ci: false,
      notice: true,
    })
  })

  test('packageName and packageVersion need no package.json; one of them takes the other from it', (t) => {
    const root = tempDir(t)
    const both = resolveConfig(ID, checkOptions(ID, { packageName: 'a', packageVersion: '1' }).options, root)
    assert.deepEqual(both.event.params, { package_name: 'a', package_version: '1' })
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'from-file', version: '3.0.0' }))
    const nameOnly = resolveConfig(ID, checkOptions(ID, { packageName: 'a' }).options, root)
    assert.deepEqual(nameOnly.event.params, { package_name: 'a', package_version: '3.0.0' })
  })

  test('no package.json at or above the folder: where the build ran, and the options to pass', (t) => {
    const root = tempDir(t)
    assert.equal(nearestPackageJson(root), undefined, 'precondition: no package.json above the temp folder')
    assert.throws(() => resolveConfig(ID, checkOptions(ID).options, root), {
      message: `[popylar] no package.json found at or above ${root}. Run the build in your library's folder, or pass packageName and packageVersion.`,
    })
  })

  test('a package.json without a name or a version: which field, and the option to pass', (t) => {
    const root = tempDir(t)
    const file = join(root, 'package.json')
    writeFileSync(file, JSON.stringify({ version: '1.0.0' }))
    assert.throws(() => resolveConfig(ID, checkOptions(ID).options, root), {
      message: `[popylar] ${file} has no "name". Add one, or pass packageName.`,
    })
    writeFileSync(file, JSON.stringify({ name: 'lib', version: '' }))
    assert.throws(() => resolveConfig(ID, checkOptions(ID).options, root), {
      message: `[popylar] ${file} has no "version". Add one, or pass packageVersion.`,
    })
  })
})
