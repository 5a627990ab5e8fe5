import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bypassesProxy, proxyAuthorization, proxyFor, UNUSABLE_PROXY } from './proxy.js'

const GOOGLE = new URL('https://www.google-analytics.com/g/collect')
const PLAIN = new URL('http://collector.example:8080/g/collect')

test('https goes through https_proxy, else HTTPS_PROXY; http through http_proxy, else HTTP_PROXY', () => {
  const env = { HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2', HTTP_PROXY: 'http://plain:3' }
  assert.equal(proxyFor(env, GOOGLE)?.host, 'lower:2')
  assert.equal(proxyFor({ HTTPS_PROXY: 'http://upper:1' }, GOOGLE)?.host, 'upper:1')
  assert.equal(proxyFor(env, PLAIN)?.host, 'plain:3')
  assert.equal(proxyFor({ HTTP_PROXY: 'http://plain:3' }, GOOGLE), undefined, 'HTTP_PROXY is not for https')
  assert.equal(proxyFor({}, GOOGLE), undefined)
})

test('a bare host:port is an HTTP proxy; a scheme the tracker cannot speak, or no URL at all, stops the request', () => {
  assert.equal(proxyFor({ HTTPS_PROXY: 'proxy.corp:3128' }, GOOGLE)?.href, 'http://proxy.corp:3128/')
  assert.equal(proxyFor({ HTTPS_PROXY: 'socks5://127.0.0.1:1080' }, GOOGLE), UNUSABLE_PROXY)
  assert.equal(proxyFor({ HTTPS_PROXY: 'http://[bad' }, GOOGLE), UNUSABLE_PROXY)
})

test('NO_PROXY (or no_proxy) names hosts as curl reads them', () => {
  const cases: Array<[string, URL, boolean]> = [
    ['*', GOOGLE, true],
    ['google-analytics.com', GOOGLE, true],
    ['.google-analytics.com', GOOGLE, true],
    ['*.google-analytics.com', GOOGLE, true],
    ['WWW.Google-Analytics.com', GOOGLE, true],
    ['analytics.com', GOOGLE, false],
    ['ogle-analytics.com', GOOGLE, false],
    ['localhost, 127.0.0.1 ,google-analytics.com:443', GOOGLE, true],
    ['google-analytics.com:8443', GOOGLE, false],
    ['collector.example:8080', PLAIN, true],
    ['collector.example:80', PLAIN, false],
    ['::1', new URL('http://[::1]:9/'), true],
    ['[::1]:9', new URL('http://[::1]:9/'), true],
    ['', GOOGLE, false],
    [',,', GOOGLE, false],
  ]
  for (const [noProxy, url, bypassed] of cases) assert.equal(bypassesProxy(noProxy, url), bypassed, `${noProxy} ${url}`)
  assert.equal(proxyFor({ HTTPS_PROXY: 'http://p:1', no_proxy: 'google-analytics.com' }, GOOGLE), undefined)
  assert.equal(proxyFor({ HTTPS_PROXY: 'http://p:1', NO_PROXY: '*' }, GOOGLE), undefined)
})

test('credentials in the proxy URL become a Basic Proxy-Authorization header, UTF-8 encoded', () => {
  assert.equal(proxyAuthorization(new URL('http://proxy:1')), '')
  assert.equal(
    proxyAuthorization(new URL('http://us%40er:p%C3%A4ss@proxy:1')),
    `Proxy-Authorization: Basic ${Buffer.from('us@er:päss').toString('base64')}\r\n`,
  )
})
