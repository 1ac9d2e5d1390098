/**
 * Cash and positions, one slot per symbol of the run (index = position in the run's symbols).
 *
 * Accounting (the stock convention Backtrader uses): a buy pays price × qty + commission out of
 * cash, a sell receives price × qty − commission, shorts included; the value is cash plus every
 * position marked at its last known close (a short's mark is negative). Average price: adding to a
 * position averages the prices; reducing keeps it and realises (price − average) × qty in the
 * position's direction; a fill that reverses the position realises the closed part and starts the
 * new side at the fill price. Realised P&L here is gross (commissions are in `commissions`).
 */
export class Portfolio {
  cash: number
  readonly quantity: Float64Array
  readonly averagePrice: Float64Array
  /** Last close seen per symbol (NaN before its first bar). */
  readonly lastPrice: Float64Array
  realized = 0
  commissions = 0

  constructor(
    /** Set by the constructor, or by `SimulatedBroker.restore` (a saved account's own). */
    public initialCash: number,
    symbolCount: number,
  ) {
    this.cash = initialCash
    this.quantity = new Float64Array(symbolCount)
    this.averagePrice = new Float64Array(symbolCount).fill(NaN)
    this.lastPrice = new Float64Array(symbolCount).fill(NaN)
  }

  /** Books a fill of `signed` units (positive buys) and returns the gross P&L it realised. */
  apply(k: number, signed: number, price: number, commission: number): number {
    const before = this.quantity[k]
    const after = before + signed
    this.cash -= signed * price + commission
    this.commissions += commission
    let realized = 0
    if (before === 0 || (before > 0) === (signed > 0)) {
      this.averagePrice[k] = before === 0 ? price : (this.averagePrice[k] * Math.abs(before) + price * Math.abs(signed)) / Math.abs(after)
    } else {
      const closed = Math.min(Math.abs(before), Math.abs(signed))
      realized = (price - this.averagePrice[k]) * closed * (before > 0 ? 1 : -1)
      if (after === 0) this.averagePrice[k] = NaN
      else if ((after > 0) !== (before > 0)) this.averagePrice[k] = price
    }
    this.quantity[k] = after
    this.realized += realized
    return realized
  }

  value(): number {
    let v = this.cash
    const q = this.quantity
    for (let k = 0; k < q.length; k++) if (q[k] !== 0) v += q[k] * this.lastPrice[k]
    return v
  }

  /** Unrealised P&L of one position at its last close (0 when flat). */
  unrealized(k: number): number {
    const q = this.quantity[k]
    return q === 0 ? 0 : (this.lastPrice[k] - this.averagePrice[k]) * q
  }
}
