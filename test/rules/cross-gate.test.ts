/**
 * The crossover gate (cross-gate.ts): which conditions it may skip, and that skipping them changes
 * no trade. A condition `or`-ed with `close != close` (never true on a fed bar) means the same but
 * is not gated, so the two runs below differ only in whether the trader judged every bar.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'
import {barsFromRows} from '../../src/core/bars.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import {crossNeeds} from '../../src/rules/expr/cross-gate.js'
import {planRules} from '../../src/rules/plan.js'
import type {RulesSpec} from '../../src/rules/rules-types.js'
import {zigzagWalk} from './zigzag-walk.js'

const DAY = 86_400_000
const indicators = {fast: {type: 'sma', period: 5}, slow: {type: 'sma', period: 20}, mid: {type: 'ema', period: 10}}

function needsOf(expr: string) {
  const {plan, problems} = planRules({indicators, entry: {long: expr}} as unknown as RulesSpec)
  assert.ok(plan, JSON.stringify(problems))
  return crossNeeds(plan.entryLong!)
}

test('a condition is gated by the crossovers it cannot be true without', () => {
  assert.deepEqual(needsOf('crosses_above(fast, slow)'), [{slot: 0, dir: 1}])
  assert.deepEqual(needsOf('crosses_below(fast, slow) and close > 10'), [{slot: 0, dir: -1}])
  assert.deepEqual(needsOf('close > 10 and crosses_below(fast, slow)'), [{slot: 0, dir: -1}])
  assert.deepEqual(needsOf('crosses_above(fast, slow) or crosses_below(fast, mid)'), [{slot: 0, dir: 1}, {slot: 1, dir: -1}])
  assert.equal(needsOf('crosses_above(fast, slow) or close > 10'), undefined)
  assert.equal(needsOf('not crosses_below(fast, slow)'), undefined)
  assert.equal(needsOf('close > slow'), undefined)
})

async function fills(params: Record<string, unknown>, sleepDays: number) {
  const broker = {cash: 1_000_000, commission: {perShare: 0, percent: 0.1, fixed: 0, minimum: 0}, slippageBps: 0, allowShort: true, fillPrice: 'next_open' as const}
  const spec = {symbols: ['X'], timeframeMs: DAY, sleeptimeMs: sleepDays * DAY, broker}
  const result = await runBacktest({spec, bars: barsFromRows('X', DAY, zigzagWalk(800, 7, 9)), definition: (await import('../../src/rules/rules-strategy.js')).rulesStrategy(), params, calendar: createCalendar('24/7')})
  return {fills: result.fills.map((f) => [f.side, f.quantity, f.price, f.time]), equity: [...result.equity.value]}
}

test('skipping the bars where no crossover fired changes no fill and no equity value', async () => {
  const never = ' or close != close'
  const gated = {
    indicators,
    entry: {long: 'crosses_above(fast, slow)', short: 'crosses_below(fast, mid) and close < slow'},
    exit: {long: 'crosses_below(fast, slow)', short: 'crosses_above(fast, mid) or crosses_above(fast, slow)'},
    sizing: {type: 'quantity', value: 10},
  }
  const ungated = {
    ...gated,
    entry: {long: gated.entry.long + never, short: gated.entry.short + never},
    exit: {long: gated.exit.long + never, short: gated.exit.short + never},
  }
  for (const sleepDays of [1, 3]) {
    const a = await fills(gated, sleepDays)
    const b = await fills(ungated, sleepDays)
    assert.ok(a.fills.length > 20, `only ${a.fills.length} fills`)
    assert.deepEqual(a, b)
  }
})
