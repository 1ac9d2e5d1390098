/**
 * The close loop (rules-hooks.ts `iterateCloses`, SymbolRuntime.closeLoop): a one-symbol plan that
 * reads only the close, with one crossover of two series as they stand, is fed and judged by a
 * loop of its own. Each plan below runs twice: as written (the close loop) and with the
 * crossover's first argument multiplied by 1 (the same numbers, but no longer a series in place,
 * so the general path feeds it); fills and equity must be the same.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'
import {barsFromRows} from '../../src/core/bars.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import {planRules} from '../../src/rules/plan.js'
import {rulesStrategy} from '../../src/rules/rules-strategy.js'
import {SymbolRuntime} from '../../src/rules/runtime/symbol-runtime.js'
import type {RulesSpec} from '../../src/rules/rules-types.js'
import {zigzagWalk} from './zigzag-walk.js'

const DAY = 86_400_000

const bars = barsFromRows('X', DAY, zigzagWalk(900, 11, 7))

async function run(params: RulesSpec, sleepDays: number) {
  const broker = {cash: 1_000_000, commission: {perShare: 0, percent: 0.1, fixed: 0, minimum: 0}, slippageBps: 0, allowShort: true, fillPrice: 'next_open' as const}
  const spec = {symbols: ['X'], timeframeMs: DAY, sleeptimeMs: sleepDays * DAY, broker}
  const result = await runBacktest({spec, bars, definition: rulesStrategy(), params, calendar: createCalendar('24/7')})
  return {fills: result.fills.map((f) => [f.side, f.quantity, f.price, f.time]), equity: [...result.equity.value]}
}

function closeLoopOf(rules: RulesSpec) {
  const {plan, problems} = planRules(rules)
  assert.ok(plan, JSON.stringify(problems))
  return new SymbolRuntime(plan, 'UTC').closeLoop
}

/** The plan with `first` replaced by `first * 1` in every condition: the general path. */
function general(rules: RulesSpec, first: string): RulesSpec {
  const swap = (e?: string) => e?.replaceAll(`(${first},`, `(${first} * 1,`)
  const r = rules as unknown as {entry: {long?: string; short?: string}; exit?: {long?: string; short?: string}}
  return {...rules, entry: {long: swap(r.entry.long), short: swap(r.entry.short)}, exit: {long: swap(r.exit?.long), short: swap(r.exit?.short)}} as unknown as RulesSpec
}

// Entries sized in cash (units from the close the loop pushed) in one plan, in units in the others.
const plans: Array<[string, string, Record<string, unknown>]> = [
  [
    'a golden cross, long and short (two SMAs)',
    'fast',
    {
      indicators: {fast: {type: 'sma', period: 5}, slow: {type: 'sma', period: 20}},
      entry: {long: 'crosses_above(fast, slow)', short: 'crosses_below(fast, slow)'},
      exit: {long: 'crosses_below(fast, slow)', short: 'crosses_above(fast, slow)'},
    },
  ],
  [
    'an SMA of an SMA against an SMA (the steps not written out)',
    'fast',
    {
      indicators: {base: {type: 'sma', period: 3}, fast: {type: 'sma', period: 4, source: 'base'}, slow: {type: 'sma', period: 18}},
      entry: {long: 'crosses_above(fast, slow)'},
      exit: {long: 'crosses_below(fast, slow)'},
    },
  ],
  [
    'the close against one average (no second updater)',
    'close',
    {indicators: {slow: {type: 'ema', period: 12}}, entry: {long: 'crosses_above(close, slow)'}, exit: {long: 'crosses_below(close, slow)'}, sizing: {type: 'cash', value: 5000}},
  ],
  [
    'three indicators, a condition on the third (updaters after the first two)',
    'fast',
    {
      indicators: {fast: {type: 'sma', period: 4}, slow: {type: 'ema', period: 15}, rsi: {type: 'rsi', period: 6}},
      entry: {long: 'crosses_above(fast, slow) and rsi < 75', short: 'crosses_below(fast, slow) and rsi > 25'},
      exit: {long: 'crosses_below(fast, slow)', short: 'crosses_above(fast, slow)'},
    },
  ],
]

for (const [name, first, written] of plans) {
  test(`the close loop trades as the general path: ${name}`, async () => {
    const rules = {sizing: {type: 'quantity', value: 10}, ...written} as unknown as RulesSpec
    const other = general(rules, first)
    assert.notEqual(closeLoopOf(rules), undefined, 'the plan as written takes the close loop')
    assert.equal(closeLoopOf(other), undefined, 'the rewritten plan takes the general path')
    for (const sleepDays of [1, 3]) {
      const a = await run(rules, sleepDays)
      const b = await run(other, sleepDays)
      assert.ok(a.fills.length > 20, `only ${a.fills.length} fills`)
      assert.deepEqual(a, b)
    }
  })
}

test('the close loop writes the steps out for two SMAs of the close, and only for them', () => {
  const smas = (indicators: Record<string, unknown>) => {
    const loop = closeLoopOf({indicators, entry: {long: 'crosses_above(fast, slow)'}} as unknown as RulesSpec)
    assert.ok(loop, 'the plan takes the close loop')
    return loop.smas
  }
  assert.notEqual(smas({fast: {type: 'sma', period: 5}, slow: {type: 'sma', period: 20}}), undefined)
  // An EMA, or an SMA of another series (the first two updaters: base, then fast on base), keeps the updaters' own steps.
  assert.equal(smas({fast: {type: 'sma', period: 5}, slow: {type: 'ema', period: 20}}), undefined)
  assert.equal(smas({base: {type: 'sma', period: 3}, fast: {type: 'sma', period: 5, source: 'base'}, slow: {type: 'sma', period: 20}}), undefined)
})

test('plans outside the close loop shape keep the general path', () => {
  const indicators = {fast: {type: 'sma', period: 5}, slow: {type: 'sma', period: 20}, mid: {type: 'ema', period: 9}}
  const of = (entry: Record<string, string>) => closeLoopOf({indicators, entry} as unknown as RulesSpec)
  // A condition that may hold without the crossover is judged every bar.
  assert.equal(of({long: 'crosses_above(fast, slow) or close > mid'}), undefined)
  // Two crossovers, a field other than the close, a crossover of a past value.
  assert.equal(of({long: 'crosses_above(fast, slow)', short: 'crosses_below(fast, mid)'}), undefined)
  assert.equal(of({long: 'crosses_above(fast, slow) and high > mid'}), undefined)
  assert.equal(of({long: 'crosses_above(fast, slow[1])'}), undefined)
  assert.notEqual(of({long: 'crosses_above(fast, slow) and close > mid'}), undefined)
})
