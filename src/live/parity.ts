import {createCalendar} from '../calendar/index.js'
import {barsFromRows} from '../core/bars.js'
import type {Bars} from '../model/bars.js'
import {runBacktest} from '../engine/run-backtest.js'
import {EXCHANGE_LIMITS, type VenueLimits} from '../broker/venue-limits.js'
import {RecordedFeed} from './recorded-feed.js'
import {batchAt} from './replay-load.js'
import {alignBars} from '../engine/market-view.js'
import type {Fill, Order} from '../model/orders.js'
import type {CompareLiveOptions, LiveBar, ParityDifference, ParityEvent, ParityReport} from './runtime-types.js'

const FIELDS = ['kind', 'time', 'orderId', 'symbol', 'side', 'quantity', 'type', 'price'] as const

/**
 * Backtest-live parity: replays the bars a live bot acted on through the backtester and walks both
 * decision lists (orders placed, fills) in time order; the report names the first event that
 * differs, field by field, or says none does. Orders are compared only when the live side recorded
 * them. Recorded bars may repeat (a restarted bot re-reports the bars after its last checkpoint):
 * each (symbol, time) counts once.
 */
export async function compareLiveToBacktest(o: CompareLiveOptions): Promise<ParityReport> {
  const spec = o.spec
  // An exchange bot's orders went to a broker that takes less (no stop orders, no OCO): the
  // replay's broker refuses the same, so a strategy that fell back live falls back here too.
  const limits = spec.live?.broker.type === 'exchange' ? EXCHANGE_LIMITS : undefined
  const bars = isBarRows(o.bars) ? rowsToBars(o.bars, spec.symbols, spec.timeframeMs) : [...o.bars]
  const result = o.warmEnd !== undefined && o.warmEnd === o.warmEnd
    ? await replayWarmedUp(o, bars, o.warmEnd, limits)
    : await runBacktest({
      spec,
      bars,
      definition: o.definition,
      params: o.params ?? spec.strategy?.params,
      calendar: o.calendar ?? createCalendar(spec.market),
      limits,
    })
  const withOrders = o.live.orders !== undefined
  const live = decisions(withOrders ? o.live.orders! : [], uniqueFills(o.live.fills))
  const backtest = decisions(withOrders ? result.orders : [], result.fills)
  const firstDifference = firstMismatch(live, backtest)
  return {
    same: firstDifference === undefined,
    compared: Math.max(live.length, backtest.length),
    ...(firstDifference ? {firstDifference} : {}),
    backtest: {fills: result.fills.length, orders: result.orders.length, finalValue: result.finalValue},
  }
}

function firstMismatch(live: ParityEvent[], backtest: ParityEvent[]): ParityDifference | undefined {
  const n = Math.max(live.length, backtest.length)
  for (let i = 0; i < n; i++) {
    const a = live[i]
    const b = backtest[i]
    if (a === undefined) return {index: i, field: 'missing-live', backtest: b}
    if (b === undefined) return {index: i, field: 'missing-backtest', live: a}
    for (const f of FIELDS) if (!Object.is(a[f], b[f])) return {index: i, field: f, live: a, backtest: b}
  }
  return undefined
}

/** Orders (at their creation) and fills (at their time) in one list, ordered as they happened. */
function decisions(orders: readonly Order[], fills: readonly Fill[]): ParityEvent[] {
  const out: ParityEvent[] = []
  for (const x of orders) {
    out.push({kind: 'order', orderId: x.id, symbol: x.symbol, side: x.side, quantity: x.quantity, type: x.type, price: x.limitPrice ?? x.stopPrice, time: x.createdAt})
  }
  // A fill at the close of the bar its order was placed on is dated inside that bar, a moment
  // before the order (simulated-broker.ts, fillCloseQueue): listed at the order's time, after it.
  const created = new Map(orders.map((x) => [x.id, x.createdAt]))
  for (const f of fills) {
    const time = Math.max(f.time, created.get(f.orderId) ?? -Infinity)
    out.push({kind: 'fill', orderId: f.orderId, symbol: f.symbol, side: f.side, quantity: f.quantity, type: undefined, price: f.price, time})
  }
  return out.sort((a, b) => a.time - b.time || (a.kind === b.kind ? a.orderId - b.orderId : a.kind === 'order' ? -1 : 1))
}

/**
 * One fill per order, as the backtest fills an order whole: an exchange order filled in parts
 * (each part recorded once, by its trade id) counts as its total at the quantity-weighted price,
 * at the time of its first part. A fill reported again after a restart carries the same trade
 * id (or, on a paper broker, the same number) and is the same fill.
 */
function uniqueFills(fills: readonly Fill[]): Fill[] {
  const parts = new Map<number, Map<string, Fill>>()
  fills.forEach((f) => {
    const byKey = parts.get(f.orderId) ?? new Map<string, Fill>()
    parts.set(f.orderId, byKey)
    // Paper fills carry no trade id: the last one reported for the order stands (one per order).
    byKey.set(f.tradeId ?? (f.tradeSeq !== undefined ? `#${f.tradeSeq}` : 'paper'), f)
  })
  return [...parts.values()].map((byKey) => {
    const all = [...byKey.values()]
    if (all.length === 1) return all[0]
    const quantity = all.reduce((a, f) => a + f.quantity, 0)
    const price = all.reduce((a, f) => a + f.price * f.quantity, 0) / quantity
    return {...all[0], quantity, price, commission: all.reduce((a, f) => a + f.commission, 0), time: Math.min(...all.map((f) => f.time))}
  })
}

/**
 * A bot that warmed up before it traded, replayed as it ran: the live runtime on its recorded bars
 * (RecordedFeed), the bars up to `warmEnd` as the warm-up (their orders discarded with a scratch
 * broker), then a fresh paper broker with the same limits. Its orders and fills, and its value at
 * the end, as a backtest's result gives them.
 */
async function replayWarmedUp(o: CompareLiveOptions, bars: Bars[], warmEnd: number, limits: VenueLimits | undefined): Promise<{orders: Order[]; fills: Fill[]; finalValue: number}> {
  // Batches as a replay feed delivers them (closes as the backtest computes them).
  const view = alignBars(o.spec.symbols, bars, o.spec.timeframeMs)
  const batches = Array.from({length: view.length}, (_, i) => batchAt(view, i))
  const warm = batches.filter((b) => b.time <= warmEnd).length
  const orders: Order[] = []
  const fills: Fill[] = []
  const {createLiveBot} = await import('./live-bot.js')
  const bot = createLiveBot({
    botId: 'parity', spec: o.spec, definition: o.definition, params: o.params ?? o.spec.strategy?.params, calendar: o.calendar,
    feed: new RecordedFeed(batches, warm), warmupBars: warm, limits,
    events: {
      onOrder: (order) => void orders.push({...('toJSON' in order ? (order as {toJSON(): Order}).toJSON() : order)}),
      onFill: (fill) => void fills.push({...fill}),
    },
  })
  await bot.start()
  const outcome = await bot.done
  if (outcome.status === 'crashed') throw outcome.error ?? new Error('the replay crashed')
  // At the last close, as a backtest values its account (an iteration's value may be bars older).
  return {orders, fills, finalValue: outcome.value ?? NaN}
}

function isBarRows(bars: CompareLiveOptions['bars']): bars is readonly LiveBar[] {
  return bars.length > 0 && 'symbol' in bars[0] && 'closeTime' in bars[0]
}

/** Recorded bar rows → one `Bars` per symbol, in time order, each (symbol, time) once. */
export function rowsToBars(rows: readonly LiveBar[], symbols: readonly string[], timeframeMs: number): Bars[] {
  return symbols.map((symbol) => {
    const byTime = new Map<number, LiveBar>()
    for (const r of rows) if (r.symbol === symbol) byTime.set(r.time, r)
    return barsFromRows(symbol, timeframeMs, [...byTime.values()].sort((a, b) => a.time - b.time))
  })
}
