/** Cash checks, shorts, reversals, average price, equity after every bar, several symbols. */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {MINUTE, T0, candles, runCandles} from './candles.js'

test('a buy the account cannot pay for is rejected at fill time with a reason, and cash is untouched', async () => {
  // cash 100; 10 × 10.8 = 108 > 100 at the fill (the signal close, 10 × 9.9 = 99, would have fit)
  const r = await runCandles({
    rows: [[10, 10, 9.8, 9.9], [10.8, 11, 10.5, 10.9], [10, 10, 10, 10]],
    broker: {cash: 100},
    script: {0: (ctx) => ctx.buy(10)},
  })
  assert.equal(r.fills.length, 0)
  assert.equal(r.orders[0].status, 'rejected')
  assert.match(r.orders[0].reason!, /insufficient cash: needs 108\.00 .* has 100\.00/)
  assert.deepEqual(r.events, [`rejected #1: ${r.orders[0].reason}`])
  assert.equal(r.finalCash, 100)
})

test('the cash check includes the commission', async () => {
  // 10 × 10 = 100 fits exactly; with a fixed commission of 0.01 it does not
  const fits = await runCandles({rows: [[10, 10, 10, 10], [10, 10, 10, 10]], broker: {cash: 100}, script: {0: (ctx) => ctx.buy(10)}})
  assert.equal(fits.fills.length, 1)
  assert.equal(fits.finalCash, 0)
  const short = await runCandles({
    rows: [[10, 10, 10, 10], [10, 10, 10, 10]],
    broker: {cash: 100, commission: {fixed: 0.01}},
    script: {0: (ctx) => ctx.buy(10)},
  })
  assert.equal(short.counts.rejected, 1)
})

test('short: a sell from flat opens a short, credits the proceeds; covering realises the P&L', async () => {
  const r = await runCandles({
    rows: [[10, 10, 10, 10], [10.8, 11, 10.5, 10.6], [10, 10.2, 9.9, 10.1], [10, 10, 10, 10]],
    script: {
      0: (ctx) => ctx.sell(10),
      1: (ctx) => {
        assert.equal(ctx.position(), -10)
        assert.equal(ctx.averagePrice(), 10.8)
        assert.equal(ctx.cash, 100_108)
        assert.equal(ctx.portfolioValue, 100_108 - 10 * 10.6) // the short marked at the close
        ctx.closePosition()
      },
    },
  })
  assert.deepEqual(r.fills.map((f) => [f.side, f.price]), [['sell', 10.8], ['buy', 10]])
  assert.equal(r.trades.length, 1)
  assert.equal(r.trades[0].side, 'short')
  assert.ok(Math.abs(r.trades[0].grossPnl - 8) < 1e-9) // (10.8 - 10) × 10
  assert.ok(Math.abs(r.finalCash - 100_008) < 1e-9)
  assert.equal(r.positions.length, 0)
})

test('allowShort false: a sell that would leave a short position is rejected', async () => {
  const r = await runCandles({
    rows: [[10, 10, 10, 10], [10, 10, 10, 10], [10, 10, 10, 10], [10, 10, 10, 10]],
    broker: {allowShort: false},
    script: {0: (ctx) => ctx.buy(5), 1: (ctx) => ctx.sell(6), 2: (ctx) => ctx.sell(5)},
  })
  assert.deepEqual(r.orders.map((o) => o.status), ['filled', 'rejected', 'filled'])
  assert.match(r.orders[1].reason!, /short selling is not allowed/)
})

test('average price, partial exits and a reversal: trades are flat-to-flat round trips', async () => {
  const r = await runCandles({
    rows: [[10, 10, 10, 10], [10, 10, 10, 10], [12, 12, 12, 12], [14, 14, 14, 14], [13, 13, 13, 13], [11, 11, 11, 11]],
    script: {
      0: (ctx) => ctx.buy(10), // fills at 10
      1: (ctx) => ctx.buy(10), // fills at 12: average 11
      2: (ctx) => {
        assert.equal(ctx.averagePrice(), 11)
        ctx.sell(5) // fills at 14: realises (14 - 11) × 5 = 15, average stays 11
      },
      3: (ctx) => ctx.sell(25), // fills at 13: closes 15 (+30), opens a short of 10 at 13
      4: (ctx) => ctx.closePosition(), // fills at 11: short gains (13 - 11) × 10 = 20
    },
  })
  assert.equal(r.trades.length, 2)
  const [long, short] = r.trades
  assert.deepEqual([long.side, long.quantity, long.entryPrice, long.entryTime], ['long', 20, 11, T0 + MINUTE])
  assert.equal(long.exitPrice, (14 * 5 + 13 * 15) / 20)
  assert.equal(long.grossPnl, 45)
  assert.deepEqual([short.side, short.quantity, short.entryPrice, short.exitPrice, short.grossPnl], ['short', 10, 13, 11, 20])
  assert.equal(r.finalCash, 100_000 + 65)
})

test('equity after every bar is cash plus positions at that bar close', async () => {
  const r = await runCandles({
    rows: [[10, 10, 10, 10], [11, 12, 10, 11.5], [12, 13, 11, 12.5], [12, 12, 12, 12]],
    broker: {commission: {fixed: 1}},
    script: {0: (ctx) => ctx.buy(2)},
  })
  // bar 0: 100000; bar 1: bought 2 at 11 + 1 commission, marked 11.5 → 100000 - 23 + 23 = 100000;
  // bar 2: 99977 + 25 = 100002; bar 3: 99977 + 24 = 100001
  assert.deepEqual([...r.equity.value], [100_000, 100_000, 100_002, 100_001])
  assert.deepEqual([...r.equity.time], [0, 1, 2, 3].map((i) => T0 + i * MINUTE))
  assert.equal(r.finalValue, 100_001)
  assert.deepEqual(r.positions, [{symbol: 'X', quantity: 2, averagePrice: 11, lastPrice: 12, unrealizedPnl: 2}])
})

test('several symbols on one index: no fill for a symbol on a bar it does not have (NaN)', async () => {
  const a = candles([[10, 10, 10, 10], [11, 11, 11, 11], [12, 12, 12, 12]], MINUTE, T0, 'A')
  // B has no bar at T0 + 1 minute
  const b = candles([[20, 20, 20, 20], [22, 22, 22, 22]], MINUTE, T0, 'B')
  b.time[1] = T0 + 2 * MINUTE
  const r = await runCandles({
    bars: [a, b],
    script: {
      0: (ctx) => {
        assert.deepEqual(ctx.symbols, ['A', 'B'])
        ctx.buy(1, {symbol: 'A'})
        ctx.buy(1, {symbol: 'B'})
      },
      1: (ctx) => {
        assert.ok(Number.isNaN(ctx.close('B')))
        assert.equal(ctx.close('B', 1), 20)
        assert.equal(ctx.position('B'), 0)
        assert.throws(() => ctx.close('C'), /unknown symbol "C"/)
      },
    },
  })
  assert.deepEqual(r.fills.map((f) => [f.symbol, f.price, f.time]), [['A', 11, T0 + MINUTE], ['B', 22, T0 + 2 * MINUTE]])
  // after bar 1: A bought at 11 and marked at 11; B not held yet
  assert.equal(r.equity.value[1], 100_000 - 11 + 11)
  assert.equal(r.finalValue, 100_000 - 11 - 22 + 12 + 22)
})
