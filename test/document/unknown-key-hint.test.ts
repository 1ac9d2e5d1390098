/**
 * Hints of an unknown key beyond a did-you-mean among its siblings (found by an audit): an
 * unquoted expression that a comma cut in two inside `{…}`, a key that begins a sibling's name,
 * and a key that belongs one level down. Through the real validator, on YAML files.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, it} from 'node:test'
import {validateSpecFile} from '../../src/spec/validate-spec.js'
import {discoverStrategies, type Discovery} from '../../src/strategy/discover.js'
import {ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const dir = tempDir('bots-unknown-key-')
let discovery: Discovery
before(async () => {
  discovery = await discoverStrategies({cwd: ROOT})
})

const SPEC = `name: x
strategy:
  name: rules
  params:
    indicators:
      fast: {type: sma, period: 10}
      slow: {type: sma, period: 30}
    entry: {long: 'crosses_above(fast, slow)'}
symbols: [ORCL]
timeframe: 1D
broker:
  cash: 1000
`

let n = 0
async function problems(yaml: string) {
  const file = path.join(dir, `spec-${++n}.yaml`)
  writeFileSync(file, yaml)
  const r = await validateSpecFile(file, {discovery})
  return r.diagnostics.map((d) => ({path: d.path, line: d.line, column: d.column, code: d.code, hint: d.hint}))
}

it('the valid spec has none', async () => {
  assert.deepEqual(await problems(SPEC), [])
})

it('an unquoted expression cut at its comma: the hint gives it back whole, quoted', async () => {
  assert.deepEqual(await problems(SPEC.replace("{long: 'crosses_above(fast, slow)'}", '{long: crosses_above(fast, slow)}')), [{
    path: '/strategy/params/entry/slow)', line: 8, column: 39, code: 'schema.unknown_key',
    hint: "a comma inside `{…}` ends a value, so the expression was cut at its commas: quote it, `long: 'crosses_above(fast, slow)'`",
  }])
})

it('a key that begins a sibling\'s name, and one that belongs under another key', async () => {
  assert.deepEqual((await problems(SPEC.replace('  cash: 1000', '  cash: 1000\n  slippage: 5'))).map((p) => [p.path, p.hint]), [
    ['/broker/slippage', 'did you mean `slippage_bps`?'],
  ])
  assert.deepEqual((await problems(`${SPEC}slippage_bps: 5\n`)).map((p) => [p.path, p.hint]), [
    ['/slippage_bps', 'did you mean `broker.slippage_bps`? (`slippage_bps` goes under `broker`)'],
  ])
  // A plain typo among the siblings is still the first guess.
  assert.deepEqual((await problems(SPEC.replace('  cash: 1000', '  cahs: 1000'))).map((p) => [p.path, p.hint]), [['/broker/cahs', 'did you mean `cash`?']])
})
