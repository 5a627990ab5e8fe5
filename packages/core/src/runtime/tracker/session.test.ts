import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ACTIVITY_STEP_MS, SESSION_TIMEOUT_MS, advanceSessions, markVisits, unannounced } from './session.js'
import type { QueuedEvent, Visit } from './types.js'

const A = 'G-AAAA1111'
const B = 'G-BBBB2222'
const T0 = 1_800_000_000_000
const MINUTE = 60_000

/** The state a first run at T0 leaves on a new client id, for property A. */
const afterFirstRun = () => advanceSessions({ properties: {} }, [A], T0).state

describe('advanceSessions', () => {
  test('a new client id: a session starting now, announced to each property with its first visit', () => {
    const { state, visits, changed } = advanceSessions({ properties: {} }, [A, B, A], T0)
    assert.equal(changed, true)
    assert.deepEqual(state.session, { id: T0 / 1000, lastActivity: T0 })
    const first: Visit = { sessionId: T0 / 1000, sessionCount: 1, sessionStart: true, firstVisit: true }
    assert.deepEqual(visits, { [A]: first, [B]: first })
    assert.deepEqual(state.properties, {
      [A]: { sessionId: T0 / 1000, sessionCount: 1 },
      [B]: { sessionId: T0 / 1000, sessionCount: 1 },
    })
  })

  test('a run within the timeout joins the session: nothing to announce, and within a minute nothing to write', () => {
    const soon = advanceSessions(afterFirstRun(), [A], T0 + ACTIVITY_STEP_MS - 1)
    assert.equal(soon.changed, false)
    assert.deepEqual(soon.visits[A], { sessionId: T0 / 1000, sessionCount: 1, sessionStart: false, firstVisit: false })

    const later = advanceSessions(afterFirstRun(), [A], T0 + SESSION_TIMEOUT_MS - 1)
    assert.equal(later.changed, true, 'the last activity moves on')
    assert.equal(later.state.session.lastActivity, T0 + SESSION_TIMEOUT_MS - 1)
    assert.equal(later.visits[A]!.sessionStart, false)
  })

  test('runs that keep coming within the timeout keep one session for hours', () => {
    let state: Record<string, unknown> = afterFirstRun()
    for (let at = T0; at < T0 + 5 * 3600_000; at += 25 * MINUTE) {
      const next = advanceSessions(state, [A], at)
      assert.equal(next.state.session.id, T0 / 1000)
      state = next.state
    }
  })

  test('after the timeout, a new session: its start announced, counted one more', () => {
    const { state, visits } = advanceSessions(afterFirstRun(), [A], T0 + SESSION_TIMEOUT_MS)
    const id = (T0 + SESSION_TIMEOUT_MS) / 1000
    assert.deepEqual(state.session, { id, lastActivity: T0 + SESSION_TIMEOUT_MS })
    assert.deepEqual(visits[A], { sessionId: id, sessionCount: 2, sessionStart: true, firstVisit: false })
  })

  test('a property that first hears of the client in a running session: its first visit and its own first session', () => {
    const { visits } = advanceSessions(afterFirstRun(), [A, B], T0 + 5 * MINUTE)
    assert.deepEqual(visits[A], { sessionId: T0 / 1000, sessionCount: 1, sessionStart: false, firstVisit: false })
    assert.deepEqual(visits[B], { sessionId: T0 / 1000, sessionCount: 1, sessionStart: true, firstVisit: true })
  })

  test('a client id from before sessions were kept (no properties): sessions start, but no first visit', () => {
    const { visits } = advanceSessions({ clientId: 'kept' }, [A], T0)
    assert.deepEqual(visits[A], { sessionId: T0 / 1000, sessionCount: 1, sessionStart: true, firstVisit: false })
  })

  test('a new session never takes the id of the one before, even when it starts in the same second', () => {
    const { state, visits } = advanceSessions(afterFirstRun(), [A], T0 + SESSION_TIMEOUT_MS)
    const backdated = {
      ...state,
      session: { ...state.session, lastActivity: T0 + SESSION_TIMEOUT_MS - 2 * SESSION_TIMEOUT_MS },
    }
    const next = advanceSessions(backdated, [A], T0 + SESSION_TIMEOUT_MS + 10)
    assert.equal(next.visits[A]!.sessionId, visits[A]!.sessionId + 1)
    assert.deepEqual([next.visits[A]!.sessionStart, next.visits[A]!.sessionCount], [true, 3])
  })

  test('a last activity far in the future (a clock set back) does not keep a session forever', () => {
    const startedAt = (at: number) => ({
      session: { id: at / 1000, lastActivity: at },
      properties: { [A]: { sessionId: at / 1000, sessionCount: 3 } },
    })
    const far = advanceSessions(startedAt(T0 + 10 * 3600_000), [A], T0)
    const next = (T0 + 10 * 3600_000) / 1000 + 1
    assert.deepEqual(far.visits[A], { sessionId: next, sessionCount: 4, sessionStart: true, firstVisit: false })
    const near = advanceSessions(startedAt(T0 + 10 * MINUTE), [A], T0)
    assert.equal(near.visits[A]!.sessionStart, false, 'within the timeout either way: the same session')
  })

  for (const [what, stored] of [
    ['a session that is not an object', { session: 'yesterday', properties: {} }],
    ['a session with text for numbers', { session: { id: '1', lastActivity: String(T0) }, properties: {} }],
    ['properties that are not an object', { session: { id: T0 / 1000, lastActivity: T0 }, properties: [1] }],
    ['a property entry of the wrong shape', { session: { id: T0 / 1000, lastActivity: T0 }, properties: { [A]: 3 } }],
  ] as const) {
    test(`${what}: read as no session, never thrown on`, () => {
      const { visits, state } = advanceSessions(stored as Record<string, unknown>, [A], T0)
      assert.equal(visits[A]!.sessionId, T0 / 1000)
      assert.equal(visits[A]!.sessionStart, true)
      assert.equal(typeof state.session.lastActivity, 'number')
    })
  }
})

function queued(measurementId: string, visit?: Visit): QueuedEvent {
  return {
    measurementId,
    event: { name: 'import', params: {} },
    consent: 'opt-out',
    ci: true,
    notice: false,
    time: T0,
    visit,
  }
}

describe('markVisits', () => {
  const visits = (sessionStart: boolean, firstVisit: boolean): Record<string, Visit> => ({
    [A]: { sessionId: 100, sessionCount: 2, sessionStart, firstVisit },
    [B]: { sessionId: 100, sessionCount: 7, sessionStart, firstVisit },
  })
  const marks = (items: QueuedEvent[]) =>
    items.map(({ measurementId, visit }) => [measurementId, visit!.sessionStart, visit!.firstVisit])

  test("the first event of each property carries its property's news, the others none", () => {
    const items = [queued(A), queued(A), queued(B)]
    markVisits(items, visits(true, true))
    assert.deepEqual(marks(items), [
      [A, true, true],
      [A, false, false],
      [B, true, true],
    ])
    assert.deepEqual(
      items.map((item) => item.visit!.sessionCount),
      [2, 2, 7],
    )
  })

  test('an event carried from an earlier run keeps its first visit, and its session start while that session goes on', () => {
    const carried = [
      queued(A, { sessionId: 100, sessionCount: 2, sessionStart: true, firstVisit: true }),
      queued(B, { sessionId: 99, sessionCount: 6, sessionStart: true, firstVisit: false }),
    ]
    const items = [queued(A), queued(B), ...carried]
    markVisits(items, visits(false, false))
    assert.deepEqual(marks(items), [
      [A, false, false],
      [B, false, false],
      [A, true, true],
      [B, false, false],
    ])
    assert.equal(items[3]!.visit!.sessionId, 100, 'in the session it is sent in')
  })

  test('unannounced: the same sessions, with nothing to announce', () => {
    assert.deepEqual(unannounced(visits(true, true)), visits(false, false))
  })
})
