import type {Trade} from '../model/trade.js'
import type {Fill, Order} from '../model/orders.js'


export interface OpenPosition {
  symbol: string
  /** Signed: positive long, negative short. */
  quantity: number
  averagePrice: number
  /** The last close seen, at which the position is valued. */
  lastPrice: number
  unrealizedPnl: number
  /** The symbol's multiplier (`instruments`), only when it is not 1: a unit's notional is lastPrice × multiplier. */
  multiplier?: number
}

export interface LogEntry {
  time: number
  level: 'info' | 'warn' | 'error'
  message: string
}

/** Each symbol's contract multiplier (`instruments`) that is not 1; absent when every one is 1. */
export type Multipliers = Readonly<Record<string, number>>

export interface BacktestResult {
  strategy: string
  runner: 'daily' | 'backtest'
  symbols: string[]
  /** Open time of the first bar (NaN without bars). */
  start: number
  /** Close time of the last bar (NaN without bars). */
  end: number
  initialCash: number
  finalCash: number
  /** Cash plus open positions marked at their last close. */
  finalValue: number
  fills: Fill[]
  /** Closed round trips; a position still open at the end is in `positions`, not here. */
  trades: Trade[]
  /**
   * Every order with its final status (`open` if still working at the end; rejections carry `reason`);
   * empty when the run was asked not to keep them (`keepOrders: false`), `counts` then say how many.
   */
  orders: Order[]
  positions: OpenPosition[]
  /**
   * Each symbol's contract multiplier that is not 1 (`instruments`), only when there is one: the
   * traded value and the exposure count a fill's and a position's notional, price × qty × multiplier.
   */
  multipliers?: Multipliers
  /**
   * One point per bar of the run's time index: `time` is the bar's open time (the bars' own time
   * array, not a copy), `value` the account value after that bar closed.
   */
  equity: {time: Float64Array; value: Float64Array}
  /**
   * `fills` counts fills (an order filled in parts has several); `open` (present when not 0): orders
   * still working at the end. `sameBar` (present when not 0): OCO pairs, such as a bracket's exits,
   * whose two legs one bar reached, decided by `broker.same_bar`.
   */
  counts: {bars: number; iterations: number; orders: number; fills: number; canceled: number; rejected: number; trades: number; open?: number; sameBar?: number}
  /** What the strategy logged (the first 1,000 entries; `logsDropped` counts the rest). */
  logs: LogEntry[]
  logsDropped: number
}

/** A plain-JSON form of a result (typed arrays as arrays), stable for a given result. */
export function resultToJson(result: BacktestResult): Record<string, unknown> {
  return {
    ...result,
    orders: result.orders.map((o) => ('toJSON' in o && typeof o.toJSON === 'function' ? o.toJSON() : o)),
    equity: {time: Array.from(result.equity.time), value: Array.from(result.equity.value)},
  }
}
