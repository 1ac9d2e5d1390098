/**
 * Rules a bot cannot carry out, or that mean nothing on its bars, warned about where they are
 * written. Found by an audit, each ran without a word: `hour == 10` or `time_between` on daily
 * bars (no order ever), `entry.short` with `allow_short: false` (every entry rejected),
 * `quantity: 0.5` with no lot that small (every entry rounds to 0), and 100% of equity with a
 * commission (a third of the entries rejected, never retried). Warnings: the rules still run.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {parseYamlText} from '../../src/document/load-yaml.js'
import {validateRules} from '../../src/rules/validate-rules.js'

function warnings(text: string): Array<[string, string, number]> {
  const r = parseYamlText('spec.yaml', new TextEncoder().encode(text))
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics))
  const where = {file: 'spec.yaml', doc: r.yaml.doc, lineCounter: r.yaml.lineCounter}
  const out = validateRules((r.yaml.value.strategy as {params: unknown}).params, where, ['strategy', 'params'])
  assert.ok(out.every((d) => d.severity === 'warning'), JSON.stringify(out))
  return out.map((d) => [d.code!, d.path!, d.line!])
}

const bot = (params: string, rest = '') => `name: b
strategy:
  name: rules
  params:
${params}
symbols: [ORCL, IDX]
timeframe: 1D
${rest}`

test('the time of day on daily bars: each opens at local midnight', () => {
  assert.deepEqual(warnings(bot('    entry: {long: hour == 10 and minute < 30}')), [['rules.daily_clock', '/strategy/params/entry/long', 5], ['rules.daily_clock', '/strategy/params/entry/long', 5]])
  assert.deepEqual(warnings(bot(`    entry: {long: 'time_between("09:30", "10:00")'}`)), [['rules.daily_clock', '/strategy/params/entry/long', 5]])
  // On intraday bars it means what it says; weekday and month mean something on daily bars too.
  assert.deepEqual(warnings(bot('    entry: {long: hour == 10}').replace('timeframe: 1D', 'timeframe: 1H')), [])
  assert.deepEqual(warnings(bot('    entry: {long: weekday == 1 and month > 6}')), [])
})

test('short entries on a broker that refuses shorts', () => {
  const params = '    entry: {long: close > open, short: close < open}'
  assert.deepEqual(warnings(bot(params, 'broker: {allow_short: false}\n')), [['rules.short', '/strategy/params/entry/short', 5]])
  assert.deepEqual(warnings(bot(params)), [], 'shorts are allowed by default')
})

test('a fixed size under one unit, unless every symbol has a lot that small', () => {
  const params = '    entry: {long: close > open}\n    sizing: {type: quantity, value: 0.5}'
  const [w] = warnings(bot(params))
  assert.deepEqual(w, ['rules.sizing', '/strategy/params/sizing/value', 6])
  assert.deepEqual(warnings(bot(params, 'instruments: {ORCL: {lot_size: 0.5}, IDX: {lot_size: 0.1}}\n')), [])
  assert.equal(warnings(bot(params, 'instruments: {ORCL: {lot_size: 0.5}}\n')).length, 1, 'IDX has none')
})

test('100% of equity (or 99%) leaves no room for a gap or the commission; 95% does', () => {
  for (const value of [99, 100]) {
    assert.deepEqual(warnings(bot(`    entry: {long: close > open}\n    sizing: {type: percent_equity, value: ${value}}`)), [['rules.sizing', '/strategy/params/sizing/value', 6]])
  }
  assert.deepEqual(warnings(bot('    entry: {long: close > open}\n    sizing: {type: percent_equity, value: 95}')), [])
})

test('an indicator type written where its name belongs: the error names the indicator (found by an audit: no hint)', () => {
  const r = parseYamlText('spec.yaml', new TextEncoder().encode(bot('    indicators: {r: {type: rsi, period: 2}}\n    entry: {long: rsi < 30}')))
  if (!r.ok) throw new Error('parse')
  const [e] = validateRules((r.yaml.value.strategy as {params: unknown}).params, {file: 'spec.yaml', doc: r.yaml.doc, lineCounter: r.yaml.lineCounter}, ['strategy', 'params'])
  assert.deepEqual([e.severity, e.code], ['error', 'rules.unknown_name'])
  assert.match(e.message, /^unknown name `rsi`: that is an indicator type; the rsi of these rules is named `r`$/)
  assert.equal(e.hint, 'write `r`')
})
