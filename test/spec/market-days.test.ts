/**
 * A custom market needs at least one trading day: with `days: []` nothing iterated, and the
 * annualised figures read 0 (0 sessions a year) next to a real drawdown (found by an audit).
 */
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

it('`days: []` is a located error; one day is enough', async () => {
  const dir = tempDir('bots-market-days-')
  const spec = (days: string) => {
    const file = path.join(dir, `s${days.length}.yaml`)
    writeFileSync(file, `name: x\nstrategy: {name: sma-cross}\nsymbols: [X]\ntimeframe: 1D\nmarket:\n  timezone: Europe/Berlin\n  open: "09:00"\n  close: "17:30"\n  days: ${days}\n`)
    return file
  }
  const none = await validateSpecFile(spec('[]'), {discovery})
  assert.deepEqual(none.diagnostics.map((d) => [d.path, d.line]), [['/market/days', 9]])
  assert.deepEqual((await validateSpecFile(spec('[wed]'), {discovery})).diagnostics, [])
})
