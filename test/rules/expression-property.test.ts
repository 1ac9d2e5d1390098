/**
 * Hostile and random expression strings: the result is always either located problems (an offset
 * inside the string, a message) or a strategy that runs; nothing is executed (a canary a payload
 * would flip stays unset) and nothing hangs (length and nesting are capped before parsing).
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import fc from 'fast-check'
import {planRules} from '../../src/rules/plan.js'
import {SymbolRuntime} from '../../src/rules/runtime/symbol-runtime.js'
import type {RulesSpec} from '../../src/rules/rules-types.js'

const g = globalThis as unknown as {__botsCanary?: boolean}

const HOSTILE = [
  'process.exit()', 'process.exit(1)', 'constructor', '__proto__', 'close.__proto__', 'fast.constructor', 'this', 'this.constructor',
  'constructor.constructor("globalThis.__botsCanary = true")()', 'close.constructor.constructor("globalThis.__botsCanary = true")()',
  '`${globalThis.__botsCanary = true}`', 'globalThis.__botsCanary = true', '(globalThis.__botsCanary = true)', 'new Function("globalThis.__botsCanary = true")()',
  'eval("globalThis.__botsCanary = true")', 'require("fs")', 'import("fs")', 'x => 1', '() => 1', '[1, 2][0]', '{}', 'a; b', 'close, open',
  'close[-1] > 0', 'close[fast] > 0', 'close[1.5] > 0', 'close[100000000] > 0', '1e999 > close', '-1e308 * 1e308 > 0', 'close ** 2 > 0', 'close | 1',
  'close and 3', 'not close', 'close > 1 > 0', '"09:30" > 1', 'time_between(9, 10)', 'time_between("25:00", "10:00")', 'crosses_above(close)', 'abs()',
  'close ?. x', 'close?.x', 'fast.value', 'null', 'undefined', 'NaN', 'Infinity > 0', 'close === close', '$x', '${x}', '${fast}', '\\u0063lose > 0',
  "'\\x63' > 0", 'close\n> open', 'hour >= 9 and minute < 30', 'crosses_above(fast, slow) or crosses_below(fast, slow)', '((((((((close))))))) > 0',
]

const TOKENS = ['close', 'open', 'fast', 'slow', 'rsi', 'macd.signal', 'hour', 'weekday', 'constructor', '__proto__', 'process', 'this', 'new', 'eval',
  'crosses_above', 'time_between', 'abs', 'min', '1', '0', '-1', '1e308', '3.5', '"09:30"', "'x'", '`', '(', ')', '[', ']', ',', '.', '?', ':', ';',
  '=', '==', '=>', '+', '-', '*', '/', '%', '<', '>=', 'and', 'or', 'not', '!', '&&', '${', '}', ' ', '\\']

const indicators = {
  fast: {type: 'sma', period: 3},
  slow: {type: 'ema', period: 5},
  rsi: {type: 'rsi', period: 3},
  macd: {type: 'macd', fast: 2, slow: 4, signal: 2},
}

function exercise(expr: string): void {
  const rules = {indicators, entry: {long: expr}, exit: {short: expr}} as unknown as RulesSpec
  const t0 = performance.now()
  const r = planRules(rules, new Map([['level', 30]]))
  const errors = r.problems.filter((p) => p.severity !== 'warning')
  if (r.plan) {
    assert.equal(errors.length, 0)
    const rt = new SymbolRuntime(r.plan, 'America/New_York')
    for (let i = 0; i < 40; i++) {
      const c = 100 + Math.sin(i) * 5
      rt.beginIteration()
      rt.pushBar(c - 1, c + 2, c - 2, c, 1000, i * 3_600_000)
      const v = rt.entryLong!()
      assert.ok(typeof v === 'number' && (v === 1 || v === 0 || Number.isNaN(v)), `condition gave ${v}`)
    }
  } else {
    assert.ok(errors.length > 0, 'no plan and no error')
    for (const p of errors) {
      assert.ok(typeof p.message === 'string' && p.message.length > 0)
      if (p.offset !== undefined) assert.ok(p.offset >= 0 && p.offset <= expr.length, `offset ${p.offset} outside ${JSON.stringify(expr)}`)
    }
  }
  assert.ok(performance.now() - t0 < 1000, `took ${performance.now() - t0} ms: ${JSON.stringify(expr).slice(0, 80)}`)
  assert.equal(g.__botsCanary, undefined, `a payload ran: ${expr}`)
}

test('hostile expressions are errors or harmless working conditions', () => {
  for (const expr of HOSTILE) exercise(expr)
  const plan = planRules({indicators, entry: {long: 'process.exit()'}} as unknown as RulesSpec).problems
  assert.equal(plan[0].code, 'rules.unknown_name')
})

test('deep nesting, long input and long operator chains are rejected or handled quickly', () => {
  for (const n of [10, 33, 100, 5000]) {
    exercise('('.repeat(n) + 'close' + ')'.repeat(n) + ' > 0')
    exercise('close' + '[0]'.repeat(n) + ' > 0')
    exercise('-'.repeat(n) + 'close > 0')
    exercise('not '.repeat(n) + 'close > 0')
    exercise('abs('.repeat(n) + 'close' + ')'.repeat(n) + ' > 0')
  }
  exercise('close + '.repeat(249) + 'close > 0') // just under the length cap, a long left-deep chain
  exercise('close + '.repeat(400) + 'close > 0') // over it
})

test('random token soup', () => {
  fc.assert(fc.property(fc.array(fc.constantFrom(...TOKENS), {maxLength: 40}).map((t) => t.join(' ')), (expr) => exercise(expr)), {numRuns: 3000})
})

test('random strings', () => {
  fc.assert(fc.property(fc.string({maxLength: 120, unit: 'binary'}), (expr) => exercise(expr)), {numRuns: 2000})
})

test('valid random conditions compile and run', () => {
  const num = fc.letrec((tie) => ({
    n: fc.oneof({depthSize: 'small'}, fc.constantFrom('close', 'open', 'fast', 'slow[2]', 'rsi', 'macd.signal', 'macd_histogram', 'level', '${level}', '3', '0.5'), fc.tuple(tie('n'), fc.constantFrom('+', '-', '*', '/'), tie('n')).map(([a, o, b]) => `(${a} ${o} ${b})`)),
  })).n
  const cond = fc.tuple(num, fc.constantFrom('<', '>', '<=', '>=', '==', '!='), num).map(([a, o, b]) => `${a} ${o} ${b}`)
  const expr = fc.array(cond, {minLength: 1, maxLength: 4}).map((cs) => cs.join(' and '))
  fc.assert(fc.property(expr, (e) => {
    const r = planRules({indicators, entry: {long: e}} as unknown as RulesSpec, new Map([['level', 30]]))
    assert.ok(r.plan, JSON.stringify(r.problems))
    exercise(e)
  }), {numRuns: 500})
})
