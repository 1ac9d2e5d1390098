import type {TimerHandle, TimerClock} from '../core/clock.js'

/**
 * Declares a feed stale after `afterMs` of wall-clock silence. One timer at a time, re-armed for
 * the remainder when bars came meanwhile, so a fast replay does not set a timer per bar. While the
 * bot is busy with a batch the feed is not silent, it is waiting: `busy` pauses the watch.
 */
export class StaleWatch {
  private last = 0
  private timer: TimerHandle | undefined
  private fired = false
  /** `close()` was called: the watch never arms again, whatever touches it later. */
  private closed = false
  busy = false

  constructor(
    private readonly afterMs: number | undefined,
    private readonly wall: TimerClock,
    private readonly onStale: (silentMs: number) => void,
  ) {}

  /** A bar came (or watching starts): silence counts from now. */
  touch(): void {
    this.last = this.wall.now()
    this.fired = false
    this.arm(this.afterMs ?? 0)
  }

  /** Stops watching until the next `touch()` (a pause, an error the feed may recover from). */
  stop(): void {
    this.wall.cancel(this.timer)
    this.timer = undefined
  }

  /**
   * Stops watching for good: a later `touch()` (a delivery that was in flight when the feed
   * closed) arms nothing, so no timer outlives the feed and keeps the process alive.
   */
  close(): void {
    this.closed = true
    this.stop()
  }

  private arm(ms: number): void {
    if (this.closed || this.afterMs === undefined || this.timer !== undefined) return
    this.timer = this.wall.setTimer(ms, () => this.check())
  }

  private check(): void {
    this.timer = undefined
    if (this.fired) return
    const silent = this.wall.now() - this.last
    if (this.busy || silent < this.afterMs!) return this.arm(this.busy ? this.afterMs! : this.afterMs! - silent)
    this.fired = true
    this.onStale(silent)
  }
}
