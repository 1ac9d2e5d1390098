/**
 * The rules runtime in small candle tables through the real engine (runBacktest, 24/7 calendar,
 * daily bars, fills at the next open): warm-up, offsets, evaluation order, reversals, sizing,
 * stops, several symbols, time tests.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'
import {barsFromRows} from '../../src/core/bars.js'
import type {Bars} from '../../src/model/bars.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {BotSpec} from '../../src/model/bot-spec.js'
import {rulesStrategy} from '../../src/rules/rules-strategy.js'

const DAY = 86_400_000
const T0 = Date.UTC(2024, 0, 1) // a Monday

/** Bars from [open, high, low, close] rows (or closes: open = high = low = close). */
function bars(rows: Array<number | [number, number, number, number]>, symbol = 'X', step = DAY): Bars {
  return barsFromRows(symbol, step, rows.map((r, i) => {
    const [open, high, low, close] = typeof r === 'number' ? [r, r, r, r] : r
    return {time: T0 + i * step, open, high, low, close, volume: 100}
  }))
}

async function run(params: Record<string, unknown>, data: Bars | Bars[], o: {allowShort?: boolean; cash?: number; step?: number; instruments?: BotSpec['broker']['instruments']} = {}) {
  const list = Array.isArray(data) ? data : [data]
  const broker: BotSpec['broker'] = {cash: o.cash ?? 1_000_000, commission: {perShare: 0, percent: 0, fixed: 0, minimum: 0}, slippageBps: 0, allowShort: o.allowShort ?? false, fillPrice: 'next_open', ...(o.instruments ? {instruments: o.instruments} : {})}
  const step = o.step ?? DAY
  const spec = {symbols: list.map((b) => b.symbol), timeframeMs: step, sleeptimeMs: step, broker}
  const result = await runBacktest({spec, bars: list, definition: rulesStrategy(), params, calendar: createCalendar('24/7')})
  const day = (t: number) => Math.round((t - T0) / step)
  return {result, fills: result.fills.map((f) => [f.symbol, f.side, f.quantity, f.price, day(f.time)])}
}

test('no order before the indicator it reads has a value, and `[n]` needs n more bars', async () => {
  const up = Array.from({length: 12}, (_, i) => 10 + i)
  const sma = await run({indicators: {m: {type: 'sma', period: 5}}, entry: {long: 'close > m'}}, bars(up))
  assert.deepEqual(sma.fills[0], ['X', 'buy', 1, 15, 5]) // signal on bar 5 (index 4), fill at the next open
  const lag = await run({entry: {long: 'close > close[3]'}}, bars(up))
  assert.deepEqual(lag.fills[0], ['X', 'buy', 1, 14, 4])
  // `not` of an unknown value stays unknown: no entry during warm-up.
  const neg = await run({indicators: {m: {type: 'sma', period: 5}}, entry: {long: 'not (close < m)'}}, bars(up))
  assert.equal(neg.fills[0][4], 5)
})

test('exits are checked before entries; an entry for the other side reverses the position', async () => {
  const closes = [10, 11, 12, 11, 10, 9, 10, 11]
  const r = await run({entry: {long: 'close > close[1]', short: 'close < close[1]'}, sizing: {type: 'quantity', value: 2}}, bars(closes), {allowShort: true})
  assert.deepEqual(r.fills, [
    ['X', 'buy', 2, 12, 2], // long after bar 1 rose (fills at bar 2's open)
    ['X', 'sell', 2, 10, 4], // bar 3 fell: close the long…
    ['X', 'sell', 2, 10, 4], // …and open the short, in that order
    ['X', 'buy', 2, 11, 7], // bar 6 rose: close the short…
    ['X', 'buy', 2, 11, 7], // …and go long
  ])
  const exitOnly = await run({entry: {long: 'close > close[1]'}, exit: {long: 'close < close[1]'}}, bars(closes))
  assert.deepEqual(exitOnly.fills.map((f) => [f[1], f[4]]), [['buy', 2], ['sell', 4], ['buy', 7]])
})

test('sizing: percent of equity and cash give whole units at the signal close', async () => {
  const pct = await run({entry: {long: 'close > 0'}, sizing: {type: 'percent_equity', value: 50}}, bars([30, 30, 30]), {cash: 1000})
  assert.equal(pct.fills[0][2], 16) // 500 / 30 = 16.7 → 16
  const cash = await run({entry: {long: 'close > 0'}, sizing: {type: 'cash', value: 100}}, bars([30, 30, 30]))
  assert.equal(cash.fills[0][2], 3)
  const none = await run({entry: {long: 'close > 0'}, sizing: {type: 'cash', value: 10}}, bars([30, 30, 30]))
  assert.equal(none.fills.length, 0)
})

test('sizing: a unit counts at close × the symbol\'s multiplier (a futures contract at its full notional), margin or not', async () => {
  const flat = bars([5000, 5000, 5000])
  const entry = {long: 'close > 0'}
  // 95% of 1,000,000 in contracts of 50 × 5,000 = 250,000: 3 (3.8), not 190.
  for (const es of [{multiplier: 50}, {multiplier: 50, margin: 12_000}]) {
    const pct = await run({entry, sizing: {type: 'percent_equity', value: 95}}, flat, {instruments: {X: es}})
    assert.equal(pct.fills[0][2], 3, JSON.stringify(es))
    assert.equal((await run({entry, sizing: {type: 'cash', value: 600_000}}, flat, {instruments: {X: es}})).fills[0][2], 2)
    assert.equal((await run({entry, sizing: {type: 'equal_weight', value: 100, positions: 2}}, flat, {instruments: {X: es}})).fills[0][2], 2)
  }
  assert.equal((await run({entry, sizing: {type: 'percent_equity', value: 95}}, flat)).fills[0][2], 190, 'a plain unit: multiplier 1')
  // A fixed quantity is a number of contracts, whatever their size.
  assert.equal((await run({entry, sizing: {type: 'quantity', value: 4}}, flat, {instruments: {X: {multiplier: 50}}})).fills[0][2], 4)
})

test('percent stop-loss and take-profit are broker orders; the one that fills cancels the other', async () => {
  const rows: Array<[number, number, number, number]> = [[100, 100, 100, 100], [100, 101, 99, 100], [100, 100, 97, 98], [98, 99, 94, 95], [95, 95, 95, 95]]
  const stop = await run({entry: {long: 'close >= 100'}, stop_loss: {percent: 5}, take_profit: {percent: 10}}, bars(rows))
  assert.deepEqual(stop.fills, [['X', 'buy', 1, 100, 1], ['X', 'sell', 1, 95, 3]])
  assert.ok(stop.result.orders.some((o) => o.type === 'limit' && o.status === 'canceled'))
  const up: Array<[number, number, number, number]> = [[100, 100, 100, 100], [100, 101, 99, 100], [101, 104, 100, 103], [103, 111, 102, 109], [109, 109, 109, 109]]
  const target = await run({entry: {long: 'close >= 100 and close < 101'}, stop_loss: {percent: 5}, take_profit: {percent: 10}}, bars(up))
  assert.deepEqual(target.fills, [['X', 'buy', 1, 100, 1], ['X', 'sell', 1, 110, 3]])
})

test('a trailing stop follows the best high and never loosens', async () => {
  const rows: Array<[number, number, number, number]> = [[100, 100, 100, 100], [100, 100, 100, 100], [100, 110, 100, 108], [108, 120, 107, 118], [118, 118, 112, 113], [113, 113, 100, 105], [105, 105, 105, 105]]
  const r = await run({entry: {long: 'close == 100 and close[1] == 100'}, trailing_stop: {percent: 5}}, bars(rows))
  // Entry at bar 2's open (100); best high 120 on bar 3 → stop 114, hit on bar 4 (low 112).
  assert.deepEqual(r.fills, [['X', 'buy', 1, 100, 2], ['X', 'sell', 1, 114, 4]])
})

test('ATR stops: no entry before the ATR has a value; the distance is ATR at entry × multiple', async () => {
  const rows: Array<[number, number, number, number]> = Array.from({length: 8}, () => [100, 102, 98, 100] as [number, number, number, number])
  rows.push([100, 100, 80, 85], [85, 85, 85, 85])
  const r = await run({entry: {long: 'close > 0'}, stop_loss: {atr: 2, atr_period: 3}}, bars(rows))
  // ATR(3) first exists on bar 4 (index 3): true range 4 each bar → ATR 4, stop 100 − 8 = 92.
  // …and since the entry condition still holds, it enters again on the next bar.
  assert.deepEqual(r.fills, [['X', 'buy', 1, 100, 4], ['X', 'sell', 1, 92, 8], ['X', 'buy', 1, 85, 9]])
})

test('several symbols: the same rules, each with its own indicator state', async () => {
  const a = bars([10, 11, 12, 13, 14, 15], 'A')
  const b = bars([20, 19, 18, 17, 18, 19], 'B')
  const r = await run({indicators: {m: {type: 'sma', period: 2}}, entry: {long: 'close > m'}, exit: {long: 'close < m'}}, [a, b])
  assert.deepEqual(r.fills, [['A', 'buy', 1, 12, 2], ['B', 'buy', 1, 19, 5]])
})

test('time fields and time_between use the rules time zone (bar open time)', async () => {
  const hour = 3_600_000
  const rows = Array.from({length: 30}, () => 10)
  const data = bars(rows, 'X', hour)
  // 2024-01-01 00:00 UTC is 19:00 the day before in New York (UTC−5).
  const r = await run({entry: {long: 'time_between("21:00", "22:00") and weekday == 1'}, exit: {long: 'hour == 23'}, timezone: 'America/New_York'}, data, {step: hour})
  assert.deepEqual(r.fills.map((f) => [f[1], f[4]]), [['buy', 27], ['sell', 29]])
})

test('crosses judge against the last non-zero difference (a touch then a cross is a cross)', async () => {
  const r = await run({indicators: {}, entry: {long: 'crosses_above(close, 10)'}, exit: {long: 'crosses_below(close, 10)'}}, bars([9, 10, 11, 10, 10, 12, 10, 9]))
  // 9→10 touch→11: cross up on bar 2; 11→10→10→12: no cross; 12→10 touch→9: cross down on bar 7.
  assert.deepEqual(r.fills.map((f) => [f[1], f[4]]), [['buy', 3]])
  assert.equal(r.result.positions.length, 1)
  const r2 = await run({entry: {long: 'crosses_above(close, 10)'}, exit: {long: 'crosses_below(close, 10)'}}, bars([9, 10, 11, 10, 9, 9]))
  assert.deepEqual(r2.fills.map((f) => [f[1], f[4]]), [['buy', 3], ['sell', 5]])
})

test('indicators on other indicators and on derived fields, in dependency order', async () => {
  const {planRules} = await import('../../src/rules/plan.js')
  const {SymbolRuntime} = await import('../../src/rules/runtime/symbol-runtime.js')
  const {computeIndicator} = await import('../../src/rules/indicators/compute.js')
  // Declared before its source on purpose: the plan sorts by dependency.
  const rules = {indicators: {smooth: {type: 'ema', period: 5, source: 'rsi3'}, rsi3: {type: 'rsi', period: 3}, mid: {type: 'sma', period: 4, source: 'hl2'}}, entry: {long: 'smooth > 50 and mid[1] < hlc3'}}
  const {plan, problems} = planRules(rules as never)
  assert.deepEqual(problems, [])
  assert.deepEqual(plan!.indicators.map((i) => i.name), ['rsi3', 'smooth', 'mid'])
  assert.equal(plan!.warmup, 8) // rsi3 from bar 4, its EMA(5) from bar 8
  const closes = [10, 11, 10.5, 12, 11, 13, 12.5, 14, 13, 15, 14.5, 16]
  const b = bars(closes.map((c) => [c, c + 1, c - 1, c] as [number, number, number, number]))
  const rsi = computeIndicator('rsi', {period: 3}, b)[0]
  const emaOfRsi = computeIndicator('ema', {period: 5}, {...b, close: rsi.slice(3)} as never)[0] // EMA fed from rsi's first value
  const rt = new SymbolRuntime(plan!, 'UTC')
  for (let i = 0; i < closes.length; i++) {
    rt.pushBar(b.open[i], b.high[i], b.low[i], b.close[i], 100, b.time[i])
    const smooth = rt.ring('smooth').at(0)
    if (i < 7) assert.ok(Number.isNaN(smooth), `bar ${i}`)
    else assert.equal(smooth, emaOfRsi[i - 3])
    if (i >= 3) assert.equal(rt.ring('mid').at(0), (closes[i] + closes[i - 1] + closes[i - 2] + closes[i - 3]) / 4)
  }
})
