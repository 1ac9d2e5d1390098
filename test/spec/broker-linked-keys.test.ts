/**
 * broker.same_bar and broker.max_volume_share (issue 15, item 6) through the real validator into the
 * typed spec: located errors for bad values; written, they are carried; left out, the typed spec
 * (and its hash) is what it was before the keys existed.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {specHash} from '../../src/results/hash.js'
import {validateSpecFile, type SpecReport} from '../../src/spec/validate-spec.js'
import {discoverStrategies, type Discovery} from '../../src/strategy/discover.js'
import {tempDir} from '../helpers/tmp.js'

const dir = tempDir('bots-broker-keys-')
let discovery: Discovery
before(async () => {
  discovery = await discoverStrategies({cwd: process.cwd()})
})

const BASE = `name: keys
strategy:
  name: sma-cross
symbols: [X]
timeframe: 1D
broker:
  cash: 1000
`

let n = 0
async function check(yaml: string): Promise<SpecReport> {
  const file = path.join(dir, `spec-${++n}.yaml`)
  writeFileSync(file, yaml)
  return validateSpecFile(file, {discovery})
}

describe('broker.same_bar and broker.max_volume_share', () => {
  it('are carried into the typed spec when written', async () => {
    const r = await check(`${BASE}  same_bar: open_distance\n  max_volume_share: 0.1\n`)
    assert.deepEqual(r.diagnostics, [])
    assert.equal(r.spec!.broker.sameBar, 'open_distance')
    assert.equal(r.spec!.broker.maxVolumeShare, 0.1)
  })

  it('left out: the typed spec has neither key, and its hash is unchanged', async () => {
    const r = await check(BASE)
    assert.deepEqual(r.diagnostics, [])
    assert.equal('sameBar' in r.spec!.broker, false)
    assert.equal('maxVolumeShare' in r.spec!.broker, false)
    const written = await check(`${BASE}  same_bar: stop_first\n`)
    assert.notEqual(specHash(written.spec!), specHash(r.spec!))
  })

  it('bad values are located errors', async () => {
    const bad = await check(`${BASE}  same_bar: target\n  max_volume_share: 1.5\n`)
    const where = bad.diagnostics.map((d) => [d.path, d.line])
    assert.ok(where.some(([p, line]) => p === '/broker/same_bar' && line === 8), JSON.stringify(bad.diagnostics))
    assert.ok(where.some(([p, line]) => p === '/broker/max_volume_share' && line === 9), JSON.stringify(bad.diagnostics))
    const zero = await check(`${BASE}  max_volume_share: 0\n`)
    assert.equal(zero.diagnostics.length > 0, true)
  })
})
