/**
 * The trades the report shows, and no more of them as objects: the trade list's last
 * MAX_TRADE_ROWS, and for each price chart its symbol's last MAX_MARKERS / 2 (their markers). A
 * run whose broker logged its trades in columns (model/run-columns.ts) makes only those objects;
 * a result without columns (a copy, a clone) gives its objects as they are.
 */
import type {Trade} from '../model/trade.js'
import {tradeColumns} from '../model/run-columns.js'
import {tradeAt, tradeObjects} from '../model/trade-log.js'
import {MAX_MARKERS} from './chart-data.js'
import {MAX_TRADE_ROWS, shownTrades} from './sections.js'

export interface ReportTrades {
  /** All the run's closed trades. */
  total: number
  /** The trade list's: the last MAX_TRADE_ROWS. */
  listed: readonly Trade[]
  /** Whose markers the price charts show (chart-data.ts `trades`), with `totals` when not all of them. */
  charted: readonly Trade[]
  /** A symbol's number of trades in all, when `charted` holds only its last ones. */
  totals?: (symbol: string) => number
}

/** `charted`: the symbols of the price charts. */
export function reportTrades(result: {trades: readonly Trade[]}, charted: readonly string[]): ReportTrades {
  const columns = tradeColumns(result)
  if (columns === undefined) return {total: result.trades.length, listed: shownTrades(result.trades), charted: result.trades}
  const {log, symbols} = columns
  const counts = new Float64Array(symbols.length)
  for (let k = 0; k < log.count; k++) counts[log.symbol[k]]++
  // Newest first, each charted symbol's last MAX_MARKERS / 2, then back in the order they closed.
  const wanted = new Set(charted.map((s) => symbols.indexOf(s)).filter((k) => k >= 0))
  const left = new Float64Array(symbols.length).fill(MAX_MARKERS / 2)
  const picked: number[] = []
  for (let k = log.count - 1; k >= 0 && wanted.size > 0; k--) {
    const s = log.symbol[k]
    if (!wanted.has(s)) continue
    picked.push(k)
    if (--left[s] === 0) wanted.delete(s)
  }
  picked.reverse()
  return {
    total: log.count,
    listed: tradeObjects(log, symbols, log.count - MAX_TRADE_ROWS),
    charted: picked.map((k) => tradeAt(log, symbols, k)),
    totals: (symbol) => {
      const k = symbols.indexOf(symbol)
      return k < 0 ? 0 : counts[k]
    },
  }
}
