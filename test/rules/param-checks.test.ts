/**
 * A strategy spec's `checks:` relate its parameters (`fast < slow`), as a plugin's `check()` does:
 * a bot's params that break one are refused, naming the param and the values; a sweep skips such
 * combinations; a check that cannot be read, or that the defaults break, is an error located
 * inside the condition. Before, a strategy spec could not refuse fast ≥ slow, and a sweep ran the
 * inverted combinations.
 */
import assert from 'node:assert/strict'
import {cpSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {compileParamChecks} from '../../src/rules/param-checks.js'
import {loadStrategySpec} from '../../src/rules/strategy-spec.js'
import {StrategyRegistry} from '../../src/strategy/registry.js'
import {parseJson, ROOT, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const declared = {
  fast: {type: 'integer', default: 10},
  slow: {type: 'integer', default: 30},
  mode: {type: 'string', default: 'long'},
  tight: {type: 'boolean', default: false},
} as const

const spec = (checks: string) => `kind: strategy
name: crossing
params:
  fast: {type: integer, default: 10, minimum: 1}
  slow: {type: integer, default: 30, minimum: 2}
checks:
${checks}
rules:
  indicators:
    f:
      type: sma
      period: \${fast}
    s:
      type: sma
      period: \${slow}
  entry:
    long: crosses_above(f, s)
  exit:
    long: crosses_below(f, s)
`

async function load(text: string) {
  const file = path.join(tempDir('bots-param-checks-'), 'crossing.yaml')
  writeFileSync(file, text)
  return {file, ...(await loadStrategySpec(file))}
}

describe('compileParamChecks', () => {
  const values = (o: Record<string, unknown>) => new Map(Object.entries({fast: 10, slow: 30, mode: 'long', tight: false, ...o}))

  it('reads parameters by name or as ${name}, with arithmetic, logic, text and `? :`', () => {
    const {compiled, problems} = compileParamChecks(
      [{condition: 'fast < slow'}, {condition: '${fast} * 2 <= ${slow}'}, {condition: 'mode == "long" or not tight'}, {condition: '(tight ? fast : slow) > 5'}],
      declared,
    )
    assert.deepEqual(problems, [])
    assert.deepEqual(compiled.map((c) => c.holds(values({}))), [true, true, true, true])
    assert.deepEqual(compiled.map((c) => c.holds(values({fast: 30, mode: 'short', tight: true}))), [false, false, false, true])
    assert.deepEqual(compiled[0].names, ['fast', 'slow'])
  })

  it('refuses, at the offending character, what is not a condition on the parameters', () => {
    const cases: Array<[string, number, RegExp]> = [
      ['fsat < slow', 0, /`fsat` is not a parameter/],
      ['fast + slow', 0, /must be true or false, and this is a number/],
      ['sma(close, 5) < slow', 0, /parameters only: no functions/],
      ['close < slow', 0, /`close` is not a parameter/],
      ['mode < 3', 7, /compares text with a number/],
      ['fast and tight', 0, /needs true\/false, and this is a number/],
      ['fast <', 6, /./],
    ]
    for (const [condition, offset, message] of cases) {
      const {problems} = compileParamChecks([{condition}], declared)
      assert.equal(problems.length, 1, condition)
      assert.equal(problems[0].offset, offset, condition)
      assert.match(problems[0].message, message, condition)
    }
    assert.equal(compileParamChecks([{condition: 'fsat < slow'}], declared).problems[0].hint, 'did you mean `fast`?')
  })
})

describe('checks in a strategy spec', () => {
  it('refuse a bot\'s params that break them, naming the first param and the values', async () => {
    const {definition, diagnostics} = await load(spec('  - condition: fast < slow\n    message: fast must be shorter than slow\n    hint: swap them'))
    assert.deepEqual(diagnostics, [])
    const registry = new StrategyRegistry()
    registry.register(definition!)
    assert.deepEqual(registry.validateParams('crossing', {fast: 5}).problems, [])
    const bad = registry.validateParams('crossing', {fast: 40}).problems
    assert.deepEqual(bad.map((p) => [p.param, p.message, p.hint]), [['fast', 'fast must be shorter than slow (fast = 40, slow = 30)', 'swap them']])
    assert.throws(() => definition!.create({fast: 40, slow: 30}), /fast must be shorter than slow/)
    // No message: the condition is said.
    const plain = (await load(spec('  - condition: fast < slow'))).definition!
    assert.equal(plain.check!({fast: 40})[0].message, '`fast < slow` does not hold (fast = 40, slow = 30)')
  })

  it('a check that cannot be read is an error at its line and column', async () => {
    const {file, definition, diagnostics} = await load(spec('  - condition: fast < slwo'))
    assert.equal(definition, undefined)
    assert.deepEqual(diagnostics.map((d) => [d.file, d.line, d.column, d.path, d.code]), [[file, 7, 23, '/checks/0/condition', 'checks.expression']])
    assert.match(diagnostics[0].message, /`slwo` is not a parameter/)
    assert.equal(diagnostics[0].hint, 'did you mean `slow`?')
  })

  it('defaults that break a check are an error', async () => {
    const {diagnostics} = await load(spec('  - condition: slow < fast'))
    assert.deepEqual(diagnostics.map((d) => [d.line, d.path, d.code]), [[7, '/checks/0/condition', 'checks.defaults']])
    assert.match(diagnostics[0].message, /defaults break this check: `slow < fast` does not hold \(slow = 30, fast = 10\)/)
  })

  it('the schema refuses a check without a condition', async () => {
    const {diagnostics} = await load(spec('  - message: no condition'))
    assert.equal(diagnostics.length, 1)
    assert.match(diagnostics[0].message, /condition/)
  })
})

describe('a sweep over a strategy spec with checks', () => {
  it('skips the combinations that break them, as it does a plugin\'s', async () => {
    const dir = tempDir('bots-param-checks-sweep-')
    cpSync(path.join(ROOT, 'examples'), dir, {recursive: true})
    const r = await runCli(['backtest', path.join(dir, 'golden-cross.yaml'), '--sweep', 'fast=100..300:100', '--sweep', 'slow=150..250:100', '--workers', '1', '--no-record', '--db', path.join(dir, 's.duckdb'), '--json'])
    assert.equal(r.code, 0, r.stderr)
    const s = parseJson<{combinations: number; runs: Array<{params: Record<string, number>}>; skipped: Array<{params: Record<string, number>; message: string}>}>(r)
    assert.equal(s.combinations, 6)
    assert.deepEqual(s.runs.map((r) => [r.params.fast, r.params.slow]).sort(), [[100, 150], [100, 250], [200, 250]])
    assert.deepEqual(s.skipped.map((k) => [k.params.fast, k.params.slow]).sort(), [[200, 150], [300, 150], [300, 250]])
    assert.match(s.skipped[0].message, /^fast: the fast SMA must be shorter than the slow one \(fast = \d+, slow = \d+\)$/)
  })
})

describe('bots strategies show', () => {
  it('lists a strategy spec\'s checks', async () => {
    const r = await runCli(['strategies', 'show', 'golden-cross', '--strategies', path.join(ROOT, 'examples/strategies'), '--json'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(parseJson<{checks: unknown}>(r).checks, [{condition: 'fast < slow', message: 'the fast SMA must be shorter than the slow one'}])
    const plugin = await runCli(['strategies', 'show', 'sma-cross', '--json'])
    assert.deepEqual(parseJson<{checks: unknown}>(plugin).checks, [])
  })
})
