/**
 * `test ? a : b` keeps an unknown value unknown, as every other operator does: it is unknown
 * while the test or either branch reads a value that does not exist yet, the branch not taken
 * included, so a condition is never true before every value it reads exists — and the first
 * bar it can be known is the plan's warm-up (warmup.ts).
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'
import {barsFromRows} from '../../src/core/bars.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import {planRules} from '../../src/rules/plan.js'
import {rulesStrategy} from '../../src/rules/rules-strategy.js'
import {SymbolRuntime} from '../../src/rules/runtime/symbol-runtime.js'
import {conditionWarmup} from '../../src/rules/warmup.js'

const DAY = 86_400_000
const T0 = Date.UTC(2024, 0, 1)
const CLOSES = [10, 11, 12, 11, 10, 9, 10, 11, 12, 13]

/** The entry condition at each bar: 1, 0, or '?' (unknown); and the plan's warm-up in bars. */
function judge(expr: string, indicators: Record<string, unknown> = {}) {
  const {plan, problems} = planRules({indicators, entry: {long: expr}} as never, new Map(), {timeframeMs: DAY})
  assert.ok(plan, problems.map((p) => p.message).join('; '))
  const rt = new SymbolRuntime(plan, 'UTC')
  const values = CLOSES.map((c, i) => {
    rt.beginIteration()
    rt.pushBar(c, c + 1, c - 1, c, 100, T0 + i * DAY)
    const v = rt.entryLong!()
    return v !== v ? '?' : v
  })
  return {values: values.join(' '), warmup: conditionWarmup(plan)}
}

test('a ternary is unknown while the branch it does not take reads a value not there yet', () => {
  // close[5] exists from the sixth bar: `or` waits for it, and so does the ternary.
  assert.equal(judge('close > 10 or close[5] > 0').values, '? ? ? ? ? 1 1 1 1 1')
  assert.equal(judge('close > 10 ? true : close[5] > 0').values, '? ? ? ? ? 1 1 1 1 1')
  assert.equal(judge('close > 10 ? close[5] > 0 : false').values, '? ? ? ? ? 0 0 1 1 1')
  assert.equal(judge('(close > 10 ? 1 : close[5]) > 0').values, '? ? ? ? ? 1 1 1 1 1')
  // An unknown test: unknown whatever the branches.
  assert.equal(judge('close[2] > 10 ? true : true').values, '? ? 1 1 1 1 1 1 1 1')
  // Nested: the inner ternary's untaken branch counts too.
  assert.equal(judge('close > 0 ? (close > 100 ? close[4] > 0 : true) : false').values, '? ? ? ? 1 1 1 1 1 1')
  // Known values: the branch the test picks.
  assert.equal(judge('close >= 11 ? close > 11 : close < 10').values, '0 0 1 0 0 1 0 0 1 1')
})

test('a ternary is first known at the bar the warm-up counts', () => {
  for (const [expr, indicators] of [
    ['close > 10 ? true : close[5] > 0', {}],
    ['close > 10 ? true : m > 0', {m: {type: 'sma', period: 5}}],
    ['close > 10 ? m > 0 : true', {m: {type: 'sma', period: 3}}],
  ] as const) {
    const {values, warmup} = judge(expr, indicators)
    const firstKnown = values.split(' ').findIndex((v) => v !== '?') + 1
    assert.equal(firstKnown, warmup, `${expr}: ${values}`)
  }
})

test('no entry from a ternary before every value it reads exists (engine)', async () => {
  const bars = barsFromRows('X', DAY, CLOSES.map((c, i) => ({time: T0 + i * DAY, open: c, high: c, low: c, close: c, volume: 100})))
  const broker = {cash: 100_000, commission: {perShare: 0, percent: 0, fixed: 0, minimum: 0}, slippageBps: 0, allowShort: false, fillPrice: 'next_open' as const}
  const result = await runBacktest({spec: {symbols: ['X'], timeframeMs: DAY, sleeptimeMs: DAY, broker}, bars: [bars], definition: rulesStrategy(), params: {entry: {long: 'close > 10 ? true : close[5] > 0'}}, calendar: createCalendar('24/7')})
  // Signal on the sixth bar (index 5), filled at the next open: not on the second bar as before.
  assert.deepEqual(result.fills.map((f) => [f.side, Math.round((f.time - T0) / DAY)]), [['buy', 6]])
})
