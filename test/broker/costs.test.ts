/** Commission models and slippage: the one formula in src/broker/costs.ts, through whole runs. */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {CostModel} from '../../src/broker/costs.js'
import {runCandles, type Row} from './candles.js'

const rows: Row[] = [[10, 10, 10, 10], [20, 21, 19, 20], [25, 26, 24, 25]]
// Buy 10 at bar 0 (fills at 20), sell 10 at bar 1 (fills at 25).
const roundTrip = {0: (ctx: any) => ctx.buy(10), 1: (ctx: any) => ctx.sell(10)}

const cases: {name: string; commission: Record<string, number>; buy: number; sell: number}[] = [
  {name: 'none', commission: {}, buy: 0, sell: 0},
  {name: 'per share 0.01', commission: {perShare: 0.01}, buy: 0.1, sell: 0.1},
  // 0.1% of 10 × 20 = 0.2; of 10 × 25 = 0.25
  {name: 'percent 0.1', commission: {percent: 0.1}, buy: 0.2, sell: 0.25},
  {name: 'fixed 1 per fill', commission: {fixed: 1}, buy: 1, sell: 1},
  // 0.01 × 10 = 0.1 is under the minimum of 2
  {name: 'per share with a minimum', commission: {perShare: 0.01, minimum: 2}, buy: 2, sell: 2},
  // 0.1 + 0.2 + 1 = 1.3 and 0.1 + 0.25 + 1 = 1.35, both above the minimum of 1.25
  {name: 'all together', commission: {perShare: 0.01, percent: 0.1, fixed: 1, minimum: 1.25}, buy: 1.3, sell: 1.35},
]

for (const c of cases) {
  test(`commission: ${c.name}`, async () => {
    const r = await runCandles({rows, broker: {commission: c.commission}, script: roundTrip})
    assert.equal(r.fills.length, 2)
    assert.ok(Math.abs(r.fills[0].commission - c.buy) < 1e-12, `buy commission ${r.fills[0].commission}`)
    assert.ok(Math.abs(r.fills[1].commission - c.sell) < 1e-12, `sell commission ${r.fills[1].commission}`)
    // gross P&L (25 - 20) × 10 = 50; net subtracts both commissions
    const t = r.trades[0]
    assert.equal(t.grossPnl, 50)
    assert.ok(Math.abs(t.commission - (c.buy + c.sell)) < 1e-12)
    assert.ok(Math.abs(t.netPnl - (50 - c.buy - c.sell)) < 1e-12)
    assert.ok(Math.abs(r.finalCash - (100_000 + 50 - c.buy - c.sell)) < 1e-9)
  })
}

test('slippage: buys pay more, sells get less, in basis points of the price; commission on the slipped price', async () => {
  const r = await runCandles({rows, broker: {slippageBps: 10, commission: {percent: 1}}, script: roundTrip})
  // buy: 20 × 1.001 = 20.02; sell: 25 × 0.999 = 24.975
  assert.ok(Math.abs(r.fills[0].price - 20.02) < 1e-12)
  assert.ok(Math.abs(r.fills[1].price - 24.975) < 1e-12)
  assert.ok(Math.abs(r.fills[0].commission - 2.002) < 1e-12) // 1% of 10 × 20.02
  assert.ok(Math.abs(r.trades[0].grossPnl - 49.55) < 1e-9) // (24.975 - 20.02) × 10
})

test('slippage stops at the bar\'s range: no fill at a price the bar never traded (found by an audit; Backtrader\'s slip_match)', async () => {
  // buy at bar 1's open 100, whose high is 100: 100.5 is capped to 100; the sell stop 90 on bar 2 (low 90): 89.55 → 90
  const r = await runCandles({
    rows: [[100, 100, 100, 100], [100, 100, 95, 96], [96, 97, 90, 92], [92, 92, 92, 92]],
    broker: {slippageBps: 50},
    script: {0: (ctx: any) => ctx.buy(1), 1: (ctx: any) => ctx.sell(1, {type: 'stop', stopPrice: 90})},
  })
  assert.deepEqual(r.fills.map((f) => f.price), [100, 90])
  // Within the range it slips in full: the sell at 96 × 0.995 = 95.52 (low 90) on a wider bar.
  const m = new CostModel({commission: {perShare: 0, percent: 0, fixed: 0, minimum: 0}, slippageBps: 50})
  assert.equal(m.slip('sell', 96, 90, 97), 96 * (1 - 50 / 10_000))
  assert.equal(m.slip('buy', 100, 95, NaN), 100 * (1 + 50 / 10_000)) // no range known: no cap
  assert.equal(m.slip('buy', 101, 95, 100), 101) // a price already past the range is not moved back
})

test('slippage never makes a limit fill worse than its limit', async () => {
  const r = await runCandles({
    rows: [[10, 10, 10, 10], [10, 10.2, 9.4, 9.9]],
    broker: {slippageBps: 50},
    script: {0: (ctx) => ctx.buy(1, {type: 'limit', limitPrice: 9.5})},
  })
  assert.equal(r.fills[0].price, 9.5)
})

test('CostModel: percent is a percentage (0.1 means 0.1%), applied to |quantity|', () => {
  const m = new CostModel({commission: {perShare: 0, percent: 0.1, fixed: 0, minimum: 0}, slippageBps: 0})
  assert.equal(m.commission(-10, 3599.02), 10 * 0.001 * 3599.02)
  assert.equal(m.slip('buy', 10, 9, 11), 10)
})
