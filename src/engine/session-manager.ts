import type {Clock} from '../core/clock.js'

/**
 * The life of one run of one bot, for every runner: `setup()` → `runLoop()` → `cleanup()`, and
 * whatever happens, `advanceTimeIfNeeded()`. The old executor this replaces could restart a
 * session forever when simulated time did not move; here a session that ends with the clock where
 * it started forces it forward, so a caller looping over sessions always progresses.
 */
export abstract class SessionManager {
  protected abstract readonly clock: Clock

  async run(): Promise<void> {
    const start = this.clock.now()
    try {
      await this.setup()
      await this.runLoop()
      await this.cleanup()
    } finally {
      this.advanceTimeIfNeeded(start)
    }
  }

  protected abstract setup(): void | Promise<void>
  protected abstract runLoop(): void | Promise<void>
  protected abstract cleanup(): void | Promise<void>

  /**
   * Moves the clock on if the session left it at `start`. Simulated sessions override this; the
   * live runner's wall clock moves by itself, so the default does nothing.
   */
  protected advanceTimeIfNeeded(_start: number): void {}
}
