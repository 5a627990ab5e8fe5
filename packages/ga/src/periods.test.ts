import assert from 'node:assert/strict'
import { test } from 'node:test'
import { addDays, isoYearIsoWeek, mondayOf, mondayOfIsoWeek, periodStart, periods, todayIn } from './periods.js'

test('ISO weeks as the Data API writes them, across the turn of a year', () => {
  assert.equal(isoYearIsoWeek('2021-01-03'), '202053')
  assert.equal(isoYearIsoWeek('2021-01-04'), '202101')
  assert.equal(isoYearIsoWeek('2024-12-30'), '202501')
  assert.equal(isoYearIsoWeek('2025-06-15'), '202524')
  assert.equal(mondayOfIsoWeek('202501'), '2024-12-30')
  assert.equal(mondayOfIsoWeek('202053'), '2020-12-28')
  assert.equal(mondayOf('2025-06-15'), '2025-06-09')
})

test('periods: every day, or the Monday of every week that the span touches', () => {
  assert.deepEqual(periods('2025-02-27', '2025-03-02', 'day'), ['2025-02-27', '2025-02-28', '2025-03-01', '2025-03-02'])
  assert.deepEqual(periods('2025-06-04', '2025-06-17', 'week'), ['2025-06-02', '2025-06-09', '2025-06-16'])
  assert.equal(addDays('2024-02-28', 1), '2024-02-29')
})

test('a period dimension value maps to its first day', () => {
  assert.equal(periodStart('day', '20250615'), '2025-06-15')
  assert.equal(periodStart('week', '202524'), '2025-06-09')
})

test("today is the property's today: late evening in UTC is already tomorrow in Tokyo", () => {
  const now = new Date('2025-06-15T20:00:00Z')
  assert.equal(todayIn('Asia/Tokyo', now), '2025-06-16')
  assert.equal(todayIn('America/Los_Angeles', now), '2025-06-15')
  assert.equal(todayIn('Not/AZone', now), '2025-06-15')
})
