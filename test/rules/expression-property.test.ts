/**
 * Hostile and random expression strings: the result is always either located problems (an offset
 * inside the string, a message) or a strategy that runs; nothing is executed (a canary a payload
 * would flip stays unset) and nothing hangs: length and nesting are capped on the raw text
 * before the parser sees it, which the nesting test checks by what is rejected and where, not by
 * how long it took (timings belong in `npm run bench`).
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import fc from 'fast-check'
import {MAX_EXPRESSION_LENGTH, MAX_NESTING} from '../../src/rules/expr/syntax.js'
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

/** Plans `expr` and, when it compiles, runs it over 40 bars; returns the planner's errors. */
function exercise(expr: string): {message: string; offset?: number}[] {
  const rules = {indicators, entry: {long: expr}, exit: {short: expr}} as unknown as RulesSpec
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
  assert.equal(g.__botsCanary, undefined, `a payload ran: ${expr}`)
  return errors
}

test('hostile expressions are errors or harmless working conditions', () => {
  for (const expr of HOSTILE) exercise(expr)
  const plan = planRules({indicators, entry: {long: 'process.exit()'}} as unknown as RulesSpec).problems
  assert.equal(plan[0].code, 'rules.unknown_name')
})

test('deep nesting, long input and long operator chains are stopped by the caps before parsing', () => {
  const nested = new RegExp(`nested more than ${MAX_NESTING} levels deep`)
  const long = new RegExp(`longer than ${MAX_EXPRESSION_LENGTH} characters`)
  const shapes: [string, (n: number) => string][] = [
    ['brackets', (n) => '('.repeat(n) + 'close' + ')'.repeat(n) + ' > 0'],
    ['calls', (n) => 'abs('.repeat(n) + 'close' + ')'.repeat(n) + ' > 0'],
    ['unary minus', (n) => '-'.repeat(n) + 'close > 0'],
  ]
  for (const [shape, make] of shapes) {
    assert.deepEqual(exercise(make(MAX_NESTING)), [], `${shape} at the cap compile`)
    for (const n of [MAX_NESTING + 1, 100]) {
      const errors = exercise(make(n))
      assert.equal(errors.length, 2, `${shape} ×${n}: entry and exit each rejected once`)
      for (const e of errors) assert.match(e.message, nested, `${shape} ×${n}`)
    }
    for (const e of exercise(make(5000))) assert.match(e.message, long, `${shape} ×5000 is over the length cap`)
  }
  // `not` and `[0]` chains have no bracket depth to cap; under the length cap they are type or
  // offset errors, over it they never reach the parser.
  for (const expr of ['not '.repeat(400) + 'close > 0', 'close' + '[0]'.repeat(600) + ' > 0']) {
    assert.ok(expr.length <= MAX_EXPRESSION_LENGTH)
    assert.ok(exercise(expr).length > 0)
    for (const e of exercise(expr.repeat(2))) assert.match(e.message, long)
  }
  const chain = (n: number) => 'close + '.repeat(n) + 'close > 0'
  const under = Math.floor((MAX_EXPRESSION_LENGTH - 'close > 0'.length) / 'close + '.length)
  assert.ok(chain(under).length <= MAX_EXPRESSION_LENGTH && chain(under + 1).length > MAX_EXPRESSION_LENGTH)
  assert.deepEqual(exercise(chain(under)), [], 'a long left-deep chain just under the length cap compiles and runs')
  for (const e of exercise(chain(under + 1))) assert.match(e.message, long)
  for (const e of exercise(chain(under + 1))) assert.equal(e.offset, MAX_EXPRESSION_LENGTH, 'rejected at the cap, before parsing')
})

test('random token soup', () => {
  fc.assert(fc.property(fc.array(fc.constantFrom(...TOKENS), {maxLength: 40}).map((t) => t.join(' ')), (expr) => void exercise(expr)), {numRuns: 1000})
})

// Any code point (lone surrogates included), as fast-check's `unit: 'binary'`, without the
// seconds that unit spends building its tables on first use.
const anyCodePoint = fc.nat({max: 0x10ffff}).map((cp) => String.fromCodePoint(cp))

test('random strings', () => {
  fc.assert(fc.property(fc.string({maxLength: 120, unit: anyCodePoint}), (expr) => void exercise(expr)), {numRuns: 1000})
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
