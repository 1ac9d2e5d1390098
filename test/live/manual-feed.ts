/** A wall-clock feed for tests: the test sets the time, pushes bars and fires due timers by hand. */
import type {TimerClock, TimerHandle} from '../../src/core/clock.js'
import type {BarBatch, Feed, FeedListener, FeedStatus, FeedSubscription, LiveClock} from '../../src/live/runtime-types.js'

interface Pending {
  at: number
  seq: number
  fn: () => void
  id: TimerHandle
  every: number
}

/**
 * A wall clock (`kind: 'wall'`: the runtime's `advanceTo` is ignored) whose time the test sets.
 * Setting `t` fires nothing: `runUntil(t, settle)` moves it and fires what is due, in time order.
 */
export class ManualClock implements LiveClock, TimerClock {
  readonly kind = 'wall' as const
  private pending: Pending[] = []
  private ids = 0
  private seq = 0
  constructor(public t: number) {}
  now(): number {
    return this.t
  }
  advanceTo(): void {}
  setAlert(time: number, fn: () => void): TimerHandle {
    return this.add(time, fn, 0)
  }
  setTimer(delayMs: number, fn: () => void): TimerHandle {
    return this.add(this.t + delayMs, fn, 0)
  }
  setInterval(intervalMs: number, fn: () => void): TimerHandle {
    if (!(intervalMs > 0)) throw new RangeError(`an interval must be positive, got ${intervalMs}`)
    return this.add(this.t + intervalMs, fn, intervalMs)
  }
  cancel(handle: TimerHandle | undefined): void {
    this.pending = this.pending.filter((p) => p.id !== handle)
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(ms, resolve))
  }
  /** When the next timer is due (Infinity if none). */
  get next(): number {
    return Math.min(...this.pending.map((p) => p.at))
  }
  /** Fires every timer due by `t` (each at its own time), letting the bot finish each step. */
  async runUntil(t: number, settle: () => Promise<void>): Promise<void> {
    for (;;) {
      const due = this.pending.filter((p) => p.at <= t).sort((a, b) => a.at - b.at || a.seq - b.seq)[0]
      if (!due) break
      this.pending = this.pending.filter((p) => p !== due)
      if (due.every > 0) this.pending.push({...due, at: due.at + due.every, seq: ++this.seq})
      this.t = Math.max(this.t, due.at)
      due.fn()
      await settle()
    }
    this.t = Math.max(this.t, t)
  }
  private add(at: number, fn: () => void, every: number): TimerHandle {
    const id = ++this.ids
    this.pending.push({at, seq: ++this.seq, fn, id, every})
    return id
  }
}

export class ManualFeed implements Feed {
  readonly name = 'manual'
  status: FeedStatus = 'idle'
  lastBarTime: number | undefined
  private listener: FeedListener | undefined
  constructor(readonly clock: ManualClock) {}
  async subscribe(_sub: FeedSubscription, listener: FeedListener): Promise<void> {
    this.listener = listener
    this.status = 'live'
  }
  async history(): Promise<BarBatch[]> {
    return []
  }
  /** Delivers a bar as an exchange would, at the current wall time; resolves when the bot is done with it. */
  async push(batch: BarBatch): Promise<void> {
    this.lastBarTime = batch.time
    await this.listener!.bars(batch)
  }
  async reconnect(): Promise<void> {}
  async close(): Promise<void> {
    this.status = 'closed'
  }
}
