/**
 * A bracket entry that ends partly filled (broker.max_volume_share): the filled part is a
 * position, and the legs protect it, cut to the filled quantity, instead of being canceled with
 * the entry (NautilusTrader's OTO behaviour; before, the part was left without its stop-loss).
 * Rows are [open, high, low, close]; volume 40 with max_volume_share 0.1 lets 4 units fill a bar.
 * Commission 1 per fill, no slippage; every figure is worked out by hand in the comments.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {barsFromRows} from '../../src/core/bars.js'
import {createCalendar} from '../../src/calendar/index.js'
import {alignBars} from '../../src/engine/market-view.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {BrokerSnapshot} from '../../src/broker/broker-snapshot.js'
import type {BrokerSpec} from '../../src/model/bot-spec.js'
import type {Bracket, Order} from '../../src/model/orders.js'
import type {StrategyContext} from '../../src/model/strategy.js'
import {strategyOf} from '../engine/engine-fixtures.js'
import type {Row} from './candles.js'
import {run} from './linked-harness.js'
import {HOUR, paperWorld, stepBar, type World} from './paper-world.js'

const SHARE = {maxVolumeShare: 0.1}
const bracket = (ctx: StrategyContext, got: Record<string, unknown>) => {
  got.b = ctx.submitBracket({side: 'buy', quantity: 10}, {stopLoss: 95, takeProfit: 110})
}
const cancelEntry = (ctx: StrategyContext, got: Record<string, any>) => {
  ctx.cancelOrder((got.b as Bracket).entry.id)
}
// bar 0: the bracket is placed; bar 1: volume 40 → 4 of the 10 fill at the open, 100 (the legs
// wait: the entry is not complete); the strategy then cancels the rest of the entry.
const PART: Row[] = [
  [100, 100, 100, 100],
  [100, 101, 99, 100],
]

test('entry canceled after a part filled: the stop-loss sells that part, the take-profit is canceled by OCO', async () => {
  const r = await run({
    rows: [...PART, [99, 100, 94, 96], [96, 96, 96, 96]],
    volume: [40, 40, 40, 40],
    broker: SHARE,
    script: {0: bracket, 1: cancelEntry},
  })
  // bar 2: sell stop 95, open 99 > 95, low 94 ≤ 95 → 4 @ 95 (room 4: all of the leg)
  assert.deepEqual(r.events, ['filled #1 buy 4 @ 100', 'canceled #1: canceled by the strategy', 'filled #2 sell 4 @ 95', 'canceled #3: OCO: order 2 filled'])
  // 100 000 − 4 × 100 − 1 + 4 × 95 − 1 = 99 978; flat
  assert.equal(r.finalCash, 99_978)
  assert.deepEqual(r.positions, [])
  assert.deepEqual(r.trades.map((t) => [t.quantity, t.entryPrice, t.exitPrice, t.grossPnl, t.netPnl]), [[4, 100, 95, -20, -22]])
  // The legs' records name the entry and each other, at the part's size.
  assert.deepEqual(r.orders.map((o) => [o.id, o.status, o.quantity, o.filledQuantity, o.parentId, o.ocoWith]), [
    [1, 'canceled', 10, 4, undefined, undefined],
    [2, 'filled', 4, 4, 1, 3],
    [3, 'canceled', 4, undefined, 1, 2],
  ])
})

test('entry canceled after a part filled: the take-profit sells that part, the stop is canceled by OCO', async () => {
  const r = await run({
    rows: [...PART, [101, 111, 100, 109], [109, 109, 109, 109]],
    volume: [40, 40, 40, 40],
    broker: SHARE,
    script: {0: bracket, 1: cancelEntry},
  })
  // bar 2: sell limit 110, open 101 < 110, high 111 ≥ 110 → 4 @ 110
  assert.deepEqual(r.events.slice(2), ['filled #3 sell 4 @ 110', 'canceled #2: OCO: order 3 filled'])
  // 100 000 − 401 + 440 − 1 = 100 038
  assert.equal(r.finalCash, 100_038)
  assert.deepEqual(r.positions, [])
  assert.deepEqual(r.trades.map((t) => [t.grossPnl, t.netPnl]), [[40, 38]])
})

test('the rest of the entry refused for cash: the legs protect the part, from the very bar of the refusal', async () => {
  // cash 700. bar 1: 4 @ 100 → 700 − 401 = 299. bar 2 opens at 90: the rest, 4 @ 90 (room 4),
  // needs 361 > 299 → rejected. The part was held since bar 1, so the stop works on bar 2: it
  // opened below 95, a gap → 4 @ 90 (the open). 299 + 360 − 1 = 658.
  const r = await run({
    rows: [...PART, [90, 92, 88, 91], [91, 91, 91, 91]],
    volume: [40, 40, 40, 40],
    broker: {...SHARE, cash: 700},
    script: {0: bracket},
  })
  assert.equal(r.events[1], 'rejected #1: insufficient cash: needs 361.00 (4 × 90 + commission 1.00), has 299.00')
  assert.deepEqual(r.events.slice(2), ['filled #2 sell 4 @ 90', 'canceled #3: OCO: order 2 filled'])
  assert.equal(r.finalCash, 658)
  assert.deepEqual(r.positions, [])
})

test('a day limit entry that fills a part and expires at the session close: its legs protect the part in the next session', async () => {
  // Sessions 09:00–12:00 UTC on weekdays; hourly bars, Monday 9, 10, 11 and Tuesday 9, 10.
  const calendar = createCalendar({timezone: 'UTC', open: '09:00', close: '12:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'], holidays: []})
  const monday = Date.UTC(2024, 0, 1, 9)
  const rows: Array<[number, Row]> = [
    [monday, [101, 101, 101, 101]], // 0: the bracket is placed (at 10:00, seeing this bar)
    [monday + HOUR, [101, 102, 99, 100]], // 1: limit 100, open 101, low 99 → 4 @ 100 (room 4)
    [monday + 2 * HOUR, [101, 102, 100.5, 101]], // 2: low 100.5 > 100, nothing; at 12:00 the entry expires
    [monday + 24 * HOUR, [97, 98, 94, 96]], // 3: Tuesday: stop 95, open 97, low 94 → 4 @ 95
    [monday + 25 * HOUR, [96, 96, 96, 96]],
  ]
  const events: string[] = []
  const bars = barsFromRows('X', HOUR, rows.map(([time, [open, high, low, close]]) => ({time, open, high, low, close, volume: 40})))
  const definition = strategyOf('day-bracket', () => ({
    onTradingIteration(ctx) {
      if (ctx.barCount() === 1) ctx.submitBracket({side: 'buy', quantity: 10, type: 'limit', limitPrice: 100, timeInForce: 'day'}, {stopLoss: 95, takeProfit: 110})
    },
    onFilledOrder(ctx, order, fill) {
      events.push(`${new Date(ctx.now).toISOString().slice(8, 13)} filled #${order.id} ${fill.side} ${fill.quantity} @ ${fill.price}`)
    },
    onCanceledOrder(ctx, order) {
      events.push(`${new Date(ctx.now).toISOString().slice(8, 13)} ${order.status} #${order.id}: ${order.reason}`)
    },
  }))
  const broker: BrokerSpec = {cash: 100_000, commission: {perShare: 0, percent: 0, fixed: 1, minimum: 0}, slippageBps: 0, allowShort: true, fillPrice: 'next_open', ...SHARE}
  const r = await runBacktest({spec: {symbols: ['X'], timeframeMs: HOUR, sleeptimeMs: HOUR, broker}, bars, definition, calendar, runner: 'backtest'})
  assert.deepEqual(events, [
    '01T11 filled #1 buy 4 @ 100', // at the close of bar 1 (11:00)
    '01T12 canceled #1: day order expired at the session close',
    '02T10 filled #2 sell 4 @ 95', // at the close of bar 3 (Tuesday 10:00)
    '02T10 canceled #3: OCO: order 2 filled',
  ])
  // 100 000 − 401 + 380 − 1 = 99 978
  assert.equal(r.finalCash, 99_978)
  assert.deepEqual(r.positions, [])
  assert.deepEqual(r.orders.map((o) => [o.status, o.quantity]), [['canceled', 10], ['filled', 4], ['canceled', 4]])
})

test('regression: an entry canceled with nothing filled still cancels its legs', async () => {
  // bar 1 has no volume: nothing of the entry fills before the strategy cancels it.
  const r = await run({
    rows: [...PART, [99, 100, 94, 96], [96, 96, 96, 96]],
    volume: [40, 0, 40, 40],
    broker: SHARE,
    script: {0: bracket, 1: cancelEntry},
  })
  assert.deepEqual(r.events, ['canceled #1: canceled by the strategy', 'canceled #2: its entry, order 1, was canceled', 'canceled #3: OCO: order 2 was canceled'])
  assert.equal(r.fills.length, 0)
  assert.deepEqual(r.orders.map((o) => [o.status, o.quantity]), [['canceled', 10], ['canceled', 10], ['canceled', 10]])
})

test('a trailing stop leg of a partly filled, then canceled entry trails from the average fill price', async () => {
  const r = await run({
    rows: [
      [100, 100, 100, 100], // 0: bracket, trailing by 5, take-profit 120
      [100, 101, 99, 100], // 1: 4 @ 100 (open)
      [104, 105, 103, 104], // 2: 4 @ 104 (open); then the entry is canceled: 8 held at 102 on average → stop 102 − 5 = 97
      [100, 101, 96, 98], // 3: stop 97 (from the last part, 104, it would be 99), low 96 → 8 @ 97 (room 8)
      [98, 98, 98, 98],
    ],
    volume: [40, 40, 40, 80, 80],
    broker: SHARE,
    script: {
      0: (ctx, got) => {
        got.b = ctx.submitBracket({side: 'buy', quantity: 10}, {trailAmount: 5, takeProfit: 120})
      },
      2: cancelEntry,
    },
  })
  assert.deepEqual(r.fills.map((f) => [f.orderId, f.side, f.quantity, f.price]), [[1, 'buy', 4, 100], [1, 'buy', 4, 104], [2, 'sell', 8, 97]])
  // 100 000 − 401 − 417 + 776 − 1 = 99 957
  assert.equal(r.finalCash, 99_957)
  assert.deepEqual(r.trades.map((t) => [t.quantity, t.entryPrice, t.exitPrice, t.grossPnl, t.netPnl]), [[8, 102, 97, -40, -43]])
  assert.deepEqual(r.events.slice(-1), ['canceled #3: OCO: order 2 filled'])
})

// The resized legs through a paper bot's save and restore (as linked-snapshot.test.ts drives it).

test('a snapshot taken after the resize, restored into a new broker, keeps the resized legs working', () => {
  const T0 = Date.UTC(2024, 0, 2)
  const rows: Row[] = [...PART, [99, 100, 94, 96], [96, 96, 96, 96]]
  const view = () => alignBars(['X'], [barsFromRows('X', HOUR, rows.map(([open, high, low, close], i) => ({time: T0 + i * HOUR, open, high, low, close, volume: 40})))], HOUR)
  let entry = 0
  const first = paperWorld(view(), T0)
  stepBar(first, 0, (api) => {
    entry = api.submitBracket({side: 'buy', quantity: 10}, {stopLoss: 95, takeProfit: 110}).entry.id
  })
  stepBar(first, 1, (api) => api.cancelOrder(entry))
  const saved = JSON.parse(JSON.stringify(first.broker.snapshot())) as BrokerSnapshot
  // The two legs, cut to 4, work from bar 2 (signal bar: bar 1, the entry's last fill), still paired and naming the entry.
  assert.deepEqual(saved.openOrders.map((o) => [o.id, o.quantity, o.parentId, o.ocoWith, o.signalBarTime]), [[2, 4, 1, 3, T0 + HOUR], [3, 4, 1, 2, T0 + HOUR]])
  assert.deepEqual(saved.positions.map((p) => p.quantity), [4])

  const v2 = view()
  v2.cursor = 1
  const second = paperWorld(v2, first.clock.now())
  second.broker.restore(saved)
  assert.deepStrictEqual(second.broker.snapshot(), saved, 'restore → snapshot gives the same object')
  stepBar(second, 2)
  stepBar(second, 3)
  // bar 2: the stop sells the 4 at 95; the take-profit goes by OCO.
  assert.deepEqual(second.events, ['filled #2 sell 4 @ 95', 'canceled #3: OCO: order 2 filled'])
  assert.equal(second.broker.position(0), 0)
  // 100 000 − 401 + 380 − 1
  assert.equal(second.broker.cash, 99_978)
  const orders = second.broker.submittedOrders().map((o) => JSON.parse(JSON.stringify(o)) as Order)
  assert.deepEqual(orders.map((o) => [o.id, o.status, o.quantity, o.parentId, o.ocoWith]), [[2, 'filled', 4, 1, 3], [3, 'canceled', 4, 1, 2]])

  // …as the broker that was never saved does
  const straight = paperWorld(view(), T0)
  stepBar(straight, 0, (api) => api.submitBracket({side: 'buy', quantity: 10}, {stopLoss: 95, takeProfit: 110}))
  stepBar(straight, 1, (api) => api.cancelOrder(entry))
  stepBar(straight, 2)
  stepBar(straight, 3)
  assert.deepEqual(straight.events.slice(2), second.events)
  assert.equal(straight.broker.cash, second.broker.cash)
})

// A bracket entry replaced after a part filled (replaceOrder: the replacement is for the rest).
// The legs are for the whole entry: the part the replaced order filled and the replacement.
const limitBracket = (ctx: StrategyContext, got: Record<string, unknown>) => {
  got.b = ctx.submitBracket({side: 'buy', quantity: 10, type: 'limit', limitPrice: 100}, {stopLoss: 95, takeProfit: 110})
}
const replaceAt = (limitPrice: number) => (ctx: StrategyContext, got: Record<string, any>) => {
  got.r = ctx.replaceOrder((got.b as Bracket).entry.id, {limitPrice})
}
const cancelReplacement = (ctx: StrategyContext, got: Record<string, any>) => {
  ctx.cancelOrder((got.r as Order).id)
}

test('an entry replaced after a part filled: once the replacement fills, the legs cover the whole position', async () => {
  const r = await run({
    rows: [
      [101, 101, 101, 101], // 0: limit bracket at 100
      [100, 101, 99, 100], // 1: 4 @ 100 (room 4); the rest (6) replaced by a limit at 101
      [101, 102, 100, 101], // 2: room 8 → the replacement's 6 @ 101: the entry is complete
      [99, 99, 94, 96], // 3: stop 95, low 94 → all 10 @ 95 (room 10)
      [96, 96, 96, 96],
    ],
    volume: [40, 40, 80, 100, 100],
    broker: SHARE,
    script: {0: limitBracket, 1: replaceAt(101)},
  })
  assert.equal((r.got.r as Order).quantity, 6)
  assert.deepEqual(r.fills.map((f) => [f.orderId, f.side, f.quantity, f.price]), [[1, 'buy', 4, 100], [4, 'buy', 6, 101], [2, 'sell', 10, 95]])
  // 100 000 − 401 − 607 + 950 − 1 = 99 941; flat (the old legs, for the replacement's 6 only, left 4 held)
  assert.equal(r.finalCash, 99_941)
  assert.deepEqual(r.positions, [])
  assert.deepEqual(r.orders.map((o) => [o.id, o.status, o.quantity, o.parentId]), [
    [1, 'canceled', 10, undefined],
    [2, 'filled', 10, 4],
    [3, 'canceled', 10, 4],
    [4, 'filled', 6, undefined],
  ])
})

test('an entry replaced after a part filled, the replacement canceled unfilled: the legs protect the part', async () => {
  const r = await run({
    rows: [
      [101, 101, 101, 101],
      [100, 101, 99, 100], // 1: 4 @ 100; the rest replaced by a limit at 99
      [101, 102, 100, 101], // 2: low 100 > 99, nothing; the strategy cancels the replacement
      [99, 99, 94, 96], // 3: stop 95 → 4 @ 95
      [96, 96, 96, 96],
    ],
    volume: [40, 40, 80, 80, 80],
    broker: SHARE,
    script: {0: limitBracket, 1: replaceAt(99), 2: cancelReplacement},
  })
  assert.deepEqual(r.fills.map((f) => [f.orderId, f.side, f.quantity, f.price]), [[1, 'buy', 4, 100], [2, 'sell', 4, 95]])
  // 100 000 − 401 + 380 − 1 = 99 978; flat (before, the legs went with the unfilled replacement)
  assert.equal(r.finalCash, 99_978)
  assert.deepEqual(r.positions, [])
  assert.deepEqual(r.orders.map((o) => [o.id, o.status, o.quantity]), [[1, 'canceled', 10], [2, 'filled', 4], [3, 'canceled', 4], [4, 'canceled', 6]])
})

test('an entry replaced after a part filled, the replacement canceled after a part too: a trailing leg covers both parts from their average', async () => {
  const r = await run({
    rows: [
      [101, 101, 101, 101],
      [100, 101, 99, 100], // 1: 4 @ 100; the rest replaced by a limit at 101
      [101, 101, 100, 101], // 2: 4 @ 101 (room 4); the strategy cancels the rest: 8 held at 100.5 → stop 95.5
      [99, 99, 94, 96], // 3: high 99 < 100.5 (no move), low 94 → 8 @ 95.5
      [96, 96, 96, 96],
    ],
    volume: [40, 40, 40, 80, 80],
    broker: SHARE,
    script: {
      0: (ctx, got) => {
        got.b = ctx.submitBracket({side: 'buy', quantity: 10, type: 'limit', limitPrice: 100}, {trailAmount: 5, takeProfit: 110})
      },
      1: replaceAt(101),
      2: cancelReplacement,
    },
  })
  assert.deepEqual(r.fills.map((f) => [f.orderId, f.side, f.quantity, f.price]), [[1, 'buy', 4, 100], [4, 'buy', 4, 101], [2, 'sell', 8, 95.5]])
  // 100 000 − 401 − 405 + 764 − 1 = 99 957
  assert.equal(r.finalCash, 99_957)
  assert.deepEqual(r.trades.map((t) => [t.quantity, t.entryPrice, t.exitPrice, t.grossPnl, t.netPnl]), [[8, 100.5, 95.5, -40, -43]])
})

test('a snapshot of a replaced, partly filled entry keeps what it filled: restored, the legs still cover the whole position', () => {
  const T0 = Date.UTC(2024, 0, 2)
  const rows: Row[] = [[101, 101, 101, 101], [100, 101, 99, 100], [101, 102, 100, 101], [99, 99, 94, 96], [96, 96, 96, 96]]
  const volume = [40, 40, 80, 100, 100]
  const view = () => alignBars(['X'], [barsFromRows('X', HOUR, rows.map(([open, high, low, close], i) => ({time: T0 + i * HOUR, open, high, low, close, volume: volume[i]})))], HOUR)
  const placeAndReplace = (w: World) => {
    let entry = 0
    stepBar(w, 0, (api) => {
      entry = api.submitBracket({side: 'buy', quantity: 10, type: 'limit', limitPrice: 100}, {stopLoss: 95, takeProfit: 110}).entry.id
    })
    stepBar(w, 1, (api) => api.replaceOrder(entry, {limitPrice: 101}))
  }
  const first = paperWorld(view(), T0)
  placeAndReplace(first)
  const saved = JSON.parse(JSON.stringify(first.broker.snapshot())) as BrokerSnapshot
  const v2 = view()
  v2.cursor = 1
  const second = paperWorld(v2, first.clock.now())
  second.broker.restore(saved)
  assert.deepStrictEqual(second.broker.snapshot(), saved, 'restore → snapshot gives the same object')
  for (const i of [2, 3, 4]) stepBar(second, i)
  assert.deepEqual(second.events, ['filled #4 buy 6 @ 101', 'filled #2 sell 10 @ 95', 'canceled #3: OCO: order 2 filled'])
  assert.equal(second.broker.position(0), 0)

  const straight = paperWorld(view(), T0)
  placeAndReplace(straight)
  for (const i of [2, 3, 4]) stepBar(straight, i)
  assert.deepEqual(straight.events.slice(-3), second.events)
  assert.equal(straight.broker.cash, second.broker.cash)
})
