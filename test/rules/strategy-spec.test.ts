/**
 * Strategy specs as definitions: params schema from the declarations, bot params overriding the
 * defaults and filling `${name}` placeholders (numbers, offsets, sources, inside expressions),
 * `check` naming the param and the strategy file's line, and files that are not strategy specs.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {test} from 'node:test'
import {StrategyRegistry} from '../../src/strategy/registry.js'
import {loadStrategySpec} from '../../src/rules/strategy-spec.js'
import {planRules} from '../../src/rules/plan.js'
import {tempDir} from '../helpers/tmp.js'

const SPEC = `kind: strategy
name: breakout
description: Channel breakout.
params:
  lookback: {type: integer, default: 20, minimum: 1}
  lag: {type: integer, default: 1, minimum: 0}
  field: {type: string, default: high, enum: [high, close]}
  margin: {type: number}
rules:
  indicators:
    top:
      type: highest
      period: \${lookback}
      source: \${field}
  entry:
    long: close > top[\${lag}] * (1 + margin / 100)
  exit:
    long: close < top[lag] * 0.9
`

async function load(text: string) {
  const dir = tempDir('bots-rules-spec-')
  const file = path.join(dir, 'breakout.yaml')
  writeFileSync(file, text)
  return {file, ...(await loadStrategySpec(file))}
}

test('params schema: declarations, defaults, and required when there is no default', async () => {
  const {definition, diagnostics} = await load(SPEC)
  assert.deepEqual(diagnostics, [])
  const registry = new StrategyRegistry()
  registry.register(definition!)
  const missing = registry.validateParams('breakout', {})
  assert.equal(missing.problems[0].ajv?.keyword, 'required')
  const ok = registry.validateParams('breakout', {margin: 0.5, lookback: 10})
  assert.deepEqual(ok.problems, [])
  assert.deepEqual(ok.params, {margin: 0.5, lookback: 10, lag: 1, field: 'high'})
  assert.equal(definition!.warmup!(ok.params), 11)
  assert.equal(registry.validateParams('breakout', {margin: 1, field: 'low'}).problems[0].ajv?.keyword, 'enum')
})

test('a problem caused by a bot param names the param and the line in the strategy file', async () => {
  const {definition, file} = await load(SPEC.replace('lag: {type: integer, default: 1, minimum: 0}', 'lag: {type: integer, default: 1}'))
  const problems = definition!.check!({margin: 1, lookback: 20, lag: -2, field: 'high'})
  assert.equal(problems.length, 2)
  assert.match(problems[0].message, /would read a future bar/)
  assert.ok(problems[0].message.includes(`${file}:16:`), problems[0].message)
  const zero = definition!.check!({margin: 1, lookback: 0, lag: 1, field: 'high'})
  assert.equal(zero[0].param, 'lookback')
})

test('placeholders are substituted everywhere (period, source, offsets, inside expressions)', () => {
  const rules = {
    indicators: {top: {type: 'highest', period: '${n}', source: '${src}'}},
    entry: {long: 'close > top[${lag}] + k'},
    sizing: {type: 'quantity', value: '${qty}'},
  }
  const r = planRules(rules as never, new Map<string, unknown>([['n', 5], ['src', 'close'], ['lag', 2], ['k', 1], ['qty', 3]]))
  assert.deepEqual(r.problems, [])
  assert.equal(r.plan!.indicators[0].params.period, 5)
  assert.equal(r.plan!.indicators[0].source, 'close')
  assert.equal(r.plan!.depth.get('top'), 2)
  assert.deepEqual(r.plan!.sizing, {type: 'quantity', value: 3})
  const bad = planRules(rules as never, new Map<string, unknown>([['n', 'five'], ['src', 'close'], ['lag', 2], ['k', true], ['qty', 3]]))
  assert.deepEqual(bad.problems.map((p) => p.code), ['rules.type', 'rules.type'])
})

test('a file that is not a strategy spec, and a schema error, are located diagnostics', async () => {
  const notSpec = await load('name: x\nstrategy: {name: rules}\n')
  assert.equal(notSpec.diagnostics[0].code, 'spec.kind')
  const schema = await load(SPEC.replace('type: highest', 'type: highst'))
  assert.equal(schema.definition, undefined)
  assert.equal(schema.diagnostics[0].code, 'schema.enum')
  assert.equal(schema.diagnostics[0].line, 12)
})

test('strategy specs in a folder: valid ones become definitions, broken ones are reported', async () => {
  const {discoverStrategies} = await import('../../src/strategy/discover.js')
  const dir = tempDir('bots-rules-folder-')
  writeFileSync(path.join(dir, 'breakout.yaml'), SPEC)
  writeFileSync(path.join(dir, 'broken.yml'), SPEC.replace('name: breakout', 'name: broken').replace('close > top', 'close >> top'))
  writeFileSync(path.join(dir, 'notes.txt'), 'not a spec')
  const r = await discoverStrategies({cwd: tempDir('bots-rules-cwd-'), env: {}, extra: [dir]})
  assert.equal(r.registry.get('breakout').source, path.join(dir, 'breakout.yaml'))
  assert.equal(r.registry.has('broken'), false)
  const problems = r.problems.filter((p) => p.file.startsWith(dir))
  assert.deepEqual(problems.map((p) => path.basename(p.file)), ['broken.yml'])
  assert.match(problems[0].message, /broken\.yml:16:\d+ error/)
})
