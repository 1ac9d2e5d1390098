/**
 * A simulated broker's account and working orders as plain JSON: what `SimulatedBroker.snapshot()`
 * gives and `restore()` takes. It holds everything the broker carries from one bar to the next,
 * so a fresh broker restored from it continues the run exactly as the original would have. The
 * history (fills, closed trades, finished orders) is output already handed out, and not in it.
 *
 * JSON has no NaN or ±Infinity. Where a figure can be one, it is written as null, and each field
 * says what null reads back as. Money and quantities (cash, P&L, commissions, position sizes) are
 * finite in any account that has not overflowed; `snapshot()` throws a RangeError if one is not.
 * The field names are those of a live bot's `BotState`, which embeds this.
 */
import type {OrderType, Side, TimeInForce} from '../model/orders.js'

export interface PositionState {
  symbol: string
  /** Signed: positive long, negative short. */
  quantity: number
  /** null: flat (NaN). */
  averagePrice: number | null
  /** Last close seen; null: none yet (NaN). */
  lastPrice: number | null
  /**
   * Futures-like symbols (an instrument with a margin) with an open position only: the price its
   * contracts were last settled at. Absent: its last close (where every mark leaves it).
   */
  settlePrice?: number | null
}

export interface OrderState {
  id: number
  symbol: string
  side: Side
  quantity: number
  type: OrderType
  /** Absent when the order has none; null for a non-finite one (read back as NaN). */
  limitPrice?: number | null
  stopPrice?: number | null
  timeInForce: TimeInForce
  tag?: string
  /** Clock time it was placed; null: before the clock had a time (-Infinity). */
  createdAt: number | null
  /**
   * Open time of the bar that was current when it was placed (it never fills on that bar nor on
   * any before it); null: placed before any bar. A time, not an index: the view it is restored on
   * may hold a different stretch of bars.
   */
  signalBarTime: number | null
  /** Day orders: the session close they expire at; null: never (GTC). */
  expiresAt: number | null
  /** Stop-limit whose stop was touched (now a limit order). */
  triggered: boolean
  /** Units filled so far: venue (exchange) orders, and paper orders filling in parts (broker.max_volume_share); else absent. */
  filledQuantity?: number
  /** Paper orders filling in parts: the average price and total commission of the parts so far. */
  fillPrice?: number
  commission?: number
  filledAt?: number
  /** The working order it is paired with (OCO); absent when none. */
  ocoWith?: number
  /** Bracket leg: its entry. While that is working (among these orders), the leg waits for it; otherwise the entry has filled and the leg works. */
  parentId?: number
  /** Trailing stops: the distance, and the best price so far (stopPrice is the current level). */
  trailAmount?: number
  trailPercent?: number
  best?: number | null
  /**
   * A bracket entry that replaced one filled in part: the units that one (and any it replaced)
   * filled, their average price and the last fill's time. Its legs are for these plus its quantity.
   */
  priorFill?: {quantity: number; price: number; at: number}
}

/** A round trip in progress, so the fill that closes it after a restore makes the same Trade. */
export interface OpenTradeState {
  symbol: string
  side: 'long' | 'short'
  /** Units opened so far. */
  quantity: number
  entryTime: number
  /** Quantity-weighted average of the entry fills. */
  entryPrice: number
  /** Units closed so far (a trade partly closed, not yet flat). */
  exitQuantity: number
  /** Quantity-weighted average of the exit fills so far; null: none yet (or non-finite), read as NaN. */
  exitPrice: number | null
  commission: number
  grossPnl: number
}

export interface BrokerSnapshot {
  initialCash: number
  cash: number
  /** Gross realised P&L; commissions apart. */
  realizedPnl: number
  commissions: number
  /** One per symbol of the broker's market, in its order. */
  positions: PositionState[]
  /** Working orders, in submission order (which is the order they are matched in). */
  openOrders: OrderState[]
  /** One per symbol with a trade in progress. */
  openTrades: OpenTradeState[]
  /** The id the next order gets: ids are never reused. */
  nextOrderId: number
  /**
   * `fill_price: close` only, and only in a snapshot taken while a hook runs: ids of the market
   * orders that hook placed, still to fill at the close when it ends. Absent when there are none
   * (always so between hooks).
   */
  closeQueue?: number[]
  /** Venue (exchange) brokers only: what they carry beyond the account. */
  exchange?: VenueState
}

/** What an exchange broker carries beyond the account (src/exchange/exchange-broker.ts). */
export interface VenueState {
  /** Exchange trade ids applied to the account, per open order id. */
  applied: Record<string, string[]>
  /** Exchange order ids of the open orders that have one. */
  venueIds: Record<string, string>
  /** Each traded asset's balance at the bot's first start: the exchange should hold this plus the bot's position. */
  baseline?: Record<string, number>
}

/** NaN and ±Infinity as null. */
export const orNull = (x: number): number | null => (Number.isFinite(x) ? x : null)

/** Stands for -Infinity where null already means +Infinity: below every time, and finite. */
export const BEFORE_ALL = -Number.MAX_VALUE

export function finite(x: number, what: string): number {
  if (!Number.isFinite(x)) throw new RangeError(`the broker cannot be saved: ${what} is ${x} (an account that overflowed)`)
  return x
}

/**
 * Index of the last of the first `length` times that is ≤ `t` (binary search; times increase),
 * or -1 when there is none.
 */
export function lastIndexAtOrBefore(time: ArrayLike<number>, length: number, t: number): number {
  let lo = 0
  let hi = length - 1
  let found = -1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (time[mid] <= t) {
      found = mid
      lo = mid + 1
    } else {
      hi = mid - 1
    }
  }
  return found
}
