/**
 * Candle tables for each order type. Rows are [open, high, low, close]; the script places an
 * order in the iteration that sees bar i; the expected fill is worked out by hand in each test.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {MINUTE, T0, runCandles} from './candles.js'

test('market: fills at the next bar open, never on the signal bar', async () => {
  const r = await runCandles({
    rows: [[10, 11, 9, 10.5], [10.8, 11, 10.1, 10.9], [11, 12, 10, 11.5]],
    script: {0: (ctx) => ctx.buy(10)},
  })
  assert.deepEqual(r.fills.map((f) => [f.price, f.time]), [[10.8, T0 + MINUTE]])
  assert.equal(r.finalCash, 100_000 - 108) // 10 × 10.8
  assert.equal(r.finalValue, 100_000 - 108 + 10 * 11.5)
})

test('market with fillPrice close: fills at the signal bar close, stamped with that bar\'s last millisecond', async () => {
  const r = await runCandles({
    rows: [[10, 11, 9, 10.5], [10.8, 11, 10.1, 10.9]],
    broker: {fillPrice: 'close', commission: {fixed: 1}},
    script: {0: (ctx) => ctx.buy(10)},
  })
  assert.deepEqual(r.fills.map((f) => [f.price, f.time]), [[10.5, T0 + MINUTE - 1]])
  assert.equal(r.finalCash, 100_000 - 105 - 1)
  // the equity point of bar 0 already has the position (at its close) and the commission
  assert.equal(r.equity.value[0], 100_000 - 1)
})

test('market order on the last bar never fills and stays open', async () => {
  const r = await runCandles({rows: [[10, 11, 9, 10], [10, 11, 9, 10]], script: {1: (ctx) => ctx.buy(1)}})
  assert.equal(r.fills.length, 0)
  assert.equal(r.orders[0].status, 'open')
  assert.equal(r.finalValue, 100_000)
})

test('limit buy: at the limit when the range reaches it, at the open when the bar gaps below it', async () => {
  const inside = await runCandles({
    rows: [[10, 10.5, 9.8, 10], [10, 10.2, 9.4, 9.9]],
    script: {0: (ctx) => ctx.buy(10, {type: 'limit', limitPrice: 9.5})},
  })
  assert.deepEqual(inside.fills.map((f) => f.price), [9.5])
  const gap = await runCandles({
    rows: [[10, 10.5, 9.8, 10], [9.0, 9.2, 8.9, 9.1]],
    script: {0: (ctx) => ctx.buy(10, {type: 'limit', limitPrice: 9.5})},
  })
  assert.deepEqual(gap.fills.map((f) => f.price), [9.0])
  assert.equal(gap.finalCash, 100_000 - 90)
})

test('limit buy waits for a later bar whose range crosses it; the signal bar never counts', async () => {
  // placed at bar 1, whose own low (9.0) is below the limit: bar 1 must not fill it;
  // bar 2 (low 9.6) does not reach 9.5; bar 3 (low 9.5) does, at 9.5.
  const r = await runCandles({
    rows: [[10, 10, 10, 10], [10, 10.2, 9.0, 10], [10, 10.2, 9.6, 10], [9.9, 10, 9.5, 9.7]],
    script: {1: (ctx) => ctx.buy(1, {type: 'limit', limitPrice: 9.5})},
  })
  assert.deepEqual(r.fills.map((f) => [f.price, f.time]), [[9.5, T0 + 3 * MINUTE]])
})

test('limit sell: at the limit inside the range, at the open on a gap up', async () => {
  const inside = await runCandles({
    rows: [[10, 10, 10, 10], [10, 10.6, 9.9, 10.2]],
    script: {0: (ctx) => ctx.sell(5, {type: 'limit', limitPrice: 10.5})},
  })
  assert.deepEqual(inside.fills.map((f) => f.price), [10.5])
  assert.equal(inside.finalCash, 100_000 + 52.5) // a short sale credits 5 × 10.5
  const gap = await runCandles({
    rows: [[10, 10, 10, 10], [11, 11.2, 10.8, 11]],
    script: {0: (ctx) => ctx.sell(5, {type: 'limit', limitPrice: 10.5})},
  })
  assert.deepEqual(gap.fills.map((f) => f.price), [11])
})

test('stop buy: at the stop when the high reaches it, at the open when the bar gaps above it', async () => {
  const inside = await runCandles({
    rows: [[10, 10, 10, 10], [10.5, 11.2, 10.4, 11]],
    script: {0: (ctx) => ctx.buy(1, {type: 'stop', stopPrice: 11})},
  })
  assert.deepEqual(inside.fills.map((f) => f.price), [11])
  const gap = await runCandles({
    rows: [[10, 10, 10, 10], [11.5, 12, 11.4, 11.8]],
    script: {0: (ctx) => ctx.buy(1, {type: 'stop', stopPrice: 11})},
  })
  assert.deepEqual(gap.fills.map((f) => f.price), [11.5])
  const never = await runCandles({
    rows: [[10, 10, 10, 10], [10.5, 10.9, 10.4, 10.8]],
    script: {0: (ctx) => ctx.buy(1, {type: 'stop', stopPrice: 11})},
  })
  assert.equal(never.fills.length, 0)
})

test('stop sell: at the stop when the low reaches it, at the open on a gap down', async () => {
  const inside = await runCandles({
    rows: [[10, 10, 10, 10], [9.5, 9.6, 8.8, 9.2]],
    script: {0: (ctx) => ctx.sell(1, {type: 'stop', stopPrice: 9})},
  })
  assert.deepEqual(inside.fills.map((f) => f.price), [9])
  const gap = await runCandles({
    rows: [[10, 10, 10, 10], [8.5, 8.7, 8.2, 8.4]],
    script: {0: (ctx) => ctx.sell(1, {type: 'stop', stopPrice: 9})},
  })
  assert.deepEqual(gap.fills.map((f) => f.price), [8.5])
})

test('stop-limit buy, stop triggered inside the bar with the limit above the stop: fills at the stop', async () => {
  const r = await runCandles({
    rows: [[10, 10, 10, 10], [10.5, 11.4, 10.4, 11.2]],
    script: {0: (ctx) => ctx.buy(1, {type: 'stop_limit', stopPrice: 11, limitPrice: 11.3})},
  })
  assert.deepEqual(r.fills.map((f) => f.price), [11])
})

test('stop-limit buy, limit below the stop: triggered on one bar, fills as a limit on a later one', async () => {
  // bar 1 touches the stop (high 11.1 ≥ 11) but whether it came back to 10.8 after that is
  // unknowable, so no fill on bar 1 even though its low (10.4) is below the limit;
  // bar 2 opens at 10.9 (> 10.8) and trades down to 10.7: fills at the limit, 10.8.
  const r = await runCandles({
    rows: [[10, 10, 10, 10], [10.5, 11.1, 10.4, 11], [10.9, 11, 10.7, 10.8]],
    script: {0: (ctx) => ctx.buy(1, {type: 'stop_limit', stopPrice: 11, limitPrice: 10.8})},
  })
  assert.deepEqual(r.fills.map((f) => [f.price, f.time]), [[10.8, T0 + 2 * MINUTE]])
})

test('stop-limit buy triggered by a gap: a limit order for that whole bar', async () => {
  // opens at 11.5 ≥ stop 11, above the limit 11.3; the low (11.2) reaches the limit: 11.3
  const r = await runCandles({
    rows: [[10, 10, 10, 10], [11.5, 11.6, 11.2, 11.4]],
    script: {0: (ctx) => ctx.buy(1, {type: 'stop_limit', stopPrice: 11, limitPrice: 11.3})},
  })
  assert.deepEqual(r.fills.map((f) => f.price), [11.3])
  // the same gap with a low that stays above the limit: triggered, not filled
  const miss = await runCandles({
    rows: [[10, 10, 10, 10], [11.5, 11.6, 11.4, 11.5]],
    script: {0: (ctx) => ctx.buy(1, {type: 'stop_limit', stopPrice: 11, limitPrice: 11.3})},
  })
  assert.equal(miss.fills.length, 0)
  assert.equal(miss.orders[0].status, 'open')
})

test('stop-limit sell: triggered inside the bar at the stop, limit below the stop: fills at the stop', async () => {
  const r = await runCandles({
    rows: [[10, 10, 10, 10], [9.5, 9.6, 8.8, 9]],
    script: {0: (ctx) => ctx.sell(1, {type: 'stop_limit', stopPrice: 9, limitPrice: 8.9})},
  })
  assert.deepEqual(r.fills.map((f) => f.price), [9])
})

test('several orders on one bar fill in submission order; cancel stops an order', async () => {
  const r = await runCandles({
    rows: [[10, 10, 10, 10], [10, 10.5, 9.5, 10], [10, 10.5, 9.5, 10]],
    script: {
      0: (ctx, sub) => {
        ctx.buy(1)
        ctx.buy(2, {type: 'limit', limitPrice: 9.6})
        const c = ctx.buy(3, {type: 'limit', limitPrice: 9.7})
        assert.equal(ctx.openOrders().length, 3)
        assert.equal(ctx.cancelOrder(c.id), true)
        assert.equal(ctx.cancelOrder(c.id), false, 'a second cancel finds nothing open')
        assert.equal(sub.length, 3)
      },
    },
  })
  assert.deepEqual(r.fills.map((f) => [f.orderId, f.quantity, f.price]), [[1, 1, 10], [2, 2, 9.6]])
  assert.equal(r.orders[2].status, 'canceled')
  assert.ok(r.events.includes('canceled #3: canceled by the strategy'))
})

test('malformed orders are rejected at once with a reason, not thrown', async () => {
  const r = await runCandles({
    rows: [[10, 10, 10, 10], [10, 10, 10, 10]],
    script: {
      0: (ctx) => {
        assert.match(ctx.buy(0).reason!, /quantity/)
        assert.match(ctx.buy(Number.NaN).reason!, /quantity/)
        assert.match(ctx.buy(1, {type: 'limit'}).reason!, /limitPrice/)
        assert.match(ctx.sell(1, {type: 'stop_limit', stopPrice: 9}).reason!, /limitPrice/)
        assert.equal(ctx.openOrders().length, 0)
      },
    },
  })
  assert.equal(r.counts.rejected, 4)
  assert.equal(r.fills.length, 0)
})
