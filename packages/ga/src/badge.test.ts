import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BADGE_COLORS, badgeSvg, compactNumber, textWidth, usageBadge } from './badge.js'

test('counts in the few characters a badge has room for', () => {
  assert.equal(compactNumber(0), '0')
  assert.equal(compactNumber(999), '999')
  assert.equal(compactNumber(1000), '1k')
  assert.equal(compactNumber(1234), '1.2k')
  assert.equal(compactNumber(12_345), '12k')
  assert.equal(compactNumber(999_600), '1M')
  assert.equal(compactNumber(2_500_000), '2.5M')
})

test('text widths follow Verdana: a "w" is wider than an "i"', () => {
  assert.ok(textWidth('www') > textWidth('iii') * 2)
  assert.equal(textWidth(''), 0)
  assert.ok(textWidth('ü') > 0)
})

test('the badge is as wide as its two texts and their padding, and says its text to screen readers', () => {
  const svg = badgeSvg('imports', '1.2k/month', '#007ec6')
  const width = Number(/<svg[^>]* width="(\d+)"/.exec(svg)?.[1])
  assert.equal(width, Math.round(textWidth('imports') + 10) + Math.round(textWidth('1.2k/month') + 10))
  assert.match(svg, /aria-label="imports: 1.2k\/month"/)
  assert.match(svg, /<title>imports: 1.2k\/month<\/title>/)
})

test('labels are escaped, never markup', () => {
  const svg = badgeSvg('<script>', 'a&b', '#007ec6')
  assert.doesNotMatch(svg, /<script>/)
  assert.match(svg, /&#60;script&#62;/)
  assert.match(svg, /a&#38;b/)
})

test('no imports: a grey badge; some: a blue one', () => {
  assert.ok(usageBadge('imports', 0).includes(`fill="${BADGE_COLORS.none}"`))
  assert.ok(usageBadge('imports', 12).includes(`fill="${BADGE_COLORS.value}"`))
  assert.match(usageBadge('users', 1500), /users: 1\.5k\/month/)
})
