/**
 * One symbol's account as the simulated broker, its portfolio and its trade ledger keep it, for
 * the vector simulators (sma-cross-sim.ts, rules-sim.ts): market orders filled at a bar's open
 * after slippage, the fill-time checks (cash for a buy that leaves a long position, short selling
 * for a sell that leaves a short one), the ledger's round trips and the equity curve, marked
 * between fills. Every fill here opens a position from flat or closes the whole of it (neither
 * strategy adds to, reduces or flips a position in one fill), which is what keeps it this short.
 * Each figure is the broker's expression in the broker's order, so the doubles are the same.
 */
import {CostModel} from '../../broker/costs.js'
import {Instruments} from '../../broker/instruments.js'
import type {BacktestResult, OpenPosition} from '../../engine/result.js'
import type {BrokerSpec} from '../../model/bot-spec.js'
import type {Bars} from '../../model/bars.js'
import {FillLog} from '../../model/fill-log.js'
import {logMultipliers, TradeLog} from '../../model/trade-log.js'
import type {IterationSchedule} from './schedule.js'

/** The engine result's figures, fills and trades as columns (`fillObjects`, `tradeObjects` for the objects). */
export type VectorRunResult = Pick<BacktestResult, 'symbols' | 'start' | 'end' | 'initialCash' | 'finalCash' | 'finalValue' | 'positions' | 'multipliers' | 'equity' | 'counts'> & {fillLog: FillLog; tradeLog: TradeLog}

export interface AccountInput {
  bars: Bars
  symbol: string
  broker: BrokerSpec
  /** Where the equity curve goes (length = bars); a new array when left out. */
  equity?: Float64Array
  /** Where the fills and the trades go (emptied first), reused across runs; new ones when left out. */
  fills?: FillLog
  trades?: TradeLog
}

export class VectorAccount {
  cash: number
  /** The position (signed). */
  q = 0
  readonly equity: Float64Array
  readonly fills: FillLog
  readonly trades: TradeLog
  private readonly costs: CostModel
  /** The symbol's multiplier (currency per point per unit; 1 for a plain unit). */
  readonly mult: number
  private readonly allowShort: boolean
  private readonly time: Float64Array
  private readonly open: Float64Array
  private readonly low: Float64Array
  private readonly high: Float64Array
  private readonly close: Float64Array
  /** The position's average price. */
  private avg = NaN
  // The open trade (the ledger's slots).
  private side = 0
  private entryTime = 0
  private entryPrice = 0
  private tradeQty = 0
  private tradeCommission = 0
  private nextId = 1
  private orders = 0
  private rejected = 0
  /** Equity is written up to here; (cash, q) hold from here until the next fill. */
  private marked = 0

  constructor(private readonly o: AccountInput) {
    const {bars, broker} = o
    this.cash = broker.cash
    this.costs = new CostModel(broker)
    this.mult = new Instruments([o.symbol], broker.instruments).multiplier[0]
    this.allowShort = broker.allowShort
    this.time = bars.time
    this.open = bars.open
    this.low = bars.low
    this.high = bars.high
    this.close = bars.close
    this.equity = o.equity ?? new Float64Array(bars.length)
    this.fills = o.fills ?? new FillLog()
    this.fills.clear()
    this.trades = o.trades ?? new TradeLog()
    this.trades.count = 0
    this.trades.multipliers = logMultipliers(Float64Array.of(this.mult))
  }

  /** An order submitted: its id (the broker numbers every order, one it refuses at once too). */
  submit(): number {
    this.orders++
    return this.nextId++
  }

  /** An order refused when it was submitted (a quantity that is not a finite positive number). */
  refuse(): void {
    this.rejected++
  }

  /** The portfolio value marked at bar i's close (Portfolio.value: cash when flat). */
  value(i: number): number {
    return this.q === 0 ? this.cash : this.cash + this.q * this.close[i] * this.mult
  }

  /**
   * processBar(f) for market order `id` (`qty` units, a buy or a sell): filled at the open after
   * slippage, or rejected at fill time. Returns whether it filled.
   */
  fill(f: number, id: number, buy: boolean, qty: number): boolean {
    const mult = this.mult
    this.mark(f)
    const price = this.costs.slip(buy ? 'buy' : 'sell', this.open[f], this.low[f], this.high[f])
    const commission = this.costs.commission(qty, price, mult)
    const signed = buy ? qty : -qty
    const before = this.q
    const after = before + signed
    if ((buy && after > 0 && this.cash - price * mult * qty - commission < 0) || (!buy && after < 0 && !this.allowShort)) {
      this.rejected++
      return false
    }
    this.cash -= signed * price * mult + commission
    const time = this.time[f]
    this.fills.push(id, buy ? 1 : -1, qty, price, commission, time, f)
    if (before === 0) {
      this.avg = price
      this.q = after
      // The ledger opens a trade: its commission slot gets the fill's less the closing share (none).
      this.side = buy ? 1 : -1
      this.entryTime = time
      this.entryPrice = price
      this.tradeQty = qty
      this.tradeCommission += commission - (commission * 0) / qty
    } else {
      const realized = (price - this.avg) * Math.min(Math.abs(before), Math.abs(signed)) * (before > 0 ? 1 : -1) * mult
      this.avg = NaN
      this.q = after
      this.tradeCommission += commission
      const grossPnl = 0 + realized
      this.trades.push(this.side, this.tradeQty, this.entryTime, this.entryPrice, time, price, this.tradeCommission, grossPnl, grossPnl - this.tradeCommission)
      this.tradeQty = 0
      this.tradeCommission = 0
    }
    return true
  }

  /** markBar over bars [marked, to) with the account unchanged: cash + position × close × multiplier. */
  private mark(to: number): void {
    const {equity, close, cash, q, mult} = this
    if (q === 0) equity.fill(cash, this.marked, to)
    else for (let i = this.marked; i < to; i++) equity[i] = cash + q * close[i] * mult
    this.marked = to
  }

  /** The run's result once the last fill is in: the curve marked to the end, the open position, the counts. */
  result(schedule: IterationSchedule, timeframeMs: number): VectorRunResult {
    const {symbol, broker, bars} = this.o
    const n = bars.length
    const time = this.time
    const {q, avg, cash, mult} = this
    this.mark(n)
    const last = this.close[n - 1]
    const positions: OpenPosition[] = q === 0 ? [] : [{symbol, quantity: q, averagePrice: avg, lastPrice: last, unrealizedPnl: (last - avg) * q * mult, ...(mult === 1 ? {} : {multiplier: mult})}]
    // MarketView.closeOf(n - 1), which looks past the run's length in the time array as it does.
    const lastClose = time[n - 1] + timeframeMs
    const open = this.orders - this.fills.count - this.rejected
    return {
      symbols: [symbol],
      start: time[0],
      end: n < time.length && time[n] < lastClose ? time[n] : lastClose,
      initialCash: broker.cash,
      finalCash: cash,
      finalValue: q === 0 ? cash : cash + q * last * mult,
      fillLog: this.fills,
      tradeLog: this.trades,
      positions,
      ...(mult === 1 ? {} : {multipliers: {[symbol]: mult}}),
      equity: {time, value: this.equity},
      // Market orders, each filled whole or rejected: the rest (placed on the last bar) is still open, as the engine counts it.
      counts: {bars: n, iterations: schedule.iterations, orders: this.orders, fills: this.fills.count, canceled: 0, rejected: this.rejected, trades: this.trades.count, ...(open > 0 ? {open} : {})},
    }
  }
}
