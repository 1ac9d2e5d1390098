/** A round trip: from flat to flat (or to a reversal) in one symbol. */
export interface Trade {
  symbol: string
  side: 'long' | 'short'
  /** Units opened over the trade (all entry fills). */
  quantity: number
  entryTime: number
  /** Quantity-weighted average of the entry fills. */
  entryPrice: number
  exitTime: number
  /** Quantity-weighted average of the exit fills. */
  exitPrice: number
  /** Entry and exit commissions (a reversing fill's commission is split pro rata). */
  commission: number
  /** Realised P&L against the average entry price, before commissions. */
  grossPnl: number
  netPnl: number
  /**
   * The symbol's contract multiplier (`instruments`), only when it is not 1: the capital a trade
   * committed is entryPrice × quantity × multiplier (its return's denominator).
   */
  multiplier?: number
}
