/**
 * The only way engine and service code learn the time, and the only way they wait for it.
 *
 * - `SimulatedClock`: time moves only when its owner says so (`advanceTo`). Backtests move it bar
 *   by bar; tests of the live service move it to fire its timers, so nothing in them waits for
 *   real time. Timers fire synchronously inside `advanceTo`, in time order.
 * - `WallClock`: real time; timers are Node timers.
 *
 * In the manner of NautilusTrader's TestClock / LiveClock. Nothing under src/engine, src/live or
 * src/service reads `Date.now()` or calls a global `setTimeout` directly (tested by grep).
 */
export interface Clock {
  /** Current time, epoch milliseconds (UTC). */
  now(): number
}

export type TimerHandle = number

export interface TimerClock extends Clock {
  /** Calls `fn` once when the clock reaches `time` (a time ≤ now fires at the next opportunity: the next advance on a simulated clock, a 0 ms timer on the wall clock). */
  setAlert(time: number, fn: () => void): TimerHandle
  /** `setAlert(now() + delayMs, fn)`. */
  setTimer(delayMs: number, fn: () => void): TimerHandle
  /** Repeats every `intervalMs`, first at now() + intervalMs, until cancelled. */
  setInterval(intervalMs: number, fn: () => void): TimerHandle
  cancel(handle: TimerHandle | undefined): void
  /** A promise resolved by a timer (a simulated clock resolves it when advanced past). */
  sleep(ms: number): Promise<void>
}

interface Timer {
  readonly id: TimerHandle
  time: number
  /** Creation order: ties in time fire in this order. An interval takes a new one when re-armed. */
  seq: number
  readonly fn: () => unknown
  /** 0 for a one-shot timer. */
  readonly interval: number
  cancelled: boolean
}

const before = (a: Timer, b: Timer) => a.time < b.time || (a.time === b.time && a.seq < b.seq)

/** A macrotask turn: every microtask queued so far (promise continuations) has run after it. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/**
 * Time that moves only when told. `advanceTo(t)` fires the timers due by `t` first, in time
 * order (ties: creation order), each with `now()` equal to its own time; timers their callbacks
 * set that fall due by `t` fire in the same advance. Time never goes backwards.
 *
 * Hot path: a backtest calls `advanceTo` twice per bar. With no timer pending it is two
 * comparisons and a store (`nextDue` is +Infinity), no allocation.
 *
 * Async code (tests of the service, which awaits real I/O between timers): `runUntil(t, settle)`
 * fires one time step at a time and awaits `settle()` after each, so the work a timer started has
 * finished (or is waiting for the clock again) before time moves on. When a callback returns a
 * promise the clock keeps it until it settles: `idle()` awaits them, and is `runUntil`'s default
 * `settle`. Work that does not start from a timer (a feed delivering bars at full speed, a
 * notification in flight) needs a `settle` that waits for it: the code under test exposes one
 * (e.g. `ReplayFeed.settled()`), or the test awaits the event it expects.
 */
export class SimulatedClock implements TimerClock {
  /**
   * A number from the start (the constructor sets the real value): a field declared bare is first
   * `undefined`, and V8 then keeps it as a tagged value, boxing every time stored in it (a heap
   * allocation at every advance, twice a bar in a backtest). Initialised with a double, it holds
   * its double in place.
   */
  private t = NaN
  /** Time of the earliest pending timer; +Infinity: none; -Infinity: one is due already (set at or before now). */
  private nextDue = Infinity
  /** Binary min-heap on (time, seq); cancelled timers stay until they reach the top. */
  private heap: Timer[] = []
  private readonly live = new Map<TimerHandle, Timer>()
  private seq = 0
  private ids = 0
  /** Promises returned by fired callbacks, until they settle. */
  private readonly inFlight = new Set<Promise<unknown>>()
  private failures: unknown[] = []
  /** `untilTimers` waiters: each returns true once satisfied. */
  private timerWaiters: (() => boolean)[] = []

  constructor(start: number) {
    this.t = start
  }

  now(): number {
    return this.t
  }

  /** Move to `t`, firing the timers due by then. Simulated time never goes backwards: an earlier `t` only fires timers already due. */
  advanceTo(t: number): void {
    if (t < this.nextDue) {
      if (t > this.t) this.t = t
    } else this.fire(t)
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.t + ms)
  }

  /** When the next timer is due (Infinity if none). A timer set for a time already past reads as its own time. */
  nextTimerTime(): number {
    this.dropCancelledTop()
    return this.heap.length ? this.heap[0].time : Infinity
  }

  /** Timers set and not yet fired or cancelled (an interval counts once). */
  get pendingTimers(): number {
    return this.live.size
  }

  setAlert(time: number, fn: () => void): TimerHandle {
    if (Number.isNaN(time)) throw new RangeError('a timer needs a time, got NaN')
    return this.add(time, fn, 0)
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    return this.setAlert(this.t + delayMs, fn)
  }

  setInterval(intervalMs: number, fn: () => void): TimerHandle {
    if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) throw new RangeError(`an interval must be a positive number of ms, got ${intervalMs}`)
    return this.add(this.t + intervalMs, fn, intervalMs)
  }

  cancel(handle: TimerHandle | undefined): void {
    if (handle === undefined) return
    const timer = this.live.get(handle)
    if (!timer) return
    this.live.delete(handle)
    timer.cancelled = true
    if (this.heap[0] === timer) this.refreshNextDue()
    else if (this.heap.length > 64 && this.heap.length > 2 * this.live.size) this.compact()
    this.timersChanged()
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(ms, resolve))
  }

  /**
   * Resolves once every promise returned by a fired callback has settled (including those fired
   * meanwhile), then after one more macrotask turn. Rejects with the first such promise's error.
   */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight])
    await nextTurn()
    if (this.failures.length) {
      const [first] = this.failures
      this.failures = []
      throw first
    }
  }

  /**
   * Resolves once `until()` holds, checked now and whenever a timer is set, fires or is cancelled:
   * for a test to see that code went to sleep on the clock (default: some timer is pending).
   */
  untilTimers(until: () => boolean = () => this.live.size > 0): Promise<void> {
    if (until()) return Promise.resolve()
    return new Promise((resolve) => {
      this.timerWaiters.push(() => {
        if (!until()) return false
        resolve()
        return true
      })
    })
  }

  /**
   * Advance to `t` one timer time at a time: fire what is due at the earliest time, let the
   * promise continuations it woke run (a macrotask turn), await `settle()`, repeat; then settle at
   * `t`. `settle` should resolve when the code under test has nothing left to do until time
   * moves. Default: `idle()`. A `settle` that waits for work which itself waits on this clock
   * beyond `t` never resolves: advance further, or settle on something else.
   */
  async runUntil(t: number, settle: () => Promise<unknown> = () => this.idle()): Promise<void> {
    await nextTurn()
    await settle()
    for (;;) {
      const next = this.nextTimerTime()
      if (!(next <= t) || next === Infinity) break
      this.advanceTo(next > this.t ? next : this.t)
      await nextTurn()
      await settle()
    }
    this.advanceTo(t)
    await nextTurn()
    await settle()
  }

  private add(time: number, fn: () => unknown, interval: number): TimerHandle {
    const timer: Timer = {id: ++this.ids, time, seq: ++this.seq, fn, interval, cancelled: false}
    this.live.set(timer.id, timer)
    this.push(timer)
    if (time <= this.t) this.nextDue = -Infinity
    else if (time < this.nextDue) this.nextDue = time
    this.timersChanged()
    return timer.id
  }

  /** Fire every timer due by `target` in (time, seq) order, then settle at `target`. */
  private fire(target: number): void {
    const end = target > this.t ? target : this.t
    try {
      for (;;) {
        this.dropCancelledTop()
        const top = this.heap[0]
        if (top === undefined || top.time > end) break
        this.pop()
        if (top.time > this.t) this.t = top.time
        if (top.interval > 0) {
          top.time += top.interval
          top.seq = ++this.seq
          this.push(top)
        } else this.live.delete(top.id)
        this.call(top.fn)
      }
      if (end > this.t) this.t = end
    } finally {
      this.refreshNextDue()
      this.timersChanged()
    }
  }

  private timersChanged(): void {
    if (this.timerWaiters.length) this.timerWaiters = this.timerWaiters.filter((satisfied) => !satisfied())
  }

  private refreshNextDue(): void {
    const next = this.nextTimerTime()
    this.nextDue = next <= this.t ? -Infinity : next
  }

  private call(fn: () => unknown): void {
    const r = fn() as {then?: unknown} | undefined
    if (r && typeof r.then === 'function') {
      const p = r as Promise<unknown>
      this.inFlight.add(p)
      p.then(
        () => this.inFlight.delete(p),
        (e: unknown) => {
          this.inFlight.delete(p)
          this.failures.push(e)
        },
      )
    }
  }

  private dropCancelledTop(): void {
    while (this.heap.length && this.heap[0].cancelled) this.pop()
  }

  private compact(): void {
    this.heap = this.heap.filter((x) => !x.cancelled)
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i)
  }

  private push(timer: Timer): void {
    const h = this.heap
    h.push(timer)
    let i = h.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(h[i], h[parent])) break
      ;[h[i], h[parent]] = [h[parent], h[i]]
      i = parent
    }
  }

  private pop(): void {
    const h = this.heap
    const last = h.pop()!
    if (h.length === 0) return
    h[0] = last
    this.down(0)
  }

  private down(i: number): void {
    const h = this.heap
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < h.length && before(h[l], h[m])) m = l
      if (r < h.length && before(h[r], h[m])) m = r
      if (m === i) return
      ;[h[i], h[m]] = [h[m], h[i]]
      i = m
    }
  }
}

/** Node's longest timer (about 24.8 days); longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * Real time. Timers are Node timers (they keep the process alive while pending, as the service
 * and a replay must); an alert re-checks the time when its timer fires and waits out any
 * remainder, so it never fires before its time.
 */
export class WallClock implements TimerClock {
  /** Pending timers by handle (null: an alert at +Infinity, which never fires). */
  private readonly timers = new Map<TimerHandle, NodeJS.Timeout | null>()
  private ids = 0

  now(): number {
    return Date.now()
  }

  setAlert(time: number, fn: () => void): TimerHandle {
    if (Number.isNaN(time)) throw new RangeError('a timer needs a time, got NaN')
    const id = ++this.ids
    this.arm(id, time, fn)
    return id
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    return this.setAlert(Date.now() + delayMs, fn)
  }

  setInterval(intervalMs: number, fn: () => void): TimerHandle {
    if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) throw new RangeError(`an interval must be a positive number of ms, got ${intervalMs}`)
    const id = ++this.ids
    this.timers.set(id, setInterval(fn, Math.min(intervalMs, MAX_TIMER_MS)))
    return id
  }

  cancel(handle: TimerHandle | undefined): void {
    if (handle === undefined) return
    const t = this.timers.get(handle)
    if (t) clearTimeout(t) // clears an interval too
    this.timers.delete(handle)
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(ms, resolve))
  }

  private arm(id: TimerHandle, time: number, fn: () => void): void {
    if (time === Infinity) return void this.timers.set(id, null)
    const left = time - Date.now()
    this.timers.set(
      id,
      setTimeout(
        () => {
          if (time - Date.now() >= 1) return this.arm(id, time, fn) // early (a long wait chained, or the system clock moved)
          this.timers.delete(id)
          fn()
        },
        Math.min(Math.max(0, left), MAX_TIMER_MS),
      ),
    )
  }
}
