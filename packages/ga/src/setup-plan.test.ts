import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { CustomDimension } from './admin-api.js'
import { planSetup } from './setup-plan.js'

const dimension = (parameterName: string, displayName: string, scope: CustomDimension['scope'] = 'EVENT') => ({
  name: `properties/1/customDimensions/${parameterName}`,
  parameterName,
  displayName,
  scope,
})

test('what exists at event scope is kept; the rest is created with a readable name and a description', () => {
  const plan = planSetup([dimension('package_name', 'Library')], ['package_name', 'runtime', 'feature'])
  assert.deepEqual(
    plan.dimensions.map(({ parameterName, displayName, action }) => [parameterName, displayName, action]),
    [
      ['package_name', 'Library', 'exists'],
      ['runtime', 'Runtime', 'create'],
      ['feature', 'feature', 'create'],
    ],
  )
  assert.match(plan.dimensions[1]!.description, /node, bun, deno or browser/)
  assert.ok(plan.dimensions.every((planned) => planned.description.length <= 150))
})

test('the same parameter at user scope does not count: the event-scoped one is created, and the other is listed', () => {
  const plan = planSetup([dimension('os', 'Operating system', 'USER')], ['os'])
  assert.equal(plan.dimensions[0]!.action, 'create')
  assert.deepEqual(
    plan.others.map((other) => other.parameterName),
    ['os'],
  )
})

test('a display name already taken (GA4 wants them unique) gets a prefix that says whose it is', () => {
  const plan = planSetup([dimension('platform', 'OS')], ['os'])
  assert.equal(plan.dimensions[0]!.displayName, 'popylar OS')
  assert.deepEqual(
    plan.others.map((other) => other.displayName),
    ['OS'],
  )
})

test('a second run plans nothing', () => {
  const first = planSetup([], ['package_name', 'ci'])
  const created = first.dimensions.map((planned) => dimension(planned.parameterName, planned.displayName))
  const second = planSetup(created, ['package_name', 'ci'])
  assert.ok(second.dimensions.every((planned) => planned.action === 'exists'))
  assert.deepEqual(second.others, [])
})
