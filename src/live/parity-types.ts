/** Backtest-live parity: what `compareLiveToBacktest` takes and reports. */
import type {MarketCalendar} from '../calendar/calendar.js'
import type {Bars} from '../model/bars.js'
import type {Fill, Order, OrderType, Side} from '../model/orders.js'
import type {StrategyDefinition} from '../model/strategy.js'
import type {LiveBar, LiveSpec} from './runtime-types.js'

/** One decision or fill as recorded live, or as the backtest made it. */
export interface ParityEvent {
  kind: 'order' | 'fill'
  orderId: number
  symbol: string
  side: Side
  quantity: number
  /** Order: its type; fill: undefined. */
  type?: OrderType
  /** Fill: price; order: limit or stop price if any. */
  price?: number
  /** Order: createdAt; fill: fill time. */
  time: number
}

export interface ParityDifference {
  /** Position in the merged, time-ordered event list where the two first disagree. */
  index: number
  /** What differs: a field name, or `missing-live` / `missing-backtest`. */
  field: string
  live?: ParityEvent
  backtest?: ParityEvent
}

export interface ParityReport {
  same: boolean
  /** Events compared (orders and fills). */
  compared: number
  firstDifference?: ParityDifference
  backtest: {fills: number; orders: number; finalValue: number}
}

/** What `compareLiveToBacktest` needs: the spec and strategy, the bars the bot acted on, what it did. */
export interface CompareLiveOptions {
  spec: LiveSpec
  definition: StrategyDefinition
  params?: Record<string, unknown>
  /** The recorded bars (`onBar`), one series per symbol, as `Bars` or as `LiveBar` rows. */
  bars: readonly Bars[] | readonly LiveBar[]
  /** What the bot did live: its fills (`onFill`) and, if recorded, its orders (`onOrder`). */
  live: {fills: readonly Fill[]; orders?: readonly Order[]}
  calendar?: MarketCalendar
  /**
   * A fresh bot that warmed up on its feed's recent bars (BotState.warmEnd): the open time of the
   * last of them. Its orders until then were discarded with a scratch broker, and it traded from an
   * untouched account after; the replay does the same (through the live runtime: a backtest has no
   * warm-up), or its warm-up's decisions would show as differences.
   */
  warmEnd?: number
}
