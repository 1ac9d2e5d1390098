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
import {CostModel} from '../../broker/costs.js'
import {Instruments} from '../../broker/instruments.js'
import type {BacktestResult, OpenPosition} from '../../engine/result.js'
import type {BrokerSpec} from '../../model/bot-spec.js'
import type {Bars} from '../../model/bars.js'
import {FillLog, TradeLog} from './logs.js'
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
export type SmaCrossResult = Pick<BacktestResult, 'symbols' | 'start' | 'end' | 'initialCash' | 'finalCash' | 'finalValue' | 'positions' | 'equity' | 'counts'> & {fillLog: FillLog; tradeLog: TradeLog}

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

/** markBar over bars [from, to) with the account unchanged: cash + position × close × multiplier. */
function mark(equity: Float64Array, close: Float64Array, from: number, to: number, cash: number, q: number, mult: number): void {
  if (q === 0) equity.fill(cash, from, to)
  else for (let i = from; i < to; i++) equity[i] = cash + q * close[i] * mult
}

export function simulateSmaCross(o: SmaCrossInput): SmaCrossResult {
  const {bars, symbol, broker} = o
  const n = bars.length
  const time = bars.time
  const open = bars.open
  const close = bars.close
  const {fillAt, seenAt} = o.schedule
  // An iteration after every bar, each order filling on the next bar (the usual 24/7 case): the
  // schedule's arrays need not be read (sparse reads of them are cache misses).
  const dense = o.schedule.dense === true
  const equity = o.equity ?? new Float64Array(n)
  const crosses = o.scratch ?? new Int32Array(n)
  const costs = new CostModel(broker)
  const mult = new Instruments([symbol], broker.instruments).multiplier[0]
  const quantity = o.params.quantity ?? 10
  const percent = o.params.percent
  const fills = o.fills ?? new FillLog()
  fills.count = 0
  const trades = o.trades ?? new TradeLog()
  trades.count = 0

  let cash = broker.cash
  let q = 0 // position
  let avg = NaN // its average price
  // The open trade (the ledger's slots).
  let entryTime = 0
  let entryPrice = 0
  let tradeQty = 0
  let tradeCommission = 0
  let nextId = 1
  let orders = 0
  let rejected = 0
  // Equity is written up to here; (cash, q) hold from here until the next fill.
  let marked = 0

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
    let buy: boolean
    let orderQty: number
    if (x > 0 && q === 0) {
      // Flat: the portfolio value is the cash.
      const units = percent === undefined ? quantity : Math.floor(((percent / 100) * cash) / close[it])
      if (!(units > 0)) continue
      orders++
      nextId++
      // The broker refuses a quantity that is not a finite positive number when it is submitted.
      if (!(units < Infinity)) {
        rejected++
        continue
      }
      buy = true
      orderQty = units
    } else if (x < 0 && q > 0) {
      orders++
      nextId++
      buy = false
      orderQty = q
    } else continue
    const f = dense ? it + 1 : fillAt[it]
    if (f >= n) break // still working when the data ends
    // processBar(f): the market order fills at the open, after slippage.
    mark(equity, close, marked, f, cash, q, mult)
    marked = f
    const price = costs.slip(buy ? 'buy' : 'sell', open[f])
    const commission = costs.commission(orderQty, price, mult)
    const signed = buy ? orderQty : -orderQty
    if (buy && q + signed > 0 && cash - price * mult * orderQty - commission < 0) {
      rejected++
      continue
    }
    const before = q
    cash -= signed * price * mult + commission
    fills.push(nextId - 1, signed > 0 ? 1 : -1, orderQty, price, commission, time[f], f)
    if (before === 0) {
      avg = price
      q = before + signed
      // The ledger opens a trade: its commission slot gets the fill's less the closing share (none).
      entryTime = time[f]
      entryPrice = price
      tradeQty = orderQty
      tradeCommission += commission - (commission * 0) / orderQty
    } else {
      const realized = (price - avg) * Math.min(Math.abs(before), Math.abs(signed)) * (before > 0 ? 1 : -1) * mult
      avg = NaN
      q = before + signed
      tradeCommission += commission
      const grossPnl = 0 + realized
      trades.push(1, tradeQty, entryTime, entryPrice, time[f], price, tradeCommission, grossPnl, grossPnl - tradeCommission)
      tradeQty = 0
      tradeCommission = 0
    }
  }
  mark(equity, close, marked, n, cash, q, mult)

  const last = close[n - 1]
  const positions: OpenPosition[] = q === 0 ? [] : [{symbol, quantity: q, averagePrice: avg, lastPrice: last, unrealizedPnl: (last - avg) * q * mult}]
  // MarketView.closeOf(n - 1), which looks past the run's length in the time array as it does.
  const lastClose = time[n - 1] + o.timeframeMs
  return {
    symbols: [symbol],
    start: time[0],
    end: n < time.length && time[n] < lastClose ? time[n] : lastClose,
    initialCash: broker.cash,
    finalCash: cash,
    finalValue: q === 0 ? cash : cash + q * last * mult,
    fillLog: fills,
    tradeLog: trades,
    positions,
    equity: {time, value: equity},
    counts: {bars: n, iterations: o.schedule.iterations, orders, fills: fills.count, canceled: 0, rejected, trades: trades.count},
  }
}
