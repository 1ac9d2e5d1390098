/**
 * Multi-timeframe rules: located errors (issue 15, item 3). A higher timeframe that is not longer
 * than the bot's, not a whole multiple of it, or not a timeframe at all is an error at the exact
 * line and column — inside the expression for `close@…`, at the value for `timeframe:`. Also the
 * other misuses: `@` after an indicator, a source on another timeframe, warm-up in bot bars.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {parseYamlText} from '../../src/document/load-yaml.js'
import type {Located} from '../../src/document/schema-validator.js'
import {planRules} from '../../src/rules/plan.js'
import type {RulesSpec} from '../../src/rules/rules-types.js'
import {validateRules} from '../../src/rules/validate-rules.js'

function load(text: string): {where: Located; value: Record<string, any>} {
  const r = parseYamlText('bot.yaml', new TextEncoder().encode(text))
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics))
  return {where: {file: 'bot.yaml', doc: r.yaml.doc, lineCounter: r.yaml.lineCounter}, value: r.yaml.value}
}

function at(text: string, needle: string): {line: number; column: number} {
  const i = text.indexOf(needle)
  assert.ok(i >= 0, `${needle} not in text`)
  const before = text.slice(0, i).split('\n')
  return {line: before.length, column: before[before.length - 1].length + 1}
}

const bot = (indicators: string, entry: string, timeframe = '5M') => `name: mtf
symbols: [IDX]
timeframe: ${timeframe}
strategy:
  name: rules
  params:
    indicators:
${indicators}
    entry:
      long: ${entry}
`

function problemsOf(text: string) {
  const {where, value} = load(text)
  return validateRules(value.strategy.params, where, ['strategy', 'params'])
}

test('a valid multi-timeframe bot has no problems', () => {
  const text = bot('      d_sma: {type: sma, period: 5, timeframe: 1D}\n      h_rsi: {type: rsi, timeframe: 1H}', 'close@1D > d_sma and close@1D[1] < close@1d and high@24H > 0 and h_rsi > 50 and close@1W > 0')
  assert.deepEqual(problemsOf(text), [])
})

test('`close@1M` on a 5-minute bot: not longer, located at the timeframe inside the expression', () => {
  const text = bot('      d_sma: {type: sma, period: 5, timeframe: 1D}', 'close > 0 and close@1M > d_sma')
  const [p, ...rest] = problemsOf(text)
  assert.equal(rest.length, 0)
  assert.equal(p.code, 'rules.timeframe')
  assert.match(p.message, /1M is not longer than the bot's timeframe 5M/)
  assert.deepEqual({line: p.line, column: p.column}, at(text, '1M >'))
  assert.equal(p.path, '/strategy/params/entry/long')
})

test('`close@5M` on a 5-minute bot is not a higher timeframe either', () => {
  const [p] = problemsOf(bot('      x: {type: sma, period: 5}', 'close@5M > x'))
  assert.match(p.message, /5M is not longer than the bot's timeframe 5M/)
})

test('`close@7M` and `timeframe: 7M` on a 5-minute bot: not a whole multiple, located', () => {
  const text = bot('      h: {type: sma, period: 5, timeframe: 7M}', 'close@7M > h')
  const problems = problemsOf(text)
  assert.equal(problems.length, 2)
  const ind = problems.find((p) => p.path.endsWith('/timeframe'))!
  assert.match(ind.message, /7M is not a whole multiple of the bot's timeframe 5M/)
  assert.deepEqual({line: ind.line, column: ind.column}, at(text, '7M}'))
  assert.match(ind.hint ?? '', /10M, 15M, 1H, 1D/)
  const expr = problems.find((p) => p.path.endsWith('/entry/long'))!
  assert.match(expr.message, /not a whole multiple/)
  assert.deepEqual({line: expr.line, column: expr.column}, at(text, '7M > h'))
})

test('a smaller indicator timeframe than the bot: located at its value', () => {
  const text = bot('      d: {type: sma, period: 5, timeframe: 1H}', 'close > d', '1D')
  const [p] = problemsOf(text)
  assert.equal(p.path, '/strategy/params/indicators/d/timeframe')
  assert.match(p.message, /1H is not longer than the bot's timeframe 1D/)
  assert.deepEqual({line: p.line, column: p.column}, at(text, '1H}'))
})

test('an unknown `@` suffix: located just after the @, with a hint', () => {
  const text = bot('      x: {type: sma, period: 5}', 'x > 0 and close@daily > 1')
  const [p, ...rest] = problemsOf(text)
  assert.equal(rest.length, 0)
  assert.equal(p.code, 'rules.timeframe')
  assert.equal(p.message, 'unknown timeframe `@daily`')
  assert.match(p.hint ?? '', /close@1D/)
  assert.deepEqual({line: p.line, column: p.column}, at(text, 'daily'))
})

test('`@` after an indicator or an unknown name, a bad `timeframe:` value, a bare `@`', () => {
  const ind = problemsOf(bot('      x: {type: sma, period: 5}', 'x@1D > 1'))
  assert.match(ind[0].message, /`x` is an indicator; `@` applies to bar fields/)
  assert.match(ind[0].hint ?? '', /timeframe: 1D/)
  const typo = problemsOf(bot('      x: {type: sma, period: 5}', 'x > 0 and clse@1D > 1'))
  assert.match(typo[0].message, /`@` must follow a bar field, not `clse`/)
  assert.match(typo[0].hint ?? '', /close/)
  const value = problemsOf(bot('      x: {type: sma, period: 5, timeframe: daily}', 'x > 0'))
  assert.equal(value[0].message, 'unknown timeframe "daily"')
  const bare = problemsOf(bot('      x: {type: sma, period: 5}', 'x > 0 and close@ > 1'))
  assert.equal(bare[0].message, 'unknown timeframe `@`')
  const member = problemsOf(bot('      x: {type: sma, period: 5}', 'x > 0 and close@1D.upper > 1'))
  assert.equal(member.length, 1)
})

test('an indicator computed on another one of a different timeframe is an error; a bar field source follows the timeframe', () => {
  const mixed = problemsOf(bot('      d: {type: sma, period: 5, timeframe: 1D}\n      e: {type: ema, period: 3, source: d}', 'e > 0'))
  assert.equal(mixed[0].path, '/strategy/params/indicators/e/source')
  assert.match(mixed[0].message, /`e` is computed on the bot's bars but its source `d` on 1D bars/)
  const named = problemsOf(bot('      d: {type: sma, period: 5, source: close@1D}', 'd > 0'))
  assert.match(named[0].message, /`source` cannot name a timeframe/)
  assert.match(named[0].hint ?? '', /timeframe: 1D.*source: close/)
  const {plan} = planRules({indicators: {d: {type: 'sma', period: 5, source: 'high', timeframe: '1D'}, a: {type: 'atr', timeframe: '1H'}}, entry: {long: 'd > a'}} as RulesSpec)
  assert.equal(plan!.indicators.find((i) => i.name === 'd')!.source, 'high@1D')
  assert.deepEqual(plan!.timeframes.map((t) => t.text), ['1H', '1D'])
})

test('warm-up counts higher bars in bot bars, conservatively', () => {
  const rules = {indicators: {d: {type: 'sma', period: 5, timeframe: '1D'}}, entry: {long: 'close@1D[2] > d'}} as RulesSpec
  // d needs 5 daily bars, close@1D[2] 3; one more for a partial first day; 288 five-minute bars a day.
  assert.equal(planRules(rules, new Map(), {timeframeMs: 5 * 60_000}).plan!.warmup, 6 * 288)
  // Timeframe unknown: as if the bot had 1-minute bars.
  assert.equal(planRules(rules).plan!.warmup, 6 * 1440)
  const plain = planRules({indicators: {d: {type: 'sma', period: 5}}, entry: {long: 'close > d'}} as RulesSpec, new Map(), {timeframeMs: 5 * 60_000})
  assert.equal(plain.plan!.warmup, 5)
})

test('the timeframe can be a parameter: `timeframe: ${htf}`, `close@${htf}`, `close@htf`', () => {
  const rules = {indicators: {d: {type: 'sma', period: 5, timeframe: '${htf}'}}, entry: {long: 'close@${htf} > d and close@htf[1] > 0'}} as RulesSpec
  const {plan, problems} = planRules(rules, new Map([['htf', '1D']]), {timeframeMs: 5 * 60_000})
  assert.deepEqual(problems, [])
  assert.deepEqual([...plan!.depth.keys()].sort(), ['close@1D', 'd'])
  assert.equal(plan!.depth.get('close@1D'), 1)
  const bad = planRules(rules, new Map([['htf', '1M']]), {timeframeMs: 5 * 60_000}).problems
  assert.equal(bad.length, 3)
  assert.ok(bad.every((p) => /1M is not longer than the bot's timeframe 5M/.test(p.message)))
  const unknown = planRules({entry: {long: 'close@${tf} > 0'}} as RulesSpec).problems
  assert.match(unknown[0].message, /unknown parameter `tf`/)
  assert.equal(unknown[0].offset, 6)
})
