import {SMA} from '../../indicators/sma.js'

/**
 * Exponential smoothing seeded with the simple average of the first `period` values, as
 * Backtrader's ExponentialSmoothing (and TA-Lib) do: NaN for the first period − 1 values, then
 * the exact SMA, then prev × (1 − α) + x × α. α = 2 / (period + 1) is the EMA; α = 1 / period is
 * Wilder's smoothing (SMMA). trading-signals' EMA instead starts from the first value, which
 * gives different numbers for the first few hundred bars, hence this class.
 */
export class Smoothing {
  value = NaN
  private readonly seed: SMA
  private readonly alpha: number
  private readonly alpha1: number
  private seeded = false

  constructor(period: number, alpha: number) {
    this.seed = new SMA(period)
    this.alpha = alpha
    this.alpha1 = 1 - alpha
  }

  add(x: number): number {
    if (this.seeded) return (this.value = this.value * this.alpha1 + x * this.alpha)
    const s = this.seed.add(x)
    if (s === s) {
      this.seeded = true
      this.value = s
    }
    return this.value
  }
}

export const emaAlpha = (period: number) => 2 / (period + 1)
export const wilderAlpha = (period: number) => 1 / period
