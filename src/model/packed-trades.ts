/**
 * Trades as one Float64Array of one symbol's trades, nine doubles each, instead of an array of
 * objects: how a sweep's workers send them to the main thread (structured clone of objects is
 * slow) and how the results store appends them (no object per trade).
 */
import type {Trade} from './trade.js'

/** Doubles per trade: side (1 long, -1 short), quantity, entryTime, entryPrice, exitTime, exitPrice, commission, grossPnl, netPnl. */
export const TRADE_FIELDS = 9
const FIELDS = TRADE_FIELDS

export interface PackedTrades {
  /** All trades here are of this one symbol. */
  symbol: string
  values: Float64Array
  /** The symbol's contract multiplier, only when it is not 1 (Trade.multiplier). */
  multiplier?: number
}

/** Undefined when the trades are not all of one symbol (then they travel as objects). */
export function packTrades(trades: readonly Trade[]): PackedTrades | undefined {
  if (trades.length === 0) return undefined
  const symbol = trades[0].symbol
  const multiplier = trades[0].multiplier
  const values = new Float64Array(trades.length * FIELDS)
  let o = 0
  for (const t of trades) {
    if (t.symbol !== symbol) return undefined
    values[o] = t.side === 'long' ? 1 : -1
    values[o + 1] = t.quantity
    values[o + 2] = t.entryTime
    values[o + 3] = t.entryPrice
    values[o + 4] = t.exitTime
    values[o + 5] = t.exitPrice
    values[o + 6] = t.commission
    values[o + 7] = t.grossPnl
    values[o + 8] = t.netPnl
    o += FIELDS
  }
  return multiplier === undefined ? {symbol, values} : {symbol, values, multiplier}
}

export function unpackTrades(p: PackedTrades): Trade[] {
  const v = p.values
  const out: Trade[] = new Array(v.length / FIELDS)
  for (let k = 0, o = 0; o < v.length; k++, o += FIELDS) {
    out[k] = {symbol: p.symbol, side: v[o] > 0 ? 'long' : 'short', quantity: v[o + 1], entryTime: v[o + 2], entryPrice: v[o + 3], exitTime: v[o + 4], exitPrice: v[o + 5], commission: v[o + 6], grossPnl: v[o + 7], netPnl: v[o + 8]}
    if (p.multiplier !== undefined) out[k].multiplier = p.multiplier
  }
  return out
}
