import type {SimulatedBroker} from '../broker/simulated-broker.js'
import {SimOrder} from '../broker/sim-order.js'
import type {LiveMarketView} from './live-view.js'
import type {LiveSession} from './live-session.js'
import type {BotState, OrderState} from './runtime-types.js'

const orNull = (x: number): number | null => (x === x ? x : null)

/**
 * The bot's state as plain JSON: NaN and ±Infinity become null; `ctx.state` is deep-copied. A
 * non-checkpoint state carries the latest checkpoint (without its own chain), its resume point.
 */
export function takeSnapshot(botId: string, strategy: string, s: LiveSession, last: BotState | null | 'checkpoint'): BotState {
  const b = s.broker
  const p = b.portfolio
  const view = s.view
  const symbols = [...view.symbols]
  const now = s.clock.now()
  return {
    version: 1,
    checkpoint: last === 'checkpoint',
    ...(last === 'checkpoint' ? {} : {lastCheckpoint: last}),
    botId,
    strategy,
    symbols,
    timeframeMs: view.timeframeMs,
    time: Number.isFinite(now) ? now : 0, // a feed clock before its first bar has no time yet
    firstBarTime: orNull(s.firstBarTime),
    lastBarTime: Object.fromEntries(symbols.map((sym, k) => [sym, orNull(s.lastBarTime[k])])),
    initialCash: p.initialCash,
    cash: p.cash,
    realizedPnl: p.realized,
    commissions: p.commissions,
    positions: symbols.map((symbol, k) => ({symbol, quantity: p.quantity[k], averagePrice: orNull(p.averagePrice[k]), lastPrice: orNull(p.lastPrice[k])})),
    openOrders: b.book.open(-1).map((o) => orderState(o as SimOrder, view)),
    openTrades: symbols.flatMap((symbol, k) => {
      const t = b.ledger.openTrade(k)
      if (t === undefined) return []
      const {direction, exitPrice, ...rest} = t
      return [{symbol, side: direction > 0 ? ('long' as const) : ('short' as const), exitPrice: orNull(exitPrice), ...rest}]
    }),
    nextOrderId: b.nextOrderId,
    fillCount: s.fillCount,
    strategyState: JSON.parse(JSON.stringify(s.api.state)) as Record<string, unknown>,
    iterations: s.kernel.iterations,
    lastIterationTime: orNull(s.kernel.lastIterationTime),
    sleeptimeMs: s.api.sleeptimeMs,
    scheduler: s.kernel.save(),
  }
}

function orderState(o: SimOrder, view: LiveMarketView): OrderState {
  return {
    id: o.id, symbol: o.symbol, side: o.side, quantity: o.quantity, type: o.type,
    ...(o.limitPrice === undefined ? {} : {limitPrice: o.limitPrice}),
    ...(o.stopPrice === undefined ? {} : {stopPrice: o.stopPrice}),
    timeInForce: o.timeInForce,
    ...(o.tag === undefined ? {} : {tag: o.tag}),
    createdAt: o.createdAt,
    signalBarTime: o.signalBar >= 0 && o.signalBar < view.length ? view.time[o.signalBar] : null,
    expiresAt: Number.isFinite(o.expiresAt) ? o.expiresAt : null,
    triggered: o.triggered,
  }
}

/**
 * Puts a saved account into a fresh paper broker: cash, P&L, positions, open trades, working
 * orders (same ids; each still never fills on its signal bar, found by time in `view` when the
 * warm-up replayed it) and the next order id.
 */
export function restoreBroker(b: SimulatedBroker, state: BotState, view: LiveMarketView): void {
  const p = b.portfolio
  const index = new Map(view.symbols.map((s, k) => [s, k]))
  const k = (symbol: string): number => {
    const i = index.get(symbol)
    if (i === undefined) throw new Error(`the saved state holds ${symbol}, which this bot does not trade (${view.symbols.join(', ')})`)
    return i
  }
  p.cash = state.cash
  p.realized = state.realizedPnl
  p.commissions = state.commissions
  for (const pos of state.positions) {
    const i = k(pos.symbol)
    p.quantity[i] = pos.quantity
    p.averagePrice[i] = pos.averagePrice ?? NaN
    p.lastPrice[i] = pos.lastPrice ?? NaN
  }
  for (const t of state.openTrades) {
    const {symbol, side, exitPrice, ...rest} = t
    b.ledger.resumeTrade(k(symbol), {direction: side === 'long' ? 1 : -1, exitPrice: exitPrice ?? NaN, ...rest})
  }
  const orders = state.openOrders.map((o) => {
    const order = new SimOrder(o.id, o.symbol, k(o.symbol), o.side, o.quantity, o.type, o.limitPrice, o.stopPrice, o.timeInForce, o.tag,
      o.createdAt, o.signalBarTime === null ? -1 : indexOfTime(view, o.signalBarTime), o.expiresAt ?? Infinity)
    order.triggered = o.triggered
    return order
  })
  b.resumeOrders(orders, state.nextOrderId)
}

/** Index of the bar opening at `t`, or -1 (then the order's `createdAt` alone keeps it off old bars). */
function indexOfTime(view: LiveMarketView, t: number): number {
  let lo = 0
  let hi = view.length - 1
  const time = view.time
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (time[mid] === t) return mid
    if (time[mid] < t) lo = mid + 1
    else hi = mid - 1
  }
  return -1
}

/** Where a given state resumes from: itself if a checkpoint, else the checkpoint it carries. */
export function resumePoint(state: BotState): BotState | undefined {
  const point = state.checkpoint ? state : state.lastCheckpoint
  // No bar processed yet: nothing to restore that a fresh start would not redo.
  return point && point.firstBarTime !== null ? point : undefined
}
