/** The retry helper on a simulated clock: its schedule, bounds and predicate, without real waiting. */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {SimulatedClock} from '../../src/core/clock.js'
import {retry} from '../../src/core/retry.js'

/** A function failing `fails` times with `error`, recording when (clock time) each try was made. */
function flaky(clock: SimulatedClock, fails: number, error: () => Error = () => new Error('busy')) {
  const tries: number[] = []
  const fn = async (attempt: number) => {
    tries.push(clock.now())
    if (attempt <= fails) throw error()
    return `ok after ${attempt}`
  }
  return {fn, tries}
}

/** Advance the clock through every wait until `p` settles. */
async function drive<T>(clock: SimulatedClock, p: Promise<T>): Promise<T> {
  let done = false
  const out = p.finally(() => (done = true))
  out.catch(() => {})
  while (!done) {
    await Promise.race([clock.untilTimers(), out.catch(() => {})])
    if (!done) clock.advanceTo(clock.nextTimerTime())
  }
  return out
}

describe('retry', () => {
  it('waits exponentially longer between tries, up to a cap, and returns the first success', async () => {
    const clock = new SimulatedClock(1000)
    const {fn, tries} = flaky(clock, 5)
    const waits: number[] = []
    const r = await drive(clock, retry(fn, {clock, attempts: 10, initialDelayMs: 100, maxDelayMs: 500, onRetry: (_e, _n, ms) => waits.push(ms)}))
    assert.equal(r, 'ok after 6')
    assert.deepEqual(waits, [100, 200, 400, 500, 500])
    assert.deepEqual(tries, [1000, 1100, 1300, 1700, 2200, 2700])
  })

  it('gives up after its attempts with the last error', async () => {
    const clock = new SimulatedClock(0)
    let n = 0
    const {fn, tries} = flaky(clock, 99, () => new Error(`busy ${++n}`))
    await assert.rejects(drive(clock, retry(fn, {clock, attempts: 3, initialDelayMs: 500})), /busy 3/)
    assert.deepEqual(tries, [0, 500, 1500])
    assert.equal(clock.pendingTimers, 0)
  })

  it('a deadline: the last wait is cut to end on it, one last try, then the error stands', async () => {
    const clock = new SimulatedClock(0)
    const {fn, tries} = flaky(clock, 99)
    await assert.rejects(drive(clock, retry(fn, {clock, deadlineMs: 200, initialDelayMs: 5, maxDelayMs: 250})), /busy/)
    assert.deepEqual(tries, [0, 5, 15, 35, 75, 155, 200])
  })

  it('jitter spreads each wait by the injected random source', async () => {
    const clock = new SimulatedClock(0)
    const {fn} = flaky(clock, 3)
    const waits: number[] = []
    const rs = [0, 0.5, 0.999]
    await drive(clock, retry(fn, {clock, attempts: 4, initialDelayMs: 100, jitter: 0.5, random: () => rs.shift()!, onRetry: (_e, _n, ms) => waits.push(ms)}))
    assert.deepEqual(waits.map((w) => Math.round(w)), [50, 200, 600])
  })

  it('an error the predicate rejects is thrown at once, without waiting', async () => {
    const clock = new SimulatedClock(0)
    const {fn, tries} = flaky(clock, 99, () => Object.assign(new Error('HTTP 404'), {status: 404}))
    await assert.rejects(retry(fn, {clock, attempts: 5, initialDelayMs: 10, retryable: (e) => (e as {status: number}).status >= 500}), /404/)
    assert.deepEqual(tries, [0])
    assert.equal(clock.pendingTimers, 0)
  })
})
