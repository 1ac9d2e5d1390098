/** The Clock seam: SimulatedClock timers (order, re-entrancy, cancel, intervals, async driving) and WallClock timers. */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {SimulatedClock, WallClock, type TimerClock} from '../../src/core/clock.js'

describe('SimulatedClock', () => {
  it('never goes backwards', () => {
    const c = new SimulatedClock(100)
    c.advanceTo(50)
    assert.equal(c.now(), 100)
    c.advanceTo(150)
    c.advanceBy(10)
    assert.equal(c.now(), 160)
    assert.equal(c.nextTimerTime(), Infinity)
    assert.equal(c.pendingTimers, 0)
  })

  it('fires due timers in time order, ties in creation order, each at its own time, then settles at the target', () => {
    const c = new SimulatedClock(0)
    const seen: [string, number][] = []
    const at = (name: string) => () => void seen.push([name, c.now()])
    c.setAlert(30, at('c'))
    c.setTimer(10, at('a'))
    c.setAlert(20, at('b1'))
    c.setAlert(20, at('b2'))
    c.setAlert(50, at('late'))
    assert.equal(c.pendingTimers, 5)
    assert.equal(c.nextTimerTime(), 10)
    c.advanceTo(40)
    assert.deepEqual(seen, [['a', 10], ['b1', 20], ['b2', 20], ['c', 30]])
    assert.equal(c.now(), 40)
    assert.equal(c.pendingTimers, 1)
    assert.equal(c.nextTimerTime(), 50)
    c.advanceTo(50)
    assert.deepEqual(seen.at(-1), ['late', 50])
    assert.equal(c.pendingTimers, 0)
  })

  it('timers set by a callback that fall due by the target fire in the same advance; later ones wait', () => {
    const c = new SimulatedClock(0)
    const seen: number[] = []
    c.setAlert(10, () => {
      seen.push(c.now())
      c.setTimer(5, () => seen.push(c.now()))
      c.setTimer(0, () => seen.push(c.now())) // due at once: before the +5 one
      c.setTimer(100, () => seen.push(c.now()))
    })
    c.advanceTo(20)
    assert.deepEqual(seen, [10, 10, 15])
    assert.equal(c.now(), 20)
    assert.equal(c.nextTimerTime(), 110)
  })

  it('an alert at or before now fires at the next advance, even one to an earlier time', () => {
    const c = new SimulatedClock(100)
    const seen: number[] = []
    c.setAlert(40, () => seen.push(c.now()))
    c.setTimer(0, () => seen.push(c.now()))
    assert.deepEqual(seen, [])
    c.advanceTo(90)
    assert.deepEqual(seen, [100, 100])
    assert.equal(c.now(), 100)
  })

  it('cancel: before it fires, from another callback, twice, or an unknown handle', () => {
    const c = new SimulatedClock(0)
    const seen: string[] = []
    const a = c.setAlert(10, () => seen.push('a'))
    let b = 0
    c.setAlert(5, () => c.cancel(b))
    b = c.setAlert(10, () => seen.push('b'))
    c.setAlert(20, () => seen.push('c'))
    c.cancel(a)
    c.cancel(a)
    c.cancel(undefined)
    c.cancel(12345)
    assert.equal(c.pendingTimers, 3)
    c.advanceTo(30)
    assert.deepEqual(seen, ['c'])
    assert.equal(c.pendingTimers, 0)
  })

  it('cancelling the earliest timer moves the next due time on', () => {
    const c = new SimulatedClock(0)
    const first = c.setAlert(10, () => assert.fail('cancelled'))
    c.setAlert(20, () => {})
    c.cancel(first)
    assert.equal(c.nextTimerTime(), 20)
    c.advanceTo(15)
    assert.equal(c.now(), 15)
    assert.equal(c.pendingTimers, 1)
  })

  it('intervals repeat at every multiple until cancelled, also within one long advance', () => {
    const c = new SimulatedClock(1000)
    const seen: number[] = []
    const h = c.setInterval(100, () => seen.push(c.now()))
    c.setAlert(1250, () => seen.push(-c.now()))
    c.advanceTo(1350)
    assert.deepEqual(seen, [1100, 1200, -1250, 1300])
    assert.equal(c.pendingTimers, 1)
    c.cancel(h)
    c.advanceBy(1000)
    assert.equal(seen.length, 4)
    assert.throws(() => c.setInterval(0, () => {}), RangeError)
    assert.throws(() => c.setAlert(NaN, () => {}), RangeError)
  })

  it('an interval that cancels itself stops', () => {
    const c = new SimulatedClock(0)
    let n = 0
    const h = c.setInterval(10, () => {
      if (++n === 3) c.cancel(h)
    })
    c.advanceTo(1000)
    assert.equal(n, 3)
    assert.equal(c.pendingTimers, 0)
  })

  it('a callback that throws leaves the clock consistent', () => {
    const c = new SimulatedClock(0)
    const seen: number[] = []
    c.setAlert(10, () => {
      throw new Error('boom')
    })
    c.setAlert(20, () => seen.push(c.now()))
    assert.throws(() => c.advanceTo(30), /boom/)
    assert.equal(c.now(), 10)
    c.advanceTo(30)
    assert.deepEqual(seen, [20])
    assert.equal(c.now(), 30)
  })

  it('many timers set and cancelled do not pile up', () => {
    const c = new SimulatedClock(0)
    for (let i = 0; i < 10_000; i++) c.cancel(c.setTimer(1000 + i, () => {}))
    assert.equal(c.pendingTimers, 0)
    assert.ok((c as unknown as {heap: unknown[]}).heap.length < 200)
    assert.equal(c.nextTimerTime(), Infinity)
  })

  it('sleep resolves when the clock is advanced past it, not before', async () => {
    const c = new SimulatedClock(0)
    let woke = false
    const p = c.sleep(100).then(() => (woke = true))
    c.advanceTo(99)
    await Promise.resolve()
    assert.equal(woke, false)
    c.advanceTo(100)
    await p
    assert.equal(woke, true)
  })

  it('runUntil: fires step by step and awaits the work each timer started (a chain of sleeps and async work)', async () => {
    const c = new SimulatedClock(0)
    const log: string[] = []
    // A loop in the manner of a service timer: work (real async I/O stands in as a macrotask), then re-arm.
    const tick = async () => {
      log.push(`tick ${c.now()}`)
      await new Promise((r) => setImmediate(r))
      await new Promise((r) => setImmediate(r))
      log.push(`done ${c.now()}`)
      c.setTimer(100, tick)
    }
    c.setTimer(100, tick)
    // And code that sleeps on the clock in a loop.
    void (async () => {
      for (let i = 0; i < 3; i++) {
        await c.sleep(150)
        log.push(`slept ${c.now()}`)
      }
    })()
    await c.runUntil(450)
    // At 300 both are due: they fire in one step (the sleeper's continuation runs while the tick awaits).
    assert.deepEqual(log, ['tick 100', 'done 100', 'slept 150', 'tick 200', 'done 200', 'tick 300', 'slept 300', 'done 300', 'tick 400', 'done 400', 'slept 450'])
    assert.equal(c.now(), 450)
  })

  it('runUntil waits on a custom settle, and idle() reports a callback that failed', async () => {
    const c = new SimulatedClock(0)
    let settles = 0
    c.setTimer(10, () => {})
    c.setTimer(20, () => {})
    await c.runUntil(30, async () => void settles++)
    assert.equal(settles, 4) // at the start, after each of the two steps, at the end
    c.setTimer(5, async () => {
      throw new Error('tick failed')
    })
    await assert.rejects(c.runUntil(40), /tick failed/)
  })

  it('untilTimers resolves once code goes to sleep on the clock, or a condition on its timers holds', async () => {
    const c = new SimulatedClock(0)
    const woke = (async () => {
      await new Promise((r) => setImmediate(r))
      const timeout = c.setTimer(5_000, () => {})
      await new Promise((r) => setImmediate(r))
      c.cancel(timeout)
      await c.sleep(10)
      return c.now()
    })()
    await c.untilTimers()
    assert.equal(c.nextTimerTime(), 5_000) // the first timer set
    await c.untilTimers(() => c.nextTimerTime() === 10) // the sleep, after the timeout was cancelled
    assert.equal(c.pendingTimers, 1)
    c.advanceBy(10)
    assert.equal(await woke, 10)
    await c.untilTimers(() => c.pendingTimers === 0)
  })
})

describe('WallClock', () => {
  const clock: TimerClock = new WallClock()

  it('reads the system time', () => {
    const before = Date.now()
    const t = clock.now()
    assert.ok(t >= before && t <= Date.now())
  })

  it('an alert never fires before its time; timers fire in order; cancel stops one', async () => {
    const seen: string[] = []
    const at = clock.now() + 15
    const fired = new Promise<number>((r) => clock.setAlert(at, () => (seen.push('alert'), r(clock.now()))))
    const cancelled = clock.setTimer(1, () => seen.push('cancelled'))
    clock.cancel(cancelled)
    clock.setAlert(clock.now() - 1000, () => seen.push('past')) // a 0 ms timer
    assert.ok((await fired) >= at)
    assert.deepEqual(seen, ['past', 'alert'])
  })

  it('sleep, interval until cancelled, and an alert at +Infinity that never fires', async () => {
    await clock.sleep(2)
    let n = 0
    await new Promise<void>((resolve) => {
      const h = clock.setInterval(1, () => {
        if (++n === 3) {
          clock.cancel(h)
          resolve()
        }
      })
    })
    clock.cancel(clock.setAlert(Infinity, () => assert.fail('fired')))
    await clock.sleep(5)
    assert.equal(n, 3)
  })
})
