/**
 * `--param` against the spec's params (found by an audit): `-p quantity=5` on a spec with
 * `percent: 90` blamed `--param percent`, a flag the user never gave, and nothing could drop the
 * spec's `percent`. Now the flag given is named, the hint says how, and `-p percent=null` drops it.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {before, it} from 'node:test'
import {applyOverrides} from '../../src/backtest/overrides.js'
import {isBotsError} from '../../src/core/errors.js'
import type {BotSpec} from '../../src/model/bot-spec.js'
import {loadBotSpec} from '../../src/spec/validate-spec.js'
import {discoverStrategies, type Discovery} from '../../src/strategy/discover.js'
import {ROOT} from '../helpers/cli.js'

let discovery: Discovery
let spec: BotSpec
before(async () => {
  discovery = await discoverStrategies({cwd: ROOT})
  spec = (await loadBotSpec(path.join(ROOT, 'examples/orcl-sma-cross.yaml'), {discovery})).spec
})

const override = (params: string[]) => applyOverrides(spec, {params}, discovery.registry, 'sma-cross')

it('the spec sets percent: -p quantity=5 names the flag given, and the hint how to drop the spec\'s value', () => {
  assert.equal(spec.strategy.params.percent, 90, 'examples/orcl-sma-cross.yaml no longer sets percent: 90')
  assert.throws(() => override(['quantity=5']), (e: unknown) => {
    assert.ok(isBotsError(e))
    assert.equal(e.diagnostic.code, 'flag.param')
    assert.match(e.message, /^--param quantity: quantity \(5\) and percent \(90\) are mutually exclusive/)
    assert.match(e.hint!, /`percent` is the spec's: `--param percent=null` drops it$/)
    return true
  })
})

it('-p percent=null drops the spec\'s percent (also written percent= or percent=~), so quantity sizes alone', () => {
  for (const unset of ['percent=null', 'percent=', 'percent=~']) {
    const p = override(['quantity=5', unset]).strategy.params
    assert.equal(p.quantity, 5, unset)
    assert.equal('percent' in p, false, unset)
  }
  // A quoted empty text is still a value, not a drop.
  assert.throws(() => override(["percent=''"]), /--param percent/)
})
