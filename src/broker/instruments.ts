import type {InstrumentSpec} from '../model/bot-spec.js'

/**
 * The contract terms of a run's symbols (the spec's `instruments`), one typed-array slot per
 * symbol (index = position in the run's symbols), read by the portfolio on every fill and mark:
 *
 * - `multiplier[k]`: currency per point per unit; 1 for a symbol without one.
 * - `margin[k]`: currency reserved per open contract; 0 = stock-like (the full price is paid).
 *   Greater than 0 = futures-like, as Backtrader's CommInfo with `stocklike=False`.
 * - `tick[k]` / `lot[k]`: price and quantity steps; 0 = none.
 *
 * Rounding (done once per order, at submission, never per bar):
 * - prices of limit and stop orders to the nearest multiple of the tick (halves away from zero);
 * - quantities down to a multiple of the lot (an order never grows beyond what was asked, as
 *   ccxt's amount precision truncates); an order below one lot is rejected with a reason.
 * The result is cleaned to the step's decimals (0.01 × 1235 gives 12.35, not 12.350000000000001).
 */
export class Instruments {
  readonly multiplier: Float64Array
  readonly margin: Float64Array
  readonly tick: Float64Array
  readonly lot: Float64Array
  /** 10^decimals of the tick and lot (0 when there is no step). */
  private readonly tickScale: Float64Array
  private readonly lotScale: Float64Array
  /** Any symbol futures-like, any with a multiplier, any with a step: the fast paths skip the rest. */
  readonly anyMargin: boolean
  readonly anySteps: boolean

  constructor(symbols: readonly string[], specs: Readonly<Record<string, InstrumentSpec>> | undefined) {
    const n = symbols.length
    this.multiplier = new Float64Array(n).fill(1)
    this.margin = new Float64Array(n)
    this.tick = new Float64Array(n)
    this.lot = new Float64Array(n)
    this.tickScale = new Float64Array(n)
    this.lotScale = new Float64Array(n)
    let anyMargin = false
    let anySteps = false
    for (let k = 0; k < n; k++) {
      const s = specs?.[symbols[k]]
      if (s === undefined) continue
      if (s.multiplier !== undefined) this.multiplier[k] = s.multiplier
      if (s.margin !== undefined && s.margin > 0) {
        this.margin[k] = s.margin
        anyMargin = true
      }
      if (s.tickSize !== undefined && s.tickSize > 0) {
        this.tick[k] = s.tickSize
        this.tickScale[k] = 10 ** decimals(s.tickSize)
        anySteps = true
      }
      if (s.lotSize !== undefined && s.lotSize > 0) {
        this.lot[k] = s.lotSize
        this.lotScale[k] = 10 ** decimals(s.lotSize)
        anySteps = true
      }
    }
    this.anyMargin = anyMargin
    this.anySteps = anySteps
  }

  /** `price` on symbol k's tick grid (nearest); unchanged without a tick or for a non-number. */
  roundPrice(k: number, price: number): number {
    const tick = this.tick[k]
    if (tick === 0 || typeof price !== 'number' || !Number.isFinite(price)) return price
    // A half as written is a hair off half in binary (1.005 / 0.01 = 100.49999999999999): within
    // a billionth of a tick counts as the half, which goes away from zero, as 12.345 → 12.35 does.
    const ticks = Math.floor(Math.abs(price) / tick + 0.5 + 1e-9)
    return clean(Math.sign(price) * ticks * tick, this.tickScale[k])
  }

  /** `quantity` down to symbol k's lot (0 when below one lot); unchanged without a lot. */
  roundQuantity(k: number, quantity: number): number {
    const lot = this.lot[k]
    if (lot === 0 || typeof quantity !== 'number' || !Number.isFinite(quantity)) return quantity
    // A quantity already on the grid but a hair below it in binary (0.3 / 0.1 = 2.9999999999999996) keeps its lot.
    const lots = Math.floor(quantity / lot + 1e-9)
    return clean(lots * lot, this.lotScale[k])
  }
}

/** Decimal places of a step as written (0.25 → 2, 1e-8 → 8, 5 → 0), at most 15. */
export function decimals(step: number): number {
  const text = String(step)
  const [mantissa, exponent] = text.split('e')
  const fraction = mantissa.split('.')[1]?.length ?? 0
  const d = fraction - (exponent === undefined ? 0 : Number(exponent))
  return Math.min(15, Math.max(0, d))
}

function clean(x: number, scale: number): number {
  return scale <= 1 ? Math.round(x) : Math.round(x * scale) / scale
}
