/**
 * Located diagnostics: every kind of rules problem lands on the right line and column of the YAML,
 * inside the expression string for expression errors (plain, single- and double-quoted scalars).
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {parseYamlText} from '../../src/document/load-yaml.js'
import type {Located} from '../../src/document/schema-validator.js'
import {validateRules} from '../../src/rules/validate-rules.js'
import {validateStrategySpec} from '../../src/rules/strategy-spec.js'

function load(text: string): {where: Located; value: Record<string, any>} {
  const r = parseYamlText('spec.yaml', new TextEncoder().encode(text))
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics))
  return {where: {file: 'spec.yaml', doc: r.yaml.doc, lineCounter: r.yaml.lineCounter}, value: r.yaml.value}
}

/** 1-based line and column of the first occurrence of `needle` (after `skip` characters) in `text`. */
function at(text: string, needle: string, skip = 0): {line: number; column: number} {
  const i = text.indexOf(needle, skip)
  assert.ok(i >= 0, `${needle} not in text`)
  const before = text.slice(0, i).split('\n')
  return {line: before.length, column: before[before.length - 1].length + 1}
}

const STRATEGY = `kind: strategy
name: demo
params:
  fast: {type: integer, default: 10, minimum: 1}
  level: {type: number, default: 30}
rules:
  indicators:
    fast_ma: {type: sma, period: "\${fast}"}
    slow_ma: {type: sma, period: 30}
  entry:
    long: crosses_above(fast_ma, slow_mx) and close > level
    short: "close[-1] > close"
  exit:
    long: 'fast_ma < slow_ma or hour >= 25 and volume'
`

test('strategy spec: unknown name, look-ahead and a type error, each inside its string', () => {
  const {where, value} = load(STRATEGY)
  const ds = validateStrategySpec(value, where)
  const byCode = (code: string) => ds.filter((d) => d.code === code)
  const unknown = byCode('rules.unknown_name')[0]
  assert.deepEqual({line: unknown.line, column: unknown.column}, at(STRATEGY, 'slow_mx'))
  assert.equal(unknown.hint, 'did you mean `slow_ma`?')
  assert.equal(unknown.path, '/rules/entry/long')
  const ahead = byCode('rules.lookahead')[0]
  assert.deepEqual({line: ahead.line, column: ahead.column}, at(STRATEGY, '-1]'))
  const type = byCode('rules.type')[0]
  assert.deepEqual({line: type.line, column: type.column}, at(STRATEGY, 'volume'))
  assert.equal(ds.length, 3)
})

test('strategy spec: valid with defaults; a bad default and a reserved parameter name are located', () => {
  const ok = STRATEGY.replace('slow_mx', 'slow_ma').replace('close[-1]', 'close[1]').replace(' and volume', '')
  assert.deepEqual(validateStrategySpec(load(ok).value, load(ok).where), [])
  const bad = ok.replace('default: 10, minimum: 1', 'default: 0, minimum: 1').replace('  level:', '  close:').replace('> level', '> close')
  const {where, value} = load(bad)
  const ds = validateStrategySpec(value, where)
  assert.deepEqual(ds.map((d) => [d.code, d.line, d.column]), [
    ['params.default', ...Object.values(at(bad, '0, minimum'))],
    ['params.reserved', ...Object.values(at(bad, 'close: {type'))],
  ])
})

test('indicator problems: unknown parameter key, missing period, bad period, unknown source, cycle', () => {
  const text = `rules:
  indicators:
    a: {type: sma, peroid: 3}
    b: {type: ema, period: 2.5}
    c: {type: rsi, source: closs}
    d: {type: sma, period: 3, source: e}
    e: {type: ema, period: 3, source: d}
    f: {type: atr, source: close}
  entry: {long: close > 1}
`
  const {where, value} = load(text)
  const ds = validateRules(value.rules, where, ['rules'])
  const find = (code: string, path: string) => ds.find((d) => d.code === code && d.path === path)
  const key = find('rules.indicator_param', '/rules/indicators/a/peroid')!
  assert.deepEqual([key.line, key.column, key.hint], [3, 20, 'did you mean `period`?'])
  assert.ok(find('rules.indicator_param', '/rules/indicators/a'), 'missing period')
  assert.deepEqual([find('rules.indicator_param', '/rules/indicators/b/period')!.line], [4])
  assert.equal(find('rules.source', '/rules/indicators/c/source')!.hint, 'did you mean `close`?')
  const cycle = ds.find((d) => d.code === 'rules.cycle')!
  assert.match(cycle.message, /d → e → d|e → d → e/)
  assert.ok(find('rules.indicator_param', '/rules/indicators/f/source'), 'atr takes no source')
})

test('inline rules in a bot spec are located under strategy.params', () => {
  const text = `name: bot
strategy:
  name: rules
  params:
    indicators:
      rsi14: {type: rsi, period: 14}
    entry:
      long: "rsi14 < 30 and process.exit()"
    exit:
      long: rsi14 > \${high}
symbols: [X]
timeframe: 1D
`
  const {where, value} = load(text)
  const ds = validateRules(value.strategy.params, where, ['strategy', 'params'])
  assert.deepEqual(ds.map((d) => [d.code, d.path, d.line, d.column]), [
    ['rules.unknown_name', '/strategy/params/entry/long', ...Object.values(at(text, 'process'))],
    ['rules.unknown_param', '/strategy/params/exit/long', ...Object.values(at(text, '${high}'))],
  ])
})

test('stops, sizing and time zone problems', () => {
  const text = `rules:
  entry: {long: close > open}
  sizing: {type: cash, value: -5}
  stop_loss: {percent: 2, atr: 3}
  take_profit: {atr: 2, atr_period: 0}
  timezone: Mars/Olympus
`
  const {where, value} = load(text)
  const codes = validateRules(value.rules, where, ['rules']).map((d) => [d.code, d.path])
  assert.deepEqual(codes, [
    ['rules.sizing', '/rules/sizing/value'],
    ['rules.stop', '/rules/stop_loss/atr'],
    ['rules.stop', '/rules/take_profit/atr_period'],
    ['rules.timezone', '/rules/timezone'],
  ])
})

test('an error inside a folded block scalar points at its own token on its own line (document/scalar-offsets.ts maps the folded text onto the source)', () => {
  const text = `rules:
  entry:
    long: >-
      close > open
      and clsoe > 1
`
  const {where, value} = load(text)
  const [d] = validateRules(value.rules, where, ['rules'])
  assert.equal(d.code, 'rules.unknown_name')
  assert.deepEqual([d.line, d.column], [5, 11]) // `clsoe`
})
