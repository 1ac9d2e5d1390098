/**
 * broker.max_volume_share (issue 15, item 6): at most that share of a bar's volume fills, the rest
 * on later bars, one fill (and one onFilledOrder) per part. Hand-computed; commission 1 per fill.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {MINUTE, T0} from './candles.js'
import {run} from './linked-harness.js'

test('a market order larger than 10% of the volume fills over three bars, at each open', async () => {
  const r = await run({
    rows: [[10, 10, 10, 10], [10, 10.5, 9.5, 10], [11, 11.5, 10.5, 11], [12, 12.5, 11.5, 12], [12, 12, 12, 12]],
    volume: [500, 500, 500, 500, 500],
    broker: {maxVolumeShare: 0.1},
    script: {0: (ctx) => ctx.buy(120)},
  })
  // 50 @ 10, 50 @ 11, 20 @ 12: 1290 paid, 3 commissions
  assert.deepEqual(r.fills.map((f) => [f.quantity, f.price, f.time]), [[50, 10, T0 + MINUTE], [50, 11, T0 + 2 * MINUTE], [20, 12, T0 + 3 * MINUTE]])
  assert.deepEqual(r.events, ['filled #1 buy 50 @ 10', 'filled #1 buy 50 @ 11', 'filled #1 buy 20 @ 12'])
  assert.equal(r.finalCash, 100_000 - 1290 - 3)
  const o = r.orders[0]
  assert.deepEqual([o.status, o.filledQuantity, o.fillPrice, o.commission], ['filled', 120, 1290 / 120, 3])
  assert.equal(r.trades.length, 0)
  assert.deepEqual(r.positions.map((p) => [p.quantity, p.averagePrice]), [[120, 1290 / 120]])
})

test('orders on one symbol share the bar volume; a bar without volume fills nothing', async () => {
  const r = await run({
    rows: [[10, 10, 10, 10], [10, 10, 10, 10], [11, 11, 11, 11], [12, 12, 12, 12], [13, 13, 13, 13]],
    volume: [300, 300, 0, 300, 300],
    broker: {maxVolumeShare: 0.1},
    script: {0: (ctx) => {
      ctx.buy(20)
      ctx.buy(20)
    }},
  })
  // bar 1: room 30: #1 gets 20, #2 gets 10; bar 2: volume 0, nothing; bar 3: #2 gets its last 10 @ 12
  assert.deepEqual(r.fills.map((f) => [f.orderId, f.quantity, f.price]), [[1, 20, 10], [2, 10, 10], [2, 10, 12]])
  assert.equal(r.finalCash, 100_000 - 200 - 100 - 120 - 3)
})

test('a limit order fills in parts on the bars that reach it; a stop, once triggered, fills its rest at market', async () => {
  const limit = await run({
    rows: [[10, 10, 10, 10], [10, 10.2, 9.5, 10], [10.6, 11, 10.5, 10.8], [9.8, 10, 9.7, 9.9], [9.9, 10, 9.9, 9.9]],
    volume: [400, 400, 400, 400, 400],
    broker: {maxVolumeShare: 0.1},
    script: {0: (ctx) => ctx.buy(100, {type: 'limit', limitPrice: 10})},
  })
  // bar 1: 40 @ 10 (low 9.5); bar 2: low 10.5, not reached; bar 3: gaps below, 40 @ 9.8 (open); bar 4: 20 @ 9.9 (open ≤ 10)
  assert.deepEqual(limit.fills.map((f) => [f.quantity, f.price]), [[40, 10], [40, 9.8], [20, 9.9]])
  assert.equal(limit.finalCash, 100_000 - 400 - 392 - 198 - 3)

  const stop = await run({
    rows: [[10, 10, 10, 10], [10, 11, 9.9, 10.8], [10.6, 10.7, 10.2, 10.4], [10.5, 10.6, 10.4, 10.5]],
    volume: [500, 500, 500, 500],
    broker: {maxVolumeShare: 0.1},
    script: {0: (ctx) => ctx.buy(80, {type: 'stop', stopPrice: 10.5})},
  })
  // bar 1: high 11 ≥ 10.5: 50 @ 10.5; bar 2: the rest, 30, at the open 10.6 although it stays above the stop
  assert.deepEqual(stop.fills.map((f) => [f.quantity, f.price]), [[50, 10.5], [30, 10.6]])
})

test('without max_volume_share the whole order fills at once, whatever the volume', async () => {
  const r = await run({rows: [[10, 10, 10, 10], [10, 10, 10, 10], [10, 10, 10, 10]], volume: [1, 1, 1], script: {0: (ctx) => ctx.buy(1000)}})
  assert.deepEqual(r.fills.map((f) => f.quantity), [1000])
  assert.equal(r.orders[0].filledQuantity, undefined)
})

test('an OCO leg that fills in parts ends its partner, and goes on filling its rest (found by an audit: it was canceled with its partner after its first part)', async () => {
  // Volume 40, share 0.1: 4 units a bar. The buy stop 101.5 triggers on bar 1 (high 102).
  const r = await run({
    rows: [[100, 100, 100, 100], [101, 102, 100, 101], [102, 103, 101, 102], [103, 104, 102, 103], [103, 104, 102, 103]],
    volume: [40, 40, 40, 40, 40],
    broker: {maxVolumeShare: 0.1},
    script: {0: (ctx) => ctx.submitOco({side: 'buy', quantity: 10, type: 'stop', stopPrice: 101.5}, {side: 'sell', quantity: 10, type: 'stop', stopPrice: 95})},
  })
  // bar 1: 4 @ 101.5; bar 2: 4 @ 102 (open, triggered); bar 3: 2 @ 103
  assert.deepEqual(r.fills.map((f) => [f.orderId, f.quantity, f.price]), [[1, 4, 101.5], [1, 4, 102], [1, 2, 103]])
  assert.deepEqual(r.orders.map((o) => o.status), ['filled', 'canceled'])
  assert.deepEqual(r.positions.map((p) => p.quantity), [10])
})

test('a bracket stop that fills in parts closes the whole position over the next bars', async () => {
  const r = await run({
    rows: [[100, 100, 100, 100], [100, 101, 99, 100], [99, 100, 80, 85], [85, 86, 84, 85], [80, 81, 75, 76], [70, 71, 69, 70]],
    volume: [80, 80, 40, 40, 40, 40],
    broker: {maxVolumeShare: 0.1},
    script: {0: (ctx) => ctx.submitBracket({side: 'buy', quantity: 8}, {stopLoss: 90, takeProfit: 150})},
  })
  // entry: 8 @ 100 on bar 1 (room 8); bar 2: stop hit, 4 @ 90; bar 3: the rest, 4 @ 85 (open)
  assert.deepEqual(r.fills.map((f) => [f.side, f.quantity, f.price]), [['buy', 8, 100], ['sell', 4, 90], ['sell', 4, 85]])
  assert.deepEqual(r.positions, [])
  assert.equal(r.trades.length, 1)
})
