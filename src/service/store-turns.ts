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
 */
import type {TimerClock} from '../core/clock.js'

export interface StoreTurnsOptions {
  /** How long the file stays free after the service lets it go (ms). */
  gapMs: number
  /** Longest stretch the service holds the file through overlapping accesses (ms). */
  maxHoldMs: number
}

export const SERVICE_TURNS: StoreTurnsOptions = {gapMs: 25, maxHoldMs: 250}

export class StoreTurns {
  private holders = 0
  private heldSince = 0
  private releasedAt = -Infinity
  private waiting: Array<() => void> = []

  constructor(
    /** The store file (resolved path) the turns are for; accesses to other files do not take them. */
    readonly file: string,
    private readonly clock: TimerClock,
    private readonly o: StoreTurnsOptions = SERVICE_TURNS,
  ) {}

  /** Resolves when this process may hold the file: pair with `leave()`. */
  async enter(): Promise<void> {
    for (;;) {
      const now = this.clock.now()
      if (this.holders > 0) {
        if (now - this.heldSince < this.o.maxHoldMs) {
          this.holders++
          return
        }
        await new Promise<void>((resolve) => this.waiting.push(resolve))
        continue
      }
      const due = this.releasedAt + this.o.gapMs
      if (now >= due) {
        this.holders = 1
        this.heldSince = now
        return
      }
      await this.clock.sleep(due - now)
    }
  }

  leave(): void {
    if (this.holders === 0) throw new Error('bug: StoreTurns.leave() without enter()')
    if (--this.holders > 0) return
    this.releasedAt = this.clock.now()
    const woken = this.waiting
    this.waiting = []
    for (const resolve of woken) resolve()
  }

  /** Whether the process holds the file now, by its turns (for tests). */
  get holding(): boolean {
    return this.holders > 0
  }
}
