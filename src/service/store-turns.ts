/**
 * Turns on the store file for a busy service. DuckDB locks every other process out while one holds
 * the file, and a service with many bots writes almost back to back: measured with 20 exchange
 * bots, the file was held 89% of the time with a median gap of 2 ms between holds, so a management
 * command (or a second writer), trying every few hundred milliseconds, could wait out its whole
 * 10 s budget and fail with "the store stayed locked".
 *
 * So the service takes turns: once it has let the file go, it opens it again only after `gapMs`,
 * and it holds it for at most `maxHoldMs` at a stretch (an access that would extend a longer hold
 * waits for the file to be let go, then for the gap). Another process trying meanwhile gets in;
 * the service's own write then meets a locked file and goes to its journal, as for any lock.
 *
 * A gap alone was not enough: a failed open takes a waiter 10–50 ms, so few of its tries fell in a
 * 25 ms gap, and beside 100 bots a `bots list` waited up to 3.5 s. A waiter marks that it waits
 * (`data/wait-mark.ts`); while another process's mark is there, the service extends no hold and
 * takes no new one, for at most `maxYieldMs` (a mark of a process waiting on someone else, a long
 * import say, must not stop the service's writes for long), looking again every `yieldStepMs`.
 */
import type {TimerClock} from '../core/clock.js'
import {WaitMarkWatch} from '../data/wait-mark.js'

export interface StoreTurnsOptions {
  /** How long the file stays free after the service lets it go (ms). */
  gapMs: number
  /** Longest stretch the service holds the file through overlapping accesses (ms). */
  maxHoldMs: number
  /**
   * Longest the service leaves the file free for another process that marks it waits (ms). Above
   * the longest step between a waiter's tries (data/store.ts: 500 ms + 50 % jitter) plus a try.
   */
  maxYieldMs: number
  /** How often, while yielding, it looks whether the waiter got in and out (ms). */
  yieldStepMs: number
}

export const SERVICE_TURNS: StoreTurnsOptions = {gapMs: 25, maxHoldMs: 250, maxYieldMs: 1_000, yieldStepMs: 20}

export class StoreTurns {
  private holders = 0
  private heldSince = 0
  private releasedAt = -Infinity
  private yieldingSince: number | undefined
  private waiting: Array<() => void> = []

  constructor(
    /** The store file (resolved path) the turns are for; accesses to other files do not take them. */
    readonly file: string,
    private readonly clock: TimerClock,
    private readonly o: StoreTurnsOptions = SERVICE_TURNS,
    /** Whether another process waits for the file (default: its wait mark, data/wait-mark.ts). */
    private readonly othersWaiting: (now: number) => boolean = markWatcher(file),
  ) {}

  /** Resolves when this process may hold the file: pair with `leave()`. */
  async enter(): Promise<void> {
    for (;;) {
      const now = this.clock.now()
      if (this.holders > 0) {
        if (now - this.heldSince < this.o.maxHoldMs && !this.yielding(now)) {
          this.holders++
          return
        }
        await new Promise<void>((resolve) => this.waiting.push(resolve))
        continue
      }
      const due = this.releasedAt + this.o.gapMs
      if (now < due) {
        await this.clock.sleep(due - now)
        continue
      }
      if (this.yielding(now)) {
        await this.clock.sleep(this.o.yieldStepMs)
        continue
      }
      this.holders = 1
      this.heldSince = now
      return
    }
  }

  leave(): void {
    if (this.holders === 0) throw new Error('bug: StoreTurns.leave() without enter()')
    if (--this.holders > 0) return
    this.releasedAt = this.clock.now()
    this.yieldingSince = undefined // a waiter still there after a forced hold gets a whole yield again
    const woken = this.waiting
    this.waiting = []
    for (const resolve of woken) resolve()
  }

  /** Whether the process holds the file now, by its turns (for tests). */
  get holding(): boolean {
    return this.holders > 0
  }

  /**
   * Another process waits, and the service has not yet left it the file for `maxYieldMs`: then
   * the service's accesses neither join the current hold nor take a new one.
   */
  private yielding(now: number): boolean {
    if (!this.othersWaiting(now)) {
      this.yieldingSince = undefined
      return false
    }
    this.yieldingSince ??= now
    return now - this.yieldingSince < this.o.maxYieldMs
  }
}

function markWatcher(file: string): (now: number) => boolean {
  const watch = new WaitMarkWatch(file)
  return (now) => watch.othersWaiting(now)
}
