/**
 * The `rules` indicators ported from Backtrader (issue 15, item 1), each against the checkpoint
 * values of its own test (mementum/backtrader tests/test_ind_*.py: `chkvals`, `chkmin`,
 * `chkargs`) on its 2006 daily sample data, to 1e-6; each one's warm-up is Backtrader's minimum
 * period. Default parameters unless the Backtrader test passes `chkargs`.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {parseYamlText} from '../../src/document/load-yaml.js'
import {loadSchema} from '../../src/document/schema-files.js'
import {INDICATOR_TYPES, indicatorKind} from '../../src/rules/indicators/catalog.js'
import {validateStrategySpec} from '../../src/rules/strategy-spec.js'
import {readCsvBars, dataFile} from '../helpers/read-csv-bars.js'
import {checkBacktraderCase, checkpoints, type BacktraderCase} from './backtrader-checkpoints.js'

const bars = readCsvBars(dataFile('2006-day-001.txt'), {symbol: 'X', timeframeMs: 86_400_000})

const CASES: BacktraderCase[] = [
  {type: 'dema', params: {}, minperiod: 59, expected: [['4115.563246', '3852.837209', '3665.728415']], from: 'test_ind_dema.py'},
  {type: 'tema', params: {}, minperiod: 88, expected: [['4113.721705', '3862.386854', '3832.691054']], from: 'test_ind_tema.py'},
  {type: 'smma', params: {}, minperiod: 30, expected: [['4021.569725', '3644.444667', '3616.427648']], from: 'test_ind_smma.py'},
  {type: 'zlema', params: {}, minperiod: 44, expected: [['4125.487746', '3778.694000', '3620.284712']], from: 'test_ind_zlema.py'},
  {type: 'hma', params: {}, minperiod: 34, expected: [['4135.661250', '3736.429214', '3578.389024']], from: 'test_ind_hma.py'},
  {type: 'kama', params: {}, minperiod: 31, expected: [['4054.187922', '3648.549000', '3592.979190']], from: 'test_ind_kama.py'},
]

test('the sample data is the 255 bars Backtrader tests on', () => {
  assert.equal(bars.length, 255)
  assert.deepEqual(checkpoints(255, 30), [254, 29, 141])
})

/** Defaults as the catalogue declares them, with the case's own parameters over them. */
function withDefaults(type: string, params: Record<string, number>): Record<string, number> {
  const kind = indicatorKind(type)!
  const p: Record<string, number> = {}
  for (const [name, spec] of Object.entries(kind.params)) p[name] = params[name] ?? spec.default ?? NaN
  return p
}

for (const c of CASES) {
  test(`${c.type} matches Backtrader (${c.from})`, () => {
    const kind = indicatorKind(c.type)
    assert.ok(kind, `${c.type} is in the catalogue`)
    checkBacktraderCase(c, bars, kind.warmup(withDefaults(c.type, c.params)))
  })
}

/** A strategy spec that declares the indicator with every parameter spelled out and reads every output. */
function specUsing(type: string): string {
  const kind = indicatorKind(type)!
  const params = Object.entries(kind.params).map(([n, p]) => `, ${n}: ${p.default ?? 14}`).join('')
  const reads = kind.outputs.map((o, i) => (i === 0 ? 'ind' : `ind.${o}`))
  return `kind: strategy
name: uses-${type}
rules:
  indicators:
    ind: {type: ${type}${params}}
  entry:
    long: "${reads.map((r) => `${r} > ${r}[1]`).join(' and ')}"
  exit:
    long: "close < open"
`
}

for (const c of CASES) {
  test(`${c.type} can be declared in a strategy spec (schema, parameters, outputs)`, () => {
    const r = parseYamlText('spec.yaml', new TextEncoder().encode(specUsing(c.type)))
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics))
    const where = {file: 'spec.yaml', doc: r.yaml.doc, lineCounter: r.yaml.lineCounter}
    assert.deepEqual(validateStrategySpec(r.yaml.value as Record<string, unknown>, where), [])
  })
}

test('the schema lists exactly the catalogue, and every parameter of every indicator', () => {
  const schema = loadSchema('strategy') as {$defs: {indicator: {properties: Record<string, {enum?: string[]}>}}}
  const props = schema.$defs.indicator.properties
  assert.deepEqual(props.type.enum, INDICATOR_TYPES)
  for (const type of INDICATOR_TYPES) for (const name of Object.keys(indicatorKind(type)!.params)) assert.ok(props[name], `${type}.${name} is in the schema`)
})
