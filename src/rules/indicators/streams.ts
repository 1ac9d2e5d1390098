/**
 * Small streaming building blocks for the Backtrader-style indicators: each keeps a fixed window
 * in a preallocated Float64Array, so feeding a value allocates nothing. Like `SMA` and
 * `Smoothing`, they must be fed defined values only (callers skip NaN inputs); each returns NaN
 * until it has seen enough values.
 */
import {WindowSum} from '../../indicators/window-sum.js'
import {RollingExtreme} from './extremes.js'

/** The value fed `n` values ago (n = 0: the one just fed). Backtrader's `line(-n)`. */
export class Lag {
  private readonly window: Float64Array
  private pos = 0
  private count = 0

  constructor(private readonly n: number) {
    this.window = new Float64Array(n + 1)
  }

  add(x: number): number {
    this.window[this.pos] = x
    this.count++
    // After the step, `pos` is the oldest slot: the value fed n values ago.
    this.pos = this.pos === this.n ? 0 : this.pos + 1
    return this.count > this.n ? this.window[this.pos] : NaN
  }
}

/** Sum of the last `period` values as `math.fsum` gives it (Backtrader's SumN), exactly rounded. */
export class RollingSum extends WindowSum {}

/** The last `period` values, oldest first through `get(0..period-1)` once full. */
export class Window {
  readonly values: Float64Array
  /** Where the next value goes: once full, the slot of the oldest value. */
  pos = 0
  count = 0

  constructor(readonly period: number) {
    this.values = new Float64Array(period)
  }

  add(x: number): boolean {
    this.values[this.pos] = x
    this.pos = this.pos + 1 === this.period ? 0 : this.pos + 1
    this.count++
    return this.count >= this.period
  }

  /** i = 0 is the oldest value in the window, period − 1 the newest. */
  get(i: number): number {
    const j = this.pos + i
    return this.values[j >= this.period ? j - this.period : j]
  }
}

/**
 * Linearly weighted average of the last `period` values (weights 1..period, newest heaviest) as
 * Backtrader's WMA: coef × Σ weight × value, coef = 2 / (period × (period + 1)). O(period).
 */
export class Wma {
  private readonly window: Window
  private readonly coef: number

  constructor(private readonly period: number) {
    this.window = new Window(period)
    this.coef = 2 / (period * (period + 1))
  }

  add(x: number): number {
    if (!this.window.add(x)) return NaN
    // Oldest first: from the next write position to the end, then from the start.
    const values = this.window.values
    const start = this.window.pos
    let s = 0
    let w = 1
    for (let i = start; i < this.period; i++) s += values[i] * w++
    for (let i = 0; i < start; i++) s += values[i] * w++
    return this.coef * s
  }
}

/**
 * Bars since the most recent highest (or lowest) of the last `period` values: 0 when the newest
 * value is the extreme. Backtrader's FindFirstIndexHighest / FindFirstIndexLowest, on the same
 * monotonic deque as `highest`/`lowest` (RollingExtreme): O(1) amortised, no allocation.
 */
export class ExtremeAge {
  private readonly extreme: RollingExtreme

  constructor(period: number, highest: boolean) {
    this.extreme = new RollingExtreme(period, highest)
  }

  add(x: number): number {
    this.extreme.add(x)
    return this.extreme.age
  }
}
