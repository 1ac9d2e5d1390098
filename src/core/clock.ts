/**
 * The only way engine code learns the time. Backtests use a SimulatedClock the runner moves;
 * the live service uses the WallClock. Nothing under src/engine reads Date.now() directly.
 */
export interface Clock {
  /** Current time, epoch milliseconds (UTC). */
  now(): number
}

export class SimulatedClock implements Clock {
  private t: number

  constructor(start: number) {
    this.t = start
  }

  now(): number {
    return this.t
  }

  /** Move to `t`. Simulated time never goes backwards: an earlier `t` is ignored. */
  advanceTo(t: number): void {
    if (t > this.t) this.t = t
  }
}

export class WallClock implements Clock {
  now(): number {
    return Date.now()
  }
}
