/**
 * The `rules` trailing stop when one iteration covers several bars (sleeptime longer than the
 * timeframe): the best price since entry is the best high (long) / low (short) of every bar since
 * the entry filled, not only of each iteration's newest bar; a bar before the fill never counts.
 * Hand-computed on 5-minute bars through the real engine (24/7, no costs).
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'
import {barsFromRows} from '../../src/core/bars.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {BotSpec} from '../../src/model/bot-spec.js'
import {rulesStrategy} from '../../src/rules/rules-strategy.js'

const MIN5 = 300_000
const T0 = Date.UTC(2024, 0, 1)

type Row = [number, number, number, number]

async function run(params: Record<string, unknown>, rows: Row[], sleeptimeMs: number, o: {fillPrice?: BotSpec['broker']['fillPrice']; allowShort?: boolean} = {}) {
  const bars = barsFromRows('X', MIN5, rows.map(([open, high, low, close], i) => ({time: T0 + i * MIN5, open, high, low, close, volume: 1000})))
  const broker: BotSpec['broker'] = {cash: 100_000, commission: {perShare: 0, percent: 0, fixed: 0, minimum: 0}, slippageBps: 0, allowShort: o.allowShort ?? false, fillPrice: o.fillPrice ?? 'next_open'}
  const result = await runBacktest({spec: {symbols: ['X'], timeframeMs: MIN5, sleeptimeMs, broker}, bars: [bars], definition: rulesStrategy(), params, calendar: createCalendar('24/7')})
  return result.fills.map((f) => [f.side, f.price, Math.round((f.time - T0) / MIN5)])
}

// The auditor's data (/tmp/audit-rules/trm.csv). Bar 3 closes at 101: buy at bar 4's open (100),
// stop 90. Bar 4's high is 120: best 120 → stop 108, which bar 7 opens under (107).
// With a 15-minute sleeptime the iterations are at the closes of bars 0, 3, 6, 9…: the one after
// bar 6 covers bars 4–6, whose newest high is only 111 (stop 99.9, never reached) — the bug.
const ROWS: Row[] = [
  [100, 100.2, 99.8, 100], [100, 100.2, 99.8, 100], [100, 100.2, 99.8, 100], [100, 101.2, 99.9, 101],
  [100, 120, 99, 115], [115, 116, 110, 111], [111, 111, 109, 110], [107, 107.5, 101, 102],
  [102, 102.2, 101.8, 102], [102, 102.2, 101.8, 102], [102, 102.2, 101.8, 102], [102, 102.2, 101.8, 102], [102, 102.2, 101.8, 102],
]
const LONG = {entry: {long: 'close > 100.5 and close < 101.5'}, sizing: {type: 'quantity', value: 1}, trailing_stop: {percent: 10}}

test('trailing stop: an iteration over several bars follows the best high of all of them, as one per bar does', async () => {
  const perBar = await run(LONG, ROWS, MIN5)
  assert.deepEqual(perBar, [['buy', 100, 4], ['sell', 107, 7]])
  const every15 = await run(LONG, ROWS, 3 * MIN5)
  assert.deepEqual(every15, [['buy', 100, 4], ['sell', 107, 7]])
})

test('trailing stop (short): the lowest low of every bar of the iteration', async () => {
  // Bar 3 closes at 99: sell at bar 4's open (100), stop 110; bar 4's low 80 → stop 88, which bar 7
  // opens over (93). The newest low of bars 4–6 is 85 (stop 93.5, never reached).
  const flat: Row = [100, 100.2, 99.8, 100]
  const rows: Row[] = [flat, flat, flat, [100, 100.1, 98.8, 99], [100, 101, 80, 85], [85, 87, 84, 85], [86, 87, 85, 86], [93, 93.2, 92, 92], ...Array.from({length: 5}, (): Row => [92, 92.2, 91.8, 92])]
  const short = {entry: {short: 'close < 99.5 and close > 98.5'}, sizing: {type: 'quantity', value: 1}, trailing_stop: {percent: 10}}
  assert.deepEqual(await run(short, rows, MIN5, {allowShort: true}), [['sell', 100, 4], ['buy', 93, 7]])
  assert.deepEqual(await run(short, rows, 3 * MIN5, {allowShort: true}), [['sell', 100, 4], ['buy', 93, 7]])
})

test('trailing stop: a bar before the entry filled never moves it, whatever the sleeptime', async () => {
  // Filled at the signal bar's close (fill_price: close): bar 3 closes at 101 with a high of 130
  // before that fill. Counted, it would put the stop at 117 and bar 4 (low 99) would stop the
  // position out at its open; the bars from the fill on reach 120 (stop 108) first on bar 4, so
  // the stop moves to 108 after bar 4 (5M) or after bar 6 (15M) and bar 7 (open 107) fills it.
  const rows = ROWS.map((r, i): Row => (i === 3 ? [100, 130, 99.9, 101] : r))
  assert.deepEqual(await run(LONG, rows, MIN5, {fillPrice: 'close'}), [['buy', 101, 4], ['sell', 107, 7]])
  assert.deepEqual(await run(LONG, rows, 3 * MIN5, {fillPrice: 'close'}), [['buy', 101, 4], ['sell', 107, 7]])
  // At the next open (the default) the signal bar is before the fill too.
  assert.deepEqual(await run(LONG, rows, 3 * MIN5), [['buy', 100, 4], ['sell', 107, 7]])
})
