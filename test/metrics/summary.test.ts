import assert from 'node:assert/strict'
import {test} from 'node:test'
import {summarize} from '../../src/metrics/summary.js'

const DAY = 86_400_000

test('total return, max drawdown from the running peak (initial cash included), win rate', () => {
  // 100 → 110 → 99 → 121: peak 110, trough 99: drawdown 11/110 = 10%
  const s = summarize({
    initialCash: 100,
    finalValue: 121,
    equity: {time: new Float64Array(3), value: Float64Array.of(110, 99, 121)},
    start: 0,
    end: 3 * DAY,
    trades: [{netPnl: 5}, {netPnl: -1}, {netPnl: 0}] as never,
  })
  assert.ok(Math.abs(s.totalReturn - 0.21) < 1e-12)
  assert.ok(Math.abs(s.maxDrawdown - 0.1) < 1e-12)
  assert.equal(s.winRate, 1 / 3)
  assert.equal(s.trades, 3)
})

test('Sharpe: mean / sample sd of per-bar returns × √(bars per year)', () => {
  // 100 → 110 → 99 → 118.8: returns +10%, -10%, +20%; mean 1/15; deviations 1/30, -1/6, 2/15
  const value = Float64Array.of(110, 99, 118.8)
  const mean = 1 / 15
  const sd = Math.sqrt(((1 / 30) ** 2 + (1 / 6) ** 2 + (2 / 15) ** 2) / 2)
  const s = summarize({initialCash: 100, finalValue: 118.8, equity: {time: new Float64Array(3), value}, start: 0, end: 3 * DAY, trades: []}, {barsPerYear: 252})
  assert.ok(Math.abs(s.sharpe - (mean / sd) * Math.sqrt(252)) < 1e-9)
  // a steady +1% a bar over a year of 365.25 daily bars: bars per year taken from the run's length
  const up = Float64Array.from({length: 10}, (_, i) => 100 * 1.01 ** (i + 1) * (i % 2 ? 1.001 : 1))
  const t = summarize({initialCash: 100, finalValue: up[9], equity: {time: new Float64Array(10), value: up}, start: 0, end: 10 * DAY, trades: []})
  assert.ok(Math.abs(t.barsPerYear - 365.25) < 1e-9)
  assert.ok(t.sharpe > 0)
})

test('degenerate curves: no bars or no variation give NaN Sharpe, not Infinity', () => {
  const flat = summarize({initialCash: 100, finalValue: 100, equity: {time: new Float64Array(3), value: Float64Array.of(100, 100, 100)}, start: 0, end: 3 * DAY, trades: []})
  assert.ok(Number.isNaN(flat.sharpe))
  assert.equal(flat.maxDrawdown, 0)
  const none = summarize({initialCash: 100, finalValue: 100, equity: {time: new Float64Array(0), value: new Float64Array(0)}, start: NaN, end: NaN, trades: []})
  assert.ok(Number.isNaN(none.sharpe))
  assert.equal(none.totalReturn, 0)
})
