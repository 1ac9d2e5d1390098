/**
 * A tab in a line's indentation is one located error that names tabs, whatever else the yaml
 * library made of the line: it also reported a duplicate key that is none (the tab-indented
 * `name:` read as a second top-level `name`), "nested mappings are not allowed in compact
 * mappings", or only a block scalar line "less indented" or a flow map "not sufficiently
 * indented", with no word of the tab. Tabs where YAML allows them stay valid.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {validateSpecFile} from '../../src/spec/validate-spec.js'
import {discoverStrategies, type Discovery} from '../../src/strategy/discover.js'
import {tempDir} from '../helpers/tmp.js'

let discovery: Discovery
before(async () => {
  discovery = await discoverStrategies({cwd: process.cwd()})
})

const dir = tempDir('bots-tab-indent-')
let n = 0
async function validate(text: string) {
  const file = path.join(dir, `spec-${n++}.yaml`)
  writeFileSync(file, text)
  return validateSpecFile(file, {discovery})
}

const MESSAGE = 'tabs are not allowed for indentation in YAML'
const HINT = 'indent with spaces instead'
const located = (r: Awaited<ReturnType<typeof validate>>) => r.diagnostics.map((d) => [d.line, d.column, d.code, d.message, d.hint])

describe('a tab in the indentation', () => {
  it('of a mapping key: one error at the tab, no spurious duplicate key', async () => {
    const r = await validate('name: x\nstrategy:\n\tname: sma-cross\nsymbols: [AAPL]\ntimeframe: 1D\n')
    assert.deepEqual(located(r), [[3, 1, 'yaml.syntax', MESSAGE, HINT]])
  })

  it('of a key under params, followed by space-indented keys: one error, not "compact mappings" or "implicit keys"', async () => {
    const r = await validate('name: x\nstrategy:\n  name: sma-cross\n  params:\n\tfast: 10\n    slow: 30\nsymbols: [AAPL]\ntimeframe: 1D\n')
    assert.deepEqual(located(r), [[5, 1, 'yaml.syntax', MESSAGE, HINT]])
  })

  it('after spaces: the column of the tab', async () => {
    const r = await validate('name: x\nstrategy:\n  name: sma-cross\n  params:\n  \tfast: 10\n    slow: 30\nsymbols: [AAPL]\ntimeframe: 1D\n')
    assert.deepEqual(located(r), [[5, 3, 'yaml.syntax', MESSAGE, HINT]])
  })

  it('of several lines: the first, and the hint names the others', async () => {
    const r = await validate('name: x\nstrategy:\n  name: sma-cross\n  params:\n\tfast: 10\n\tslow: 30\nsymbols:\n\t- AAPL\ntimeframe: 1D\n')
    assert.deepEqual(located(r), [[5, 1, 'yaml.syntax', MESSAGE, `${HINT}; lines 6 and 8 are indented with a tab too`]])
  })

  it('of a block scalar line that ends the scalar (the library says only "less indented")', async () => {
    const r = await validate('name: x\ndescription: |\n  first\n\tsecond\nstrategy:\n  name: sma-cross\nsymbols: [AAPL]\ntimeframe: 1D\n')
    assert.deepEqual(located(r), [[4, 1, 'yaml.syntax', MESSAGE, HINT]])
  })

  it('of a line inside a multi-line flow map (the library says only "not sufficiently indented")', async () => {
    const r = await validate('name: x\nstrategy:\n  name: sma-cross\n  params: {fast: 10,\n\tslow: 30}\nsymbols: [AAPL]\ntimeframe: 1D\n')
    assert.deepEqual(located(r), [[5, 1, 'yaml.syntax', MESSAGE, HINT]])
  })

  it('with CRLF line endings', async () => {
    const r = await validate('name: x\r\nstrategy:\r\n\tname: sma-cross\r\nsymbols: [AAPL]\r\ntimeframe: 1D\r\n')
    assert.deepEqual(located(r), [[3, 1, 'yaml.syntax', MESSAGE, HINT]])
  })
})

describe('tabs YAML allows are not refused', () => {
  it('after `key:`, after `- `, inside flow collections and strings, before and in comments, in block scalar text', async () => {
    const text = [
      'name: x',
      'description: "tabs\tinside a string"',
      'notes: |',
      '  a literal block',
      '  \twith a tab in its text',
      'strategy:',
      '  name: sma-cross',
      '  params:',
      '    fast:\t10',
      '    slow: 30\t# a tab before a comment',
      '\t# a comment indented with a tab',
      'symbols:',
      '  -\tAAPL',
      '  - SPY',
      'timeframe: 1D',
      'market: {timezone:\tAmerica/New_York,\topen: "09:30", close: "16:00"}',
      '',
    ].join('\n')
    const r = await validate(text)
    // `notes` is not a bot key: the one error proves the YAML was read, and read right.
    assert.deepEqual(r.diagnostics.map((d) => [d.line, d.column, d.code, d.path]), [[3, 1, 'schema.unknown_key', '/notes']])
    assert.ok(r.diagnostics.every((d) => !/tab/i.test(d.message)))
  })

  it('a tab-indented comment or blank line between keys', async () => {
    const r = await validate('name: x\n\t# note\nstrategy:\n  name: sma-cross\n\t\nsymbols: [AAPL]\ntimeframe: 1D\n')
    assert.deepEqual(r.diagnostics, [])
    assert.equal(r.valid, true)
  })

  it('a tab after the spaces that continue a plain scalar', async () => {
    const r = await validate('name: x\ndescription: one\n  \ttwo\nstrategy:\n  name: sma-cross\nsymbols: [AAPL]\ntimeframe: 1D\n')
    assert.deepEqual(r.diagnostics, [])
    assert.equal(r.valid, true)
  })
})
