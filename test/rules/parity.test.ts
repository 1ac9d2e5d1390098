/**
 * The `rules` SMA crossover against the hand-written `sma-cross` plugin: the same orders, fills and
 * trades, bar for bar, on daily bars (Daily runner), on 5-minute bars (Backtest runner), and when
 * one iteration covers several bars (sleeptime 15M over 5M bars: the latest cross decides).
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'
import type {Bars} from '../../src/model/bars.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {BotSpec} from '../../src/model/bot-spec.js'
import type {StrategyDefinition} from '../../src/model/strategy.js'
import {rulesStrategy} from '../../src/rules/rules-strategy.js'
import smaCross from '../../strategies/sma-cross.js'
import {readCsvBars} from '../helpers/read-csv-bars.js'
import {ROOT} from './helpers.js'

const DAY = 86_400_000
const MIN5 = 300_000

const broker: BotSpec['broker'] = {cash: 100_000, commission: {perShare: 0, percent: 0.1, fixed: 0, minimum: 0}, slippageBps: 0, allowShort: false, fillPrice: 'next_open'}

const rulesParams = {
  indicators: {fast: {type: 'sma', period: 10}, slow: {type: 'sma', period: 30}},
  entry: {long: 'crosses_above(fast, slow)'},
  exit: {long: 'crosses_below(fast, slow)'},
  sizing: {type: 'quantity', value: 10},
}

async function run(definition: StrategyDefinition, params: Record<string, unknown>, bars: Bars, timeframeMs: number, sleeptimeMs: number, market: 'NYSE' | {timezone: string; open: string; close: string; days: string[]; holidays: string[]}) {
  const spec = {symbols: [bars.symbol], timeframeMs, sleeptimeMs, broker}
  return runBacktest({spec, bars, definition, params, calendar: createCalendar(market)})
}

function same(a: Awaited<ReturnType<typeof run>>, b: Awaited<ReturnType<typeof run>>) {
  assert.ok(a.fills.length > 10, `only ${a.fills.length} fills`)
  assert.deepEqual(b.fills.map((f) => [f.side, f.quantity, f.price, f.commission, f.time]), a.fills.map((f) => [f.side, f.quantity, f.price, f.commission, f.time]))
  assert.deepEqual(b.trades, a.trades)
  assert.equal(b.finalValue, a.finalValue)
}

test('daily ORCL 1995-2014: rules gives exactly the trades of sma-cross', async () => {
  const bars = readCsvBars(ROOT + 'examples/data/orcl-1995-2014.csv', {symbol: 'ORCL', timeframeMs: DAY, timezone: 'America/New_York'})
  const plugin = await run(smaCross as StrategyDefinition, {fast: 10, slow: 30, quantity: 10}, bars, DAY, DAY, 'NYSE')
  const rules = await run(rulesStrategy(), rulesParams, bars, DAY, DAY, 'NYSE')
  assert.equal(rules.runner, 'daily')
  same(plugin, rules)
})

const berlin = {timezone: 'Europe/Berlin', open: '09:00', close: '17:30', days: ['mon', 'tue', 'wed', 'thu', 'fri'], holidays: []}

for (const sleep of [MIN5, 3 * MIN5]) {
  test(`5-minute bars, sleeptime ${sleep / 60_000}M: rules gives exactly the trades of sma-cross`, async () => {
    const bars = readCsvBars(ROOT + 'examples/data/index-2006-5min.csv', {symbol: 'IDX', timeframeMs: MIN5, timezone: 'Europe/Berlin', timeLabel: 'close'})
    const plugin = await run(smaCross as StrategyDefinition, {fast: 10, slow: 30, quantity: 1}, bars, MIN5, sleep, berlin)
    const rules = await run(rulesStrategy(), {...rulesParams, sizing: {type: 'quantity', value: 1}}, bars, MIN5, sleep, berlin)
    assert.equal(rules.runner, 'backtest')
    same(plugin, rules)
  })
}
