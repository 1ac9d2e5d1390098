/**
 * SymbolRuntime.feedCloses, the loop that feeds a plan reading only the close, against pushBar,
 * the general path: the same crossover slots, indicator values and condition values after every
 * iteration, with bars missing (NaN closes) and several bars per iteration.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {planRules} from '../../src/rules/plan.js'
import {SymbolRuntime} from '../../src/rules/runtime/symbol-runtime.js'
import type {RulesSpec} from '../../src/rules/rules-types.js'

test('feedCloses gives what pushBar gives, bar for bar', () => {
  const rules = {
    indicators: {fast: {type: 'sma', period: 3}, slow: {type: 'ema', period: 8}, rsi: {type: 'rsi', period: 4}},
    entry: {long: 'crosses_above(fast, slow) and rsi < 80', short: 'crosses_below(fast, slow)'},
    exit: {long: 'crosses_below(fast, slow[1])'},
  } as unknown as RulesSpec
  const {plan, problems} = planRules(rules)
  assert.ok(plan, JSON.stringify(problems))
  const looped = new SymbolRuntime(plan, 'UTC')
  const general = new SymbolRuntime(plan, 'UTC')
  assert.equal(looped.closeOnly, true)
  const close = Float64Array.from({length: 300}, (_, i) => (i % 17 === 5 ? NaN : 100 + Math.sin(i / 4) * 6 + Math.sin(i * 1.7)))
  let crossings = 0
  for (let from = 0, step = 1; from < close.length; from += step, step = (step % 4) + 1) {
    const to = Math.min(close.length, from + step)
    looped.beginIteration()
    general.beginIteration()
    const count = looped.feedCloses(close, from, to)
    let expected = 0
    for (let i = from; i < to; i++) {
      if (close[i] !== close[i]) continue
      general.pushBar(NaN, NaN, NaN, close[i], NaN, NaN)
      expected++
    }
    assert.equal(count, expected)
    assert.deepEqual([...looped.crosses], [...general.crosses])
    for (const key of ['close', 'fast', 'slow', 'rsi']) assert.ok(Object.is(looped.ring(key).at(0), general.ring(key).at(0)), key)
    for (const c of ['entryLong', 'entryShort', 'exitLong'] as const) {
      assert.ok(Object.is(looped[c]!(), general[c]!()), c)
      // The gate (cross-gate.ts) never hides a true condition.
      if (looped[c]!() === 1) assert.ok(looped.conditionsMayHold(), c)
    }
    assert.equal(looped.conditionsMayHold(), general.conditionsMayHold())
    if (looped.conditionsMayHold()) crossings++
  }
  assert.ok(crossings > 3, `only ${crossings} iterations with a crossing`)
})
