/**
 * exchange.watched_stop for a strategy spec's stops, compared with the same stops written inline
 * (`strategy: {name: rules, params: …}`), which checkExchange reports.
 */
import assert from 'node:assert/strict'
import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import type {Diagnostic} from '../../src/core/errors.js'
import {validateSpecFile, type SpecReport} from '../../src/spec/validate-spec.js'
import {discoverStrategies, type Discovery} from '../../src/strategy/discover.js'
import {ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const dir = tempDir('bots-watched-stop-spec-')
let discovery: Discovery
before(async () => {
  discovery = await discoverStrategies({cwd: ROOT})
  mkdirSync(path.join(dir, 'specs'), {recursive: true})
  writeFileSync(path.join(dir, 'specs', 'stopped.yaml'), `kind: strategy
name: stopped
params:
  stop: {type: number, default: 2}
rules:
  entry: {long: 'close > 0'}
  stop_loss:
    percent: \${stop}
`)
})

/** An exchange bot without credentials_env: an error (exchange.credentials_missing) unrelated to the stops. */
const NO_CREDENTIALS = `name: x
strategy:
  path: specs/stopped.yaml
symbols: [BTC/USDT]
timeframe: 1M
live:
  feed: {type: exchange}
  broker: {type: exchange}
  exchange:
    id: binance
`
const INLINE = NO_CREDENTIALS.replace('strategy:\n  path: specs/stopped.yaml\n', "strategy:\n  name: rules\n  params:\n    entry: {long: 'close > 0'}\n    stop_loss: {percent: 2}\n")

let n = 0
async function check(yaml: string): Promise<SpecReport> {
  const file = path.join(dir, `spec-${++n}.yaml`)
  writeFileSync(file, yaml)
  return validateSpecFile(file, {discovery})
}
const codes = (r: SpecReport) => r.diagnostics.map((d: Diagnostic) => `${d.severity} ${d.code} ${d.path}`)

describe('exchange.watched_stop of a strategy spec', () => {
  it('a spec with an unrelated error still gets the warning, as the same stop written inline does', async () => {
    // Inline rules: the error and the warning, both (checkExchange reports the stop whatever else is wrong).
    assert.deepEqual(codes(await check(INLINE)), [
      'warning exchange.watched_stop /strategy/params/stop_loss',
      'error exchange.credentials_missing /live/exchange',
    ])
    // The same stop in a strategy spec named by path: the error and the warning at /strategy/path
    // (it was once said only for a spec without errors).
    const r = await check(NO_CREDENTIALS)
    assert.deepEqual(codes(r).sort(), [
      'error exchange.credentials_missing /live/exchange',
      'warning exchange.watched_stop /strategy/path',
    ])
  })

  it('--no-plugins (no plugin code runs): a strategy spec found by name still gets the warning', async () => {
    // Strategy specs are YAML, loaded whatever the plugin mode: the stop is known, and said at /strategy/name (line 3, column 9).
    const none = await discoverStrategies({cwd: ROOT, extra: [path.join(dir, 'specs')], plugins: 'none'})
    const file = path.join(dir, `spec-${++n}.yaml`)
    writeFileSync(file, NO_CREDENTIALS.replace('  path: specs/stopped.yaml', '  name: stopped').replace('    id: binance\n', '    id: binance\n    credentials_env: {key: BOTS_KEY, secret: BOTS_SECRET}\n'))
    const r = await validateSpecFile(file, {discovery: none})
    assert.deepEqual(r.diagnostics.map((d) => [d.severity, d.code, d.path, d.line, d.column]), [['warning', 'exchange.watched_stop', '/strategy/name', 3, 9]])
    assert.match(r.diagnostics[0].message, /the stop_loss of strategy stopped is watched by the bot/)
  })
})
