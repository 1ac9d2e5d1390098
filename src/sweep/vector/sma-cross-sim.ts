/**
 * One sma-cross combination without the engine: the crossovers of two precomputed SMA series,
 * the broker simulated only where the strategy acts, and the equity curve filled between fills.
 * It reproduces what `runBacktest` gives for strategies/sma-cross.ts inside the envelope
 * (envelope.ts): one symbol, next-open market fills, no partial fills, no margin or lots, finite
 * positive prices, and a schedule in which every order is filled (or refused) before the next
 * iteration. Each figure is the same expression, in the same order, as in the broker, the
 * portfolio and the trade ledger, so the doubles are the same (the property tests compare them
 * with `runBacktest` field by field).
 */
import type {BrokerSpec} from '../../model/bot-spec.js'
import type {Bars} from '../../model/bars.js'
import {VectorAccount, type VectorRunResult} from './account.js'
import type {FillLog} from '../../model/fill-log.js'
import type {TradeLog} from '../../model/trade-log.js'
import type {IterationSchedule} from './schedule.js'

export interface SmaCrossInput {
  bars: Bars
  symbol: string
  timeframeMs: number
  schedule: IterationSchedule
  /** SMA(fast) and SMA(slow) of every close (`smaSeries`). */
  fast: Float64Array
  slow: Float64Array
  /** The validated params (defaults applied). */
  params: {quantity?: number; percent?: number}
  broker: BrokerSpec
  /** Where the equity curve goes (length = bars); a new array when left out. */
  equity?: Float64Array
  /** Scratch for the crossovers (length ≥ bars), reused across runs; a new one when left out. */
  scratch?: Int32Array
  /** Where the fills and the trades go (emptied first), reused across runs; new ones when left out. */
  fills?: FillLog
  trades?: TradeLog
}

/** The engine result's figures, fills and trades as columns (`fillObjects`, `tradeObjects` for the objects). */
export type SmaCrossResult = VectorRunResult

/**
 * Every crossover of `fast` over `slow` as CrossDetector sees them: bar + 1, negated for a cross
 * below. Returns how many were written to `out`. With finite values, a > b exactly when a − b > 0
 * (a difference of unequal doubles never rounds to 0), so the sign of the difference is enough;
 * a NaN (warm-up) compares false both ways and changes nothing, as in CrossDetector. `side` is
 * the sign of the last non-zero difference, 0 before there is one (CrossDetector's seed of a zero
 * difference signals nothing either).
 */
export function crossovers(fast: Float64Array, slow: Float64Array, n: number, out: Int32Array): number {
  let count = 0
  let side = 0
  for (let i = 0; i < n; i++) {
    const d = fast[i] - slow[i]
    if (d > 0) {
      if (side < 0) out[count++] = i + 1
      side = 1
    } else if (d < 0) {
      if (side > 0) out[count++] = -(i + 1)
      side = -1
    }
  }
  return count
}

export function simulateSmaCross(o: SmaCrossInput): SmaCrossResult {
  const {bars} = o
  const n = bars.length
  const close = bars.close
  const {fillAt, seenAt} = o.schedule
  // An iteration after every bar, each order filling on the next bar (the usual 24/7 case): the
  // schedule's arrays need not be read (sparse reads of them are cache misses).
  const dense = o.schedule.dense === true
  const crosses = o.scratch ?? new Int32Array(n)
  const quantity = o.params.quantity ?? 10
  const percent = o.params.percent
  const account = new VectorAccount(o)

  const count = crossovers(o.fast, o.slow, n, crosses)
  for (let e = 0; e < count; e++) {
    const x = crosses[e]
    const it = dense ? (x > 0 ? x - 1 : -x - 1) : seenAt[x > 0 ? x - 1 : -x - 1]
    if (it < 0) break // no iteration sees it, nor any later one
    // The latest crossover among the bars an iteration sees decides.
    if (!dense && e + 1 < count) {
      const y = crosses[e + 1]
      if (seenAt[y > 0 ? y - 1 : -y - 1] === it) continue
    }
    const q = account.q
    let qty: number
    if (x > 0 && q === 0) {
      // Flat: the portfolio value is the cash.
      qty = percent === undefined ? quantity : Math.floor(((percent / 100) * account.cash) / (close[it] * account.mult))
      if (!(qty > 0)) continue
    } else if (x < 0 && q > 0) qty = q
    else continue
    const id = account.submit()
    // The broker refuses a quantity that is not a finite positive number when it is submitted.
    if (!(qty < Infinity)) {
      account.refuse()
      continue
    }
    const f = dense ? it + 1 : fillAt[it]
    if (f >= n) break // still working when the data ends
    account.fill(f, id, x > 0, qty)
  }
  return account.result(o.schedule, o.timeframeMs)
}
