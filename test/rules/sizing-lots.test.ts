/**
 * Rules sizing in whole lots of a symbol's `instruments` lot size. Found by an audit: sizes were
 * rounded to whole units whatever the lot, so a small account's percent of equity in BTC, or
 * `quantity: 0.5`, never bought anything, without a word. Without a lot size: whole units, as before.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'
import {barsFromRows} from '../../src/core/bars.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {StrategyContext} from '../../src/model/strategy.js'
import {rulesStrategy} from '../../src/rules/rules-strategy.js'
import {Ring} from '../../src/rules/runtime/ring.js'
import {entryQuantity} from '../../src/rules/runtime/sizing.js'
import type {SizingPlan} from '../../src/rules/plan.js'

const DAY = 86_400_000
const T0 = Date.UTC(2024, 0, 1)

function quantity(sizing: SizingPlan, close: number, value: number, lot: number | undefined): number {
  const ctx = {portfolioValue: value, cash: value, symbols: ['X'], multiplier: () => 1, ...(lot === undefined ? {} : {lotSize: () => lot})} as unknown as StrategyContext
  const closes = new Ring(0)
  closes.push(close)
  return entryQuantity(sizing, ctx, closes, close, 'X')
}

test('entryQuantity: whole lots of the lot size, written with its decimals; whole units without one', () => {
  // 10% of 10,000 in BTC at 58,000 is 0.01724… of a coin.
  assert.equal(quantity({type: 'percent_equity', value: 10}, 58_000, 10_000, 0.001), 0.017)
  assert.equal(quantity({type: 'percent_equity', value: 10}, 58_000, 10_000, undefined), 0)
  assert.equal(quantity({type: 'quantity', value: 0.5}, 100, 1_000, 0.1), 0.5)
  assert.equal(quantity({type: 'quantity', value: 0.37}, 100, 1_000, 0.1), 0.3)
  // 0.3 / 0.1 is 2.9999999999999996 in binary: three lots, not two.
  assert.equal(quantity({type: 'quantity', value: 0.3}, 100, 1_000, 0.1), 0.3)
  // Round lots of 100 shares: 2,550 shares' worth is 2,500.
  assert.equal(quantity({type: 'cash', value: 25_500}, 10, 100_000, 100), 2_500)
})

test('a rules run with a lot size trades fractions of a unit, in lots; without one the same spec trades nothing', async () => {
  const rows = Array.from({length: 40}, (_, i) => {
    const close = 50_000 + 1_000 * Math.sin(i / 3) + 100 * i
    return {time: T0 + i * DAY, open: close - 50, high: close + 200, low: close - 200, close, volume: 10}
  })
  const bars = barsFromRows('X', DAY, rows)
  const rules = {indicators: {fast: {type: 'sma', period: 3}, slow: {type: 'sma', period: 8}}, entry: {long: 'crosses_above(fast, slow)'}, exit: {long: 'crosses_below(fast, slow)'}, sizing: {type: 'percent_equity', value: 20}}
  const broker = (instruments?: Record<string, {lotSize: number}>) => ({cash: 10_000, commission: {perShare: 0, percent: 0, fixed: 0, minimum: 0}, slippageBps: 0, allowShort: false, ...(instruments ? {instruments} : {})})
  const run = (b: ReturnType<typeof broker>) => runBacktest({spec: {symbols: ['X'], timeframeMs: DAY, sleeptimeMs: DAY, broker: b as never}, bars: [bars], definition: rulesStrategy(), params: rules, calendar: createCalendar('24/7')})
  const lots = await run(broker({X: {lotSize: 0.001}}))
  assert.ok(lots.counts.fills >= 2, `${lots.counts.fills} fills`)
  for (const f of lots.fills) {
    assert.ok(f.quantity > 0 && f.quantity < 1, `a fraction of a unit: ${f.quantity}`)
    assert.equal(Number((f.quantity / 0.001).toFixed(6)) % 1, 0, `whole lots: ${f.quantity}`)
    // 20% of the account at the signal's close: within a lot (and the move to the next open) of it.
    assert.ok(f.quantity * f.price <= 0.2 * 10_000 * 1.05, `${f.quantity} at ${f.price}`)
  }
  const units = await run(broker())
  assert.equal(units.counts.orders, 0)
})
