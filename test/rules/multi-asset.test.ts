/**
 * Multi-asset rules (issue 15, item 4) in small candle tables through the real engine (24/7
 * calendar, daily bars, fills at the next open): `close_of("B")` / `of("B", x)` read the other
 * symbol at the same bar, `rank(x)` across the bot's symbols (ties, warm-up), exits before entries,
 * `equal_weight` and `volatility_target` sizing computed by hand; and the checks on these names.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'
import {barsFromRows} from '../../src/core/bars.js'
import type {Bars} from '../../src/model/bars.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {BotSpec} from '../../src/model/bot-spec.js'
import {planRules} from '../../src/rules/plan.js'
import type {RulesSpec} from '../../src/rules/rules-types.js'
import {rulesStrategy} from '../../src/rules/rules-strategy.js'

const DAY = 86_400_000
const T0 = Date.UTC(2024, 0, 1)

/** Closes as bars (open = high = low = close) from bar `from` on. */
function bars(symbol: string, closes: number[], from = 0): Bars {
  return barsFromRows(symbol, DAY, closes.map((c, i) => ({time: T0 + (i + from) * DAY, open: c, high: c, low: c, close: c, volume: 100})))
}

async function run(params: Record<string, unknown>, list: Bars[], o: {allowShort?: boolean; cash?: number} = {}) {
  const broker: BotSpec['broker'] = {cash: o.cash ?? 1_000_000, commission: {perShare: 0, percent: 0, fixed: 0, minimum: 0}, slippageBps: 0, allowShort: o.allowShort ?? false, fillPrice: 'next_open'}
  const spec = {symbols: list.map((b) => b.symbol), timeframeMs: DAY, sleeptimeMs: DAY, broker}
  const result = await runBacktest({spec, bars: list, definition: rulesStrategy(), params, calendar: createCalendar('24/7')})
  return {result, fills: result.fills.map((f) => [f.symbol, f.side, f.quantity, f.price, Math.round((f.time - T0) / DAY)])}
}

test('close_of("B") is B at the same bar, even for a symbol listed before B', async () => {
  const a = bars('A', [10, 10, 10, 10, 10, 10])
  const b = bars('B', [90, 95, 99, 101, 102, 103])
  const r = await run({entry: {long: 'close_of("B") > 100'}}, [a, b])
  // B closes above 100 on bar 3: A (judged once every symbol's bar 3 is in) buys at bar 4's open.
  assert.deepEqual(r.fills, [['A', 'buy', 1, 10, 4], ['B', 'buy', 1, 102, 4]])
  // of("B", x): any expression on B's series. B rose 5, 4, 2, 1, 1: first under 2 on bar 4.
  const of = await run({entry: {long: 'of("B", close - close[1]) < 2 and close < 50'}}, [a, b])
  assert.deepEqual(of.fills, [['A', 'buy', 1, 10, 5]])
})

test('rank(x): 1 for the highest; unknown for all while a symbol has none; the holder sells before the new leader buys', async () => {
  const a = bars('A', [5, 5, 5, 5, 20, 20, 20, 20])
  const b = bars('B', [10, 11, 12, 13, 14, 15, 16, 17])
  const c = bars('C', [1, 1, 1, 1, 1, 1], 2) // from bar 2: no ranks before it
  const r = await run({entry: {long: 'rank(close) == 1'}, exit: {long: 'rank(close) > 1'}}, [a, b, c])
  assert.deepEqual(r.fills, [
    ['B', 'buy', 1, 13, 3], // bar 2: B leads (first bar with all three known)
    ['B', 'sell', 1, 15, 5], // bar 4: A leads: B's exit is submitted first…
    ['A', 'buy', 1, 20, 5], // …then A's entry, though A is listed first
  ])
  // Ties share the better rank.
  const tie = await run({entry: {long: 'rank(close) == 1'}}, [bars('A', [10, 10, 10]), bars('B', [10, 10, 10]), bars('C', [5, 5, 5])])
  assert.deepEqual(tie.fills, [['A', 'buy', 1, 10, 1], ['B', 'buy', 1, 10, 1]])
})

test('sizing equal_weight: value% of equity / positions (default: the number of symbols) / close', async () => {
  const list = () => [bars('A', [100, 100, 100]), bars('B', [50, 50, 50])]
  const r = await run({entry: {long: 'close > 0'}, sizing: {type: 'equal_weight', value: 50}}, list())
  assert.deepEqual(r.fills, [['A', 'buy', 2500, 100, 1], ['B', 'buy', 5000, 50, 1]]) // 1e6 × 50% / 2 / close
  const four = await run({entry: {long: 'close > 0'}, sizing: {type: 'equal_weight', value: 50, positions: 4}}, list())
  assert.deepEqual(four.fills.map((f) => f[2]), [1250, 2500])
})

test('sizing volatility_target: equity × min(target / σ, max_percent) / positions / close, σ annualised from `lookback` log returns', async () => {
  const closes = [100, 102, 100, 103, 101, 104, 104]
  const returns = [1, 2, 3, 4].map((i) => Math.log(closes[i] / closes[i - 1]))
  const mean = returns.reduce((x, y) => x + y, 0) / 4
  const sigma = Math.sqrt(returns.reduce((x, y) => x + (y - mean) ** 2, 0) / 3) * Math.sqrt(252)
  const sizing = {type: 'volatility_target', value: 0.1, lookback: 4, positions: 1}
  const r = await run({entry: {long: 'close > 0'}, sizing}, [bars('A', closes)])
  // No entry before 4 returns exist (bar 4); signal at bar 4's close 101, fill at bar 5.
  assert.deepEqual(r.fills, [['A', 'buy', Math.floor((1e6 * (0.1 / sigma)) / 101), 104, 5]])
  assert.ok(0.1 / sigma < 1)
  const capped = await run({entry: {long: 'close > 0'}, sizing: {...sizing, value: 2, max_percent: 50}}, [bars('A', closes)])
  assert.deepEqual(capped.fills.map((f) => f[2]), [Math.floor(500_000 / 101)])
  const {plan} = planRules({entry: {long: 'close > 0'}, sizing: {type: 'volatility_target', value: 0.15, lookback: 30}} as RulesSpec)
  assert.equal(plan!.warmup, 31)
  assert.deepEqual(plan!.sizing, {type: 'volatility_target', value: 0.15, lookback: 30, periodsPerYear: 252, maxPercent: 100})
})

test('checks: unknown symbol (located, names the bot\'s symbols), text parameter, rank/of inside crossovers, sizing options', () => {
  const text = 'close > close_of("ORCX")'
  const bad = planRules({entry: {long: text}} as RulesSpec, new Map(), {symbols: ['ORCL', 'IDX']}).problems
  assert.equal(bad.length, 1)
  assert.equal(bad[0].code, 'rules.unknown_symbol')
  assert.equal(bad[0].offset, text.indexOf('"ORCX"'))
  assert.match(bad[0].message, /`ORCX` is not a symbol of this bot; it trades ORCL, IDX/)
  assert.match(bad[0].hint ?? '', /ORCL/)
  // Symbols unknown (a strategy spec on its own): accepted, listed in the plan, checked at run time.
  assert.deepEqual(planRules({entry: {long: text}} as RulesSpec).plan!.symbols, ['ORCX'])
  assert.deepEqual(planRules({entry: {long: 'of(pair, close) > 1 and rank(close) <= 2'}} as RulesSpec, new Map([['pair', 'IDX']])).plan!.symbols, ['IDX'])
  const codes = (long: string, sizing?: object) => planRules({entry: {long}, ...(sizing ? {sizing} : {})} as RulesSpec).problems.map((p) => p.code)
  assert.deepEqual(codes('of(1, close) > 0'), ['rules.symbol'])
  assert.deepEqual(codes('crosses_above(rank(close), 2)'), ['rules.cross_symbol'])
  assert.deepEqual(codes('crosses_below(close, close_of("B"))'), ['rules.cross_symbol'])
  assert.deepEqual(codes('rank(close > 1) == 1'), ['rules.type'])
  assert.deepEqual(codes('close > 0', {type: 'percent_equity', value: 10, positions: 2}), ['rules.sizing'])
  assert.deepEqual(codes('close > 0', {type: 'volatility_target', value: 0.1, lookback: 1}), ['rules.sizing'])
})

test('a run whose rules read a symbol the bot does not trade fails, naming its symbols', async () => {
  await assert.rejects(run({entry: {long: 'close_of("Z") > 1'}}, [bars('A', [1, 2, 3])]), /the rules read symbol "Z", which this bot does not trade \(its symbols: A\)/)
})
