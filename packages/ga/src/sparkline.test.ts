import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bar, sparkline } from './sparkline.js'

test('one block per value, the highest a full block', () => {
  assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7]), '▁▂▃▄▅▆▇█')
  assert.equal(sparkline([10, 10]), '██')
})

test('zero is the lowest block and any other value shows above it, however small', () => {
  assert.equal(sparkline([0, 0, 0]), '▁▁▁')
  assert.equal(sparkline([0, 1, 1000]), '▁▂█')
  assert.equal(sparkline([]), '')
})

test('bars to the eighth of a cell', () => {
  assert.equal(bar(1, 4), '████')
  assert.equal(bar(0.5, 4), '██')
  assert.equal(bar(1 / 32, 4), '▏')
  assert.equal(bar(0, 4), '')
  assert.equal(bar(2, 4), '████')
})
