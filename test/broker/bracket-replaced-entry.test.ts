/**
 * A bracket entry replaced after a part filled keeps that part in its bracket: more cases than
 * bracket-partial-entry.test.ts has (a refused replacement, chains, restores).
 * Rows are [open, high, low, close]; market orders fill at the next bar's open, commission 1 per
 * fill, max_volume_share 0.1 × the bar's volume per bar (linked-harness.ts conventions).
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {barsFromRows} from '../../src/core/bars.js'
import {alignBars} from '../../src/engine/market-view.js'
import type {BrokerSnapshot} from '../../src/broker/broker-snapshot.js'
import type {Bracket, Order} from '../../src/model/orders.js'
import type {StrategyContext} from '../../src/model/strategy.js'
import type {Row} from './candles.js'
import {run} from './linked-harness.js'
import {HOUR, paperWorld, stepBar, type World} from './paper-world.js'

const SHARE = {maxVolumeShare: 0.1}
const limitBracket = (ctx: StrategyContext, got: Record<string, unknown>) => {
  got.b = ctx.submitBracket({side: 'buy', quantity: 10, type: 'limit', limitPrice: 100}, {stopLoss: 95, takeProfit: 110})
}
const replaceAt = (limitPrice: number) => (ctx: StrategyContext, got: Record<string, any>) => {
  got.r = ctx.replaceOrder((got.b as Bracket).entry.id, {limitPrice})
}

test('the replacement refused for cash: the legs protect the part from the very bar of the refusal, as for an entry not replaced', async () => {
  // cash 700. bar 0: limit bracket at 100 (entry #1, stop #2, take-profit #3).
  // bar 1: open 100 ≤ 100 → 4 @ 100 (room 4): cash 700 − 401 = 299; the rest (6) replaced by a limit at 101 (#4).
  // bar 2: open 90 ≤ 101 → #4 would fill 4 @ 90 (room 4): needs 361 > 299 → rejected. The part was held
  //   since bar 1, so (as bracket-partial-entry.test.ts's "the rest of the entry refused for cash" has
  //   it for an entry not replaced) the stop works on bar 2: it opened below 95, a gap → 4 @ 90.
  //   299 + 360 − 1 = 658.
  // Bar 3 opens at 85: a stop that only starts on bar 3 sells at 85 instead (299 + 340 − 1 = 638).
  const r = await run({
    rows: [
      [101, 101, 101, 101],
      [100, 101, 99, 100],
      [90, 92, 88, 91],
      [85, 86, 84, 85],
      [85, 85, 85, 85],
    ],
    volume: [40, 40, 40, 40, 40],
    broker: {...SHARE, cash: 700},
    script: {0: limitBracket, 1: replaceAt(101)},
  })
  assert.equal(r.events[2], 'rejected #4: insufficient cash: needs 361.00 (4 × 90 + commission 1.00), has 299.00')
  assert.deepEqual(r.fills.map((f) => [f.orderId, f.side, f.quantity, f.price]), [[1, 'buy', 4, 100], [2, 'sell', 4, 90]])
  assert.equal(r.finalCash, 658)
  assert.deepEqual(r.positions, [])
})

test('a chain of replacements, the last with an explicit quantity: the legs cover every part, and a trailing leg starts from the average of all fills', async () => {
  const r = await run({
    rows: [
      [101, 101, 101, 101], // 0: limit bracket at 100, trailing by 5, take-profit 120
      [100, 101, 99, 100], // 1: #1 4 @ 100 (room 4); the rest (6) replaced by a limit at 100 (#4)
      [101, 101, 100, 101], // 2: #4 low 100 ≤ 100 → 2 @ 100 (room 2); replaced by #5 with quantity 5 (not the rest, 4), limit 106: legs 6 + 5 = 11
      [106, 106, 105, 106], // 3: #5 open 106 ≤ 106 → 5 @ 106 (room 20): complete. 11 held at (400 + 200 + 530)/11 = 102.73 → stop 97.73
      [104, 104, 98, 99], // 4: open 104, low 98 > 97.73: no fill; high 104 > 102.73 → best 104, stop 99 (from the last part, 106, the stop would be 101 and sell here)
      [99, 99, 96, 97], // 5: stop 99, open 99 ≤ 99 → 11 @ 99 (room 20)
      [97, 97, 97, 97],
    ],
    volume: [40, 40, 20, 200, 200, 200, 200],
    broker: SHARE,
    script: {
      0: (ctx, got) => {
        got.b = ctx.submitBracket({side: 'buy', quantity: 10, type: 'limit', limitPrice: 100}, {trailAmount: 5, takeProfit: 120})
      },
      1: replaceAt(100),
      2: (ctx, got) => {
        got.r2 = ctx.replaceOrder((got.r as Order).id, {quantity: 5, limitPrice: 106})
      },
    },
  })
  assert.deepEqual(r.fills.map((f) => [f.orderId, f.side, f.quantity, f.price]), [
    [1, 'buy', 4, 100],
    [4, 'buy', 2, 100],
    [5, 'buy', 5, 106],
    [2, 'sell', 11, 99],
  ])
  // 100 000 − 401 − 201 − 531 + 1089 − 1 = 99 955; flat
  assert.equal(r.finalCash, 99_955)
  assert.deepEqual(r.positions, [])
  assert.deepEqual(r.orders.map((o) => [o.id, o.status, o.quantity, o.parentId]), [
    [1, 'canceled', 10, undefined],
    [2, 'filled', 11, 5],
    [3, 'canceled', 11, 5],
    [4, 'canceled', 6, undefined],
    [5, 'filled', 5, undefined],
  ])
})

// Save and restore (as bracket-partial-entry.test.ts drives a paper bot's broker), hourly bars.

test('saved while a replacement that filled a part itself works (priorFill and its own part), a trailing leg: restored, the same state and the same run', () => {
  const T0 = Date.UTC(2024, 0, 2)
  const rows: Row[] = [
    [101, 101, 101, 101], // 0: limit bracket buy 10 at 100, trailing by 5, take-profit 120
    [100, 101, 99, 100], // 1: #1 4 @ 100 (room 4); the rest (6) replaced by a limit at 102 (#4)
    [101, 102, 100, 101], // 2: #4 open 101 ≤ 102 → 2 @ 101 (room 2); saved after this bar
    [102, 103, 101, 102], // 3: room 10 → #4's last 4 @ 102 (open): 10 held at (400 + 202 + 408)/10 = 101 → stop 96
    [99, 99, 95, 96], // 4: high 99 < 101 (no move); low 95 ≤ 96 → 10 @ 96 (room 10); from the last part (102) it would be 97
    [96, 96, 96, 96],
  ]
  const volume = [40, 40, 20, 100, 100, 100]
  const view = () => alignBars(['X'], [barsFromRows('X', HOUR, rows.map(([open, high, low, close], i) => ({time: T0 + i * HOUR, open, high, low, close, volume: volume[i]})))], HOUR)
  const start = (w: World) => {
    let entry = 0
    stepBar(w, 0, (api) => {
      entry = api.submitBracket({side: 'buy', quantity: 10, type: 'limit', limitPrice: 100}, {trailAmount: 5, takeProfit: 120}).entry.id
    })
    stepBar(w, 1, (api) => api.replaceOrder(entry, {limitPrice: 102}))
    stepBar(w, 2)
  }
  const first = paperWorld(view(), T0)
  start(first)
  const saved = JSON.parse(JSON.stringify(first.broker.snapshot())) as BrokerSnapshot
  const entry = saved.openOrders.find((o) => o.id === 4)!
  assert.deepEqual([entry.quantity, entry.filledQuantity, entry.fillPrice, entry.priorFill], [6, 2, 101, {quantity: 4, price: 100, at: T0 + HOUR}])
  assert.deepEqual(saved.openOrders.filter((o) => o.id !== 4).map((o) => [o.id, o.quantity, o.parentId]), [[2, 10, 4], [3, 10, 4]])

  const v2 = view()
  v2.cursor = 2
  const second = paperWorld(v2, first.clock.now())
  second.broker.restore(saved)
  assert.deepStrictEqual(second.broker.snapshot(), saved, 'restore → snapshot gives the same object')
  for (const i of [3, 4, 5]) stepBar(second, i)
  assert.deepEqual(second.events, ['filled #4 buy 4 @ 102', 'filled #2 sell 10 @ 96', 'canceled #3: OCO: order 2 filled'])
  // 100 000 − 401 − 203 − 409 + 960 − 1 = 99 946
  assert.equal(second.broker.cash, 99_946)
  assert.equal(second.broker.position(0), 0)

  const straight = paperWorld(view(), T0)
  start(straight)
  for (const i of [3, 4, 5]) stepBar(straight, i)
  assert.deepEqual(straight.events.slice(-3), second.events)
  assert.equal(straight.broker.cash, second.broker.cash)
})
