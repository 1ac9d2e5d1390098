/** A wall-clock feed for tests: the test sets the time, pushes bars and fires due timers by hand. */
import type {BarBatch, Feed, FeedListener, FeedStatus, FeedSubscription, LiveClock, Timers} from '../../src/live/runtime-types.js'

export class ManualClock implements LiveClock {
  readonly kind = 'wall' as const
  constructor(public t: number) {}
  now(): number {
    return this.t
  }
  advanceTo(): void {}
}

/** Timers on a ManualClock: `runUntil(t)` moves the clock and fires what is due, in time order. */
export class ManualTimers implements Timers {
  private pending: {at: number; fn: () => void; id: number}[] = []
  private ids = 0
  constructor(private readonly clock: ManualClock) {}
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.ids
    this.pending.push({at: this.clock.now() + ms, fn, id})
    return id
  }
  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((p) => p.id !== handle)
  }
  get next(): number {
    return Math.min(...this.pending.map((p) => p.at))
  }
  /** Fires every timer due by `t` (each at its own time), letting the bot finish each step. */
  async runUntil(t: number, settle: () => Promise<void>): Promise<void> {
    for (;;) {
      const due = this.pending.filter((p) => p.at <= t).sort((a, b) => a.at - b.at)[0]
      if (!due) break
      this.pending = this.pending.filter((p) => p !== due)
      this.clock.t = Math.max(this.clock.t, due.at)
      due.fn()
      await settle()
    }
    this.clock.t = Math.max(this.clock.t, t)
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
