/**
 * `instruments` in a bot spec (issue 15, item 5): through the real validator (schema, then the
 * located semantic check that each key is one of `symbols`), into the typed spec, and end to end:
 * test/golden/backtrader/2006-day-futures-sma15.yaml, Backtrader's futures-like strategy test
 * written as a spec with the `rules` strategy, run by the real CLI, gives Backtrader's final value
 * 12795.00 and cash 11795.00, and its fills.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import type {Diagnostic} from '../../src/core/errors.js'
import {validateSpecFile, type SpecReport} from '../../src/spec/validate-spec.js'
import {discoverStrategies, type Discovery} from '../../src/strategy/discover.js'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const dir = tempDir('bots-instruments-spec-')
let discovery: Discovery
before(async () => {
  discovery = await discoverStrategies({cwd: process.cwd()})
})

/** A valid spec with instruments; line numbers below refer to it. */
const BASE = `name: futures
strategy:
  name: sma-cross
symbols: [ES, NQ]
instruments:
  ES: {multiplier: 50, margin: 12000, tick_size: 0.25, lot_size: 1}
  NQ:
    multiplier: 20
timeframe: 1D
`

let n = 0
async function check(yaml: string): Promise<SpecReport> {
  const file = path.join(dir, `spec-${++n}.yaml`)
  writeFileSync(file, yaml)
  return validateSpecFile(file, {discovery})
}
const errors = (r: SpecReport) => r.diagnostics.filter((d) => d.severity === 'error')
const where = (d: Diagnostic) => ({line: d.line, column: d.column, path: d.path, code: d.code})

describe('instruments in a bot spec', () => {
  it('a valid spec passes and the typed spec carries the terms in camelCase, under broker.instruments', async () => {
    const r = await check(BASE)
    assert.deepEqual(r.diagnostics, [])
    assert.deepEqual(r.spec!.broker.instruments, {ES: {multiplier: 50, margin: 12000, tickSize: 0.25, lotSize: 1}, NQ: {multiplier: 20}})
  })

  it('without instruments (or with none listed) the typed spec has no instruments key: its shape and hash stay as before', async () => {
    const without = await check(BASE.replace(/instruments:\n(  .*\n)+/, ''))
    assert.deepEqual(without.diagnostics, [])
    assert.equal('instruments' in without.spec!.broker, false)
    const empty = await check(BASE.replace(/instruments:\n(  .*\n)+/, 'instruments: {}\n'))
    assert.deepEqual(empty.spec, {...without.spec, file: empty.spec!.file})
  })

  it('a symbol in instruments that is not in symbols: an error located at its key, with a did-you-mean', async () => {
    const r = await check(BASE.replace('  NQ:\n', '  NQQ:\n'))
    assert.deepEqual(errors(r).map(where), [{line: 7, column: 3, path: '/instruments/NQQ', code: 'instruments.unknown_symbol'}])
    assert.match(errors(r)[0].message, /`NQQ` in `instruments` is not one of the bot's symbols/)
    assert.equal(errors(r)[0].hint, 'did you mean `NQ`?')
    const far = await check(BASE.replace('  NQ:\n', '  CL:\n'))
    assert.deepEqual(errors(far).map(where), [{line: 7, column: 3, path: '/instruments/CL', code: 'instruments.unknown_symbol'}])
  })

  it('the schema refuses a non-positive size or margin and an unknown field, located', async () => {
    const neg = await check(BASE.replace('margin: 12000', 'margin: -5'))
    assert.equal(neg.valid, false)
    assert.deepEqual(errors(neg).map((d) => [d.line, d.path]), [[6, '/instruments/ES/margin']])
    const zero = await check(BASE.replace('tick_size: 0.25', 'tick_size: 0'))
    assert.deepEqual(errors(zero).map((d) => [d.line, d.path]), [[6, '/instruments/ES/tick_size']])
    const unknown = await check(BASE.replace('    multiplier: 20', '    mult: 20'))
    assert.equal(unknown.valid, false)
    assert.equal(errors(unknown)[0].line, 8)
    assert.match(errors(unknown)[0].path, /^\/instruments\/NQ/)
  })
})

// From Backtrader's tests/test_strategy_unoptimized.py.
const BUYEXEC = ['3643.35', '3801.03', '3872.37', '3863.57', '3845.32', '3656.43', '3542.65', '3639.65', '3799.86', '3840.20', '4047.63', '4052.55']
const SELLEXEC = ['3763.95', '3811.85', '3822.35', '3822.57', '3829.82', '3598.58', '3545.92', '3766.80', '3782.15', '3979.73', '4045.05']

describe('bots backtest of Backtrader\'s futures-like strategy test as a spec (real CLI)', () => {
  it('test/golden/backtrader/2006-day-futures-sma15.yaml: final value 12795.00, cash 11795.00, every fill', async () => {
    const db = path.join(tempDir('bots-instruments-cli-'), 'store.duckdb')
    const r = await runCli(['backtest', 'test/golden/backtrader/2006-day-futures-sma15.yaml', '--db', db, '--json', '--no-record', '--no-report'])
    assert.equal(r.code, 0, r.stderr)
    const out = parseJson(r)
    assert.equal(out.finalValue.toFixed(2), '12795.00')
    assert.equal(out.finalCash.toFixed(2), '11795.00')
    assert.deepEqual(out.fills.filter((f: any) => f.side === 'buy').map((f: any) => f.price.toFixed(2)), BUYEXEC)
    assert.deepEqual(out.fills.filter((f: any) => f.side === 'sell').map((f: any) => f.price.toFixed(2)), SELLEXEC)
    for (const f of out.fills) assert.deepEqual([f.quantity, f.commission], [1, 2])
    assert.equal(out.trades.length, 11)
    assert.equal(out.counts.rejected, 0)
  })
})
