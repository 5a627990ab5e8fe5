import assert from 'node:assert/strict'
import { test } from 'node:test'
import { TRACKER_PARAMS } from '../../core/src/runtime/tracker/ga4-rules.js'
import { displayName, GA4_OWN_PARAMS, parameterNameProblem, TRACKER_DIMENSIONS } from './dimensions.js'
import { planSetup } from './setup-plan.js'

test("every parameter of the tracker's list is a dimension, or one GA4 reads itself", () => {
  for (const name of TRACKER_PARAMS)
    assert.ok(TRACKER_DIMENSIONS.includes(name) !== GA4_OWN_PARAMS.includes(name), `${name}: exactly one of the two`)
  for (const name of ['package_name', 'package_version', 'runtime', 'runtime_version', 'os', 'arch', 'ci'])
    assert.ok(TRACKER_DIMENSIONS.includes(name), name)
})

test("each of the tracker's dimensions has a readable name and says what it holds", () => {
  const plan = planSetup([], TRACKER_DIMENSIONS)
  for (const planned of plan.dimensions) {
    assert.notEqual(displayName(planned.parameterName), planned.parameterName, planned.parameterName)
    assert.doesNotMatch(planned.description, /library author sends/, planned.parameterName)
    assert.equal(parameterNameProblem(planned.parameterName), '', planned.parameterName)
  }
})
