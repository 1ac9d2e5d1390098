import {Instruments} from './instruments.js'
import {closingUnits, netPosition} from './position-dust.js'

/**
 * Cash and positions, one slot per symbol of the run (index = position in the run's symbols).
 *
 * Accounting, stock-like symbols (the stock convention Backtrader uses): a buy pays
 * price × multiplier × qty + commission out of cash, a sell receives price × multiplier × qty −
 * commission, shorts included; a position is valued at its last known close × multiplier (a
 * short's mark is negative). The multiplier is 1 for a symbol without `instruments`.
 *
 * Futures-like symbols (an instrument with a `margin`; Backtrader's CommInfo with
 * `stocklike=False`): opening a contract, long or short, moves `margin` per contract out of cash
 * (no price is paid); closing one gives the margin back. Open contracts are settled into cash at
 * every mark (`settle`, the broker calls it with each bar's close): cash += qty × (close −
 * previous settlement price) × multiplier, as Backtrader's end-of-bar `cashadjust`; a fill
 * settles the contracts it closes (and those already held, when it adds) at the fill price. The
 * value of a position is margin × |qty| plus the P&L not yet settled (zero right after a mark),
 * so the account value is cash + margin of the open contracts.
 *
 * For both: average price: adding to a position averages the prices; reducing keeps it and
 * realises (price − average) × qty × multiplier in the position's direction; a fill that reverses
 * the position realises the closed part and starts the new side at the fill price. Realised P&L
 * here is gross (commissions are in `commissions`).
 */
export class Portfolio {
  /** Initialised with a double, not declared bare: a field first `undefined` boxes every value stored in it (see SimulatedClock.t). */
  cash = NaN
  readonly quantity: Float64Array
  readonly averagePrice: Float64Array
  /** Last close seen per symbol (NaN before its first bar). */
  readonly lastPrice: Float64Array
  /** Futures-like symbols: the price their open contracts were last settled at (NaN when flat). */
  readonly settlePrice: Float64Array
  readonly instruments: Instruments
  private readonly multiplier: Float64Array
  private readonly margin: Float64Array
  realized = 0
  commissions = 0

  constructor(
    /** Set by the constructor, or by `SimulatedBroker.restore` (a saved account's own). */
    public initialCash: number,
    symbolCount: number,
    /** The symbols' contract terms; none (every symbol a plain stock-like unit) when left out. */
    instruments?: Instruments,
  ) {
    this.cash = initialCash
    this.quantity = new Float64Array(symbolCount)
    this.averagePrice = new Float64Array(symbolCount).fill(NaN)
    this.lastPrice = new Float64Array(symbolCount).fill(NaN)
    this.settlePrice = new Float64Array(symbolCount).fill(NaN)
    this.instruments = instruments ?? new Instruments(new Array<string>(symbolCount).fill(''), undefined)
    this.multiplier = this.instruments.multiplier
    this.margin = this.instruments.margin
  }

  /** Whether symbol k is futures-like (margin per contract instead of the price). */
  isMargined(k: number): boolean {
    return this.margin[k] > 0
  }

  /**
   * The change in cash a fill of `signed` units of symbol k at `price` would make (commission
   * included), without making it: what `apply` adds, and what the broker checks a fill against.
   */
  cashChange(k: number, signed: number, price: number, commission: number): number {
    const margin = this.margin[k]
    if (margin === 0) return -(signed * price * this.multiplier[k] + commission)
    const before = this.quantity[k]
    const after = netPosition(before, signed)
    const closing = closingUnits(before, signed, after)
    const opening = after === 0 ? 0 : Math.abs(signed) - closing
    const m = this.multiplier[k]
    let change = -commission
    if (closing > 0) change += closing * margin + (before > 0 ? closing : -closing) * (price - this.settlePrice[k]) * m
    if (opening > 0) {
      change -= opening * margin
      // Adding to a position: the contracts held are settled at the fill price, the new base.
      if (closing === 0 && before !== 0) change += before * (price - this.settlePrice[k]) * m
    }
    return change
  }

  /** Books a fill of `signed` units (positive buys) and returns the gross P&L it realised. */
  apply(k: number, signed: number, price: number, commission: number): number {
    const before = this.quantity[k]
    const after = netPosition(before, signed)
    if (this.margin[k] === 0) {
      this.cash -= signed * price * this.multiplier[k] + commission
    } else {
      this.cash += this.cashChange(k, signed, price, commission)
      // Contracts left after a partial close keep their base; every other case is based at the fill.
      if (after === 0) this.settlePrice[k] = NaN
      else if (before === 0 || (before > 0) === (signed > 0) || (after > 0) !== (before > 0)) this.settlePrice[k] = price
    }
    this.commissions += commission
    let realized = 0
    if (before === 0 || (before > 0) === (signed > 0)) {
      this.averagePrice[k] = before === 0 ? price : (this.averagePrice[k] * Math.abs(before) + price * Math.abs(signed)) / Math.abs(after)
    } else {
      const closed = closingUnits(before, signed, after)
      realized = (price - this.averagePrice[k]) * closed * (before > 0 ? 1 : -1) * this.multiplier[k]
      if (after === 0) this.averagePrice[k] = NaN
      else if ((after > 0) !== (before > 0)) this.averagePrice[k] = price
    }
    this.quantity[k] = after
    this.realized += realized
    return realized
  }

  /**
   * Futures-like symbol k marked at `price` (a bar's close): its open contracts' P&L since the
   * last settlement moves into cash. Does nothing for a stock-like symbol or a flat one.
   */
  settle(k: number, price: number): void {
    const q = this.quantity[k]
    if (q === 0 || this.margin[k] === 0) return
    this.cash += q * (price - this.settlePrice[k]) * this.multiplier[k]
    this.settlePrice[k] = price
  }

  value(): number {
    let v = this.cash
    const q = this.quantity
    const margin = this.margin
    const mult = this.multiplier
    for (let k = 0; k < q.length; k++) {
      if (q[k] === 0) continue
      if (margin[k] === 0) v += q[k] * this.lastPrice[k] * mult[k]
      else v += Math.abs(q[k]) * margin[k] + q[k] * (this.lastPrice[k] - this.settlePrice[k]) * mult[k]
    }
    return v
  }

  /** Unrealised P&L of one position at its last close, since entry (0 when flat). */
  unrealized(k: number): number {
    const q = this.quantity[k]
    return q === 0 ? 0 : (this.lastPrice[k] - this.averagePrice[k]) * q * this.multiplier[k]
  }
}
