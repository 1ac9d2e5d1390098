/**
 * Closed trades as columns, no object per trade: the engine's trade ledger keeps a run's trades
 * here, and a sweep's vector runs reuse one log from run to run (its trades cross to the main
 * thread as they are). The doubles are in the layout of packed-trades.ts (TRADE_FIELDS per
 * trade); `symbol` holds each trade's symbol index. `tradeObjects` gives the Trade objects, key
 * order included.
 */
import {TRADE_FIELDS} from './packed-trades.js'
import type {Trade} from './trade.js'
import {doubled} from './doubled.js'

export class TradeLog {
  count = 0
  values = new Float64Array(64 * TRADE_FIELDS)
  /** Index of each trade's symbol in the run's symbol list. */
  symbol = new Int32Array(64)
  /** Each symbol's contract multiplier, by symbol index; undefined when every one is 1. */
  multipliers: Float64Array | undefined

  /** The multiplier of trade `k`'s symbol (1 for a plain unit). */
  multiplierOf(k: number): number {
    return this.multipliers === undefined ? 1 : this.multipliers[this.symbol[k]]
  }

  /** `side`: 1 long, -1 short. */
  push(side: number, quantity: number, entryTime: number, entryPrice: number, exitTime: number, exitPrice: number, commission: number, grossPnl: number, netPnl: number, symbol = 0): void {
    let v = this.values
    const k = this.count
    const o = k * TRADE_FIELDS
    if (o + TRADE_FIELDS > v.length) {
      this.values = v = doubled(v)
      this.symbol = doubled(this.symbol)
    }
    v[o] = side
    v[o + 1] = quantity
    v[o + 2] = entryTime
    v[o + 3] = entryPrice
    v[o + 4] = exitTime
    v[o + 5] = exitPrice
    v[o + 6] = commission
    v[o + 7] = grossPnl
    v[o + 8] = netPnl
    this.symbol[k] = symbol
    this.count = k + 1
  }

  /** A copy of the trades' doubles (the log itself may be reused). */
  packed(): Float64Array {
    return this.values.slice(0, this.count * TRADE_FIELDS)
  }
}

/** Trade `k` of the log as the ledger's Trade object; `symbols` names the symbol indices. */
export function tradeAt(log: TradeLog, symbols: readonly string[], k: number): Trade {
  const v = log.values
  const o = k * TRADE_FIELDS
  const trade: Trade = {
    symbol: symbols[log.symbol[k]], side: v[o] > 0 ? 'long' : 'short', quantity: v[o + 1], entryTime: v[o + 2], entryPrice: v[o + 3],
    exitTime: v[o + 4], exitPrice: v[o + 5], commission: v[o + 6], grossPnl: v[o + 7], netPnl: v[o + 8],
  }
  const multiplier = log.multiplierOf(k)
  if (multiplier !== 1) trade.multiplier = multiplier
  return trade
}

/** `multipliers` (by symbol index) as a TradeLog keeps them: undefined when every one is 1. */
export function logMultipliers(multipliers: Float64Array): Float64Array | undefined {
  return multipliers.every((m) => m === 1) ? undefined : multipliers
}

/** Trades `from` (default 0) to the end as Trade objects. */
export function tradeObjects(log: TradeLog, symbols: readonly string[], from = 0): Trade[] {
  const start = Math.max(0, Math.min(from, log.count))
  const out: Trade[] = new Array(log.count - start)
  for (let k = start; k < log.count; k++) out[k - start] = tradeAt(log, symbols, k)
  return out
}
