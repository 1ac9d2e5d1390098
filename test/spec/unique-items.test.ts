/** A repeated list item is named and located at the repeat (ajv's "items ## 1 and 0 are identical" was printed raw; found by an audit). */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, it} from 'node:test'
import {validateSpecFile} from '../../src/spec/validate-spec.js'
import {discoverStrategies, type Discovery} from '../../src/strategy/discover.js'
import {tempDir} from '../helpers/tmp.js'

let discovery: Discovery
before(async () => {
  discovery = await discoverStrategies({cwd: process.cwd()})
})

it('symbols: [ORCL, SPY, ORCL]: the third item, named', async () => {
  const file = path.join(tempDir('bots-unique-'), 'dup.yaml')
  writeFileSync(file, 'name: x\nstrategy: {name: sma-cross}\nsymbols: [ORCL, SPY, ORCL]\ntimeframe: 1D\n')
  const [d, ...more] = (await validateSpecFile(file, {discovery})).diagnostics
  assert.deepEqual(more, [])
  assert.deepEqual([d.path, d.line, d.column, d.message, d.hint], ['/symbols/2', 3, 22, '`symbols` lists "ORCL" twice (items 1 and 3)', 'remove the repeat'])
})
