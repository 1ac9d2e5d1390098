/**
 * `live.exchange` through the real validator (YAML files in a temp folder → schema → semantic
 * checks against ccxt's metadata, no network): each class of problem located at file:line:col
 * with its JSON path and a hint; a valid spec becomes a typed `live.exchange`. One run of the real
 * CLI checks exit code and located JSON diagnostics.
 */
import assert from 'node:assert/strict'
import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import type {Diagnostic} from '../../src/core/errors.js'
import {ccxtTimeframe, specTimeframe} from '../../src/spec/ccxt-timeframe.js'
import {needsExchangeCatalog} from '../../src/spec/exchange-checks.js'
import {validateSpecFile, type SpecReport} from '../../src/spec/validate-spec.js'
import {discoverStrategies, type Discovery} from '../../src/strategy/discover.js'
import {parseJson, ROOT, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const dir = tempDir('bots-exchange-spec-')
let discovery: Discovery
before(async () => {
  discovery = await discoverStrategies({cwd: ROOT})
})

/** A valid exchange bot; line numbers below refer to it. */
const BASE = `name: x
strategy:
  name: sma-cross
symbols: [BTC/USDT]
timeframe: 1M
live:
  feed: {type: exchange}
  broker: {type: exchange}
  exchange:
    id: binance
    credentials_env: {key: BOTS_KEY, secret: BOTS_SECRET}
`

let n = 0
function writeSpec(yaml: string): string {
  const file = path.join(dir, `spec-${++n}.yaml`)
  writeFileSync(file, yaml)
  return file
}
async function check(yaml: string): Promise<SpecReport> {
  return validateSpecFile(writeSpec(yaml), {discovery})
}
const errors = (r: SpecReport) => r.diagnostics.filter((d) => d.severity === 'error')
const where = (d: Diagnostic) => ({line: d.line, column: d.column, path: d.path, code: d.code})

describe('live.exchange validation', () => {
  it('a valid exchange spec passes and becomes a typed live.exchange (camelCase, mode defaulted)', async () => {
    const r = await check(BASE.replace('    id: binance\n', '    id: binance\n    api_url: http://127.0.0.1:8900\n    ws_url: ws://127.0.0.1:8900/\n'))
    assert.deepEqual(r.diagnostics, [])
    assert.equal(r.valid, true)
    assert.deepEqual(r.spec!.live.feed.type, 'exchange')
    assert.deepEqual(r.spec!.live.broker, {type: 'exchange'})
    assert.deepEqual(r.spec!.live.exchange, {id: 'binance', mode: 'live', apiUrl: 'http://127.0.0.1:8900', wsUrl: 'ws://127.0.0.1:8900/', credentialsEnv: {key: 'BOTS_KEY', secret: 'BOTS_SECRET', password: undefined}})
  })

  it('the shipped example examples/exchange-twin.yaml validates', async () => {
    const r = await validateSpecFile(path.join(ROOT, 'examples/exchange-twin.yaml'), {discovery})
    assert.deepEqual(r.diagnostics, [])
    assert.equal(r.spec!.live.exchange!.wsUrl, 'ws://127.0.0.1:8900')
  })

  it('an unknown exchange id: located at the id, with a did-you-mean', async () => {
    const r = await check(BASE.replace('id: binance', 'id: binanse'))
    assert.deepEqual(errors(r).map(where), [{line: 10, column: 9, path: '/live/exchange/id', code: 'exchange.unknown'}])
    assert.equal(errors(r)[0].hint, 'did you mean `binance`?')
    assert.match(errors(r)[0].message, /binanse/)
    const far = await check(BASE.replace('id: binance', 'id: nosuchexchangeatall'))
    assert.match(far.diagnostics[0].hint!, /ccxt exchange id/)
  })

  it('a timeframe the exchange lacks: located at timeframe, the supported ones listed in spec notation', async () => {
    const r = await check(BASE.replace('timeframe: 1M', 'timeframe: 2M'))
    assert.deepEqual(errors(r).map(where), [{line: 5, column: 12, path: '/timeframe', code: 'timeframe.unsupported'}])
    assert.match(errors(r)[0].hint!, /^binance supports 1S, 1M, 3M, 5M, 15M, 30M, 1H, 2H, 4H, 6H, 8H, 12H, 1D, 3D, 1W \(/)
    // the same length in other spellings is supported: 60M is 1h, a lower-case m is minutes
    for (const tf of ['60M', '1h', '5m', '24H', '7D']) assert.deepEqual(errors(await check(BASE.replace('timeframe: 1M', `timeframe: ${tf}`))), [], tf)
  })

  it('symbols that are not ccxt unified symbols: each located, with the likely one', async () => {
    const r = await check(BASE.replace('symbols: [BTC/USDT]', 'symbols: [BTC/USDT, BTCUSDT, eth-usdt, ETH/USDT:USDT]'))
    assert.deepEqual(errors(r).map(where), [
      {line: 4, column: 21, path: '/symbols/1', code: 'symbol.not_unified'},
      {line: 4, column: 30, path: '/symbols/2', code: 'symbol.not_unified'},
    ])
    assert.match(errors(r)[0].hint!, /did you mean `BTC\/USDT`\?/)
    assert.match(errors(r)[1].hint!, /did you mean `ETH\/USDT`\?/)
  })

  it('an exchange feed or broker without live.exchange: located at `live`', async () => {
    const r = await check(BASE.split('  exchange:')[0])
    assert.deepEqual(errors(r).map(where), [{line: 6, column: 1, path: '/live', code: 'exchange.missing'}])
    assert.match(errors(r)[0].message, /live\.feed` and `live\.broker` are `exchange`/)
    assert.match(errors(r)[0].hint!, /credentials_env/)
  })

  it('mode: sandbox on an exchange ccxt has no testnet for: located at mode', async () => {
    const r = await check(BASE.replace('    id: binance\n', '    id: kraken\n    mode: sandbox\n'))
    assert.deepEqual(errors(r).map(where), [{line: 11, column: 11, path: '/live/exchange/mode', code: 'exchange.no_sandbox'}])
    assert.deepEqual(errors(await check(BASE.replace('    id: binance\n', '    id: binance\n    mode: sandbox\n'))), [], 'binance has a testnet')
  })

  it('an exchange broker without credentials_env: located at the exchange key; a feed alone needs none', async () => {
    const noCreds = BASE.replace('    credentials_env: {key: BOTS_KEY, secret: BOTS_SECRET}\n', '')
    const r = await check(noCreds)
    assert.deepEqual(errors(r).map(where), [{line: 9, column: 3, path: '/live/exchange', code: 'exchange.credentials_missing'}])
    assert.match(errors(r)[0].hint!, /never go in a spec/)
    assert.deepEqual(errors(await check(noCreds.replace('broker: {type: exchange}', 'broker: {type: paper}'))), [])
  })

  it('rules stops on an exchange broker: a warning where each is written (the bot watches them); none on paper', async () => {
    const rules = BASE.replace('strategy:\n  name: sma-cross\n', "strategy:\n  name: rules\n  params:\n    entry: {long: 'close > 0'}\n    stop_loss: {percent: 2}\n    take_profit: {percent: 4}\n    trailing_stop: {percent: 3}\n")
    const r = await check(rules)
    assert.deepEqual(errors(r), [])
    const watched = r.diagnostics.filter((d) => d.code === 'exchange.watched_stop')
    assert.deepEqual(watched.map(where), [
      {line: 6, column: 5, path: '/strategy/params/stop_loss', code: 'exchange.watched_stop'},
      {line: 8, column: 5, path: '/strategy/params/trailing_stop', code: 'exchange.watched_stop'},
    ])
    assert.match(watched[0].message, /watched by the bot on each closed bar and exits at market/)
    assert.deepEqual((await check(rules.replace('broker: {type: exchange}', 'broker: {type: paper}'))).diagnostics.filter((d) => d.code === 'exchange.watched_stop'), [])
  })

  it('a strategy spec with a stop, named by path or by name, on an exchange broker: the same warning, at the bot\'s strategy', async () => {
    const folder = path.join(dir, 'specs')
    mkdirSync(folder, {recursive: true})
    const strategySpec = (name: string, exits: string) => `kind: strategy
name: ${name}
params:
  stop: {type: number, default: 2}
rules:
  entry: {long: 'close > 0'}
${exits}`
    writeFileSync(path.join(folder, 'stopped.yaml'), strategySpec('stopped', '  stop_loss:\n    percent: ${stop}\n  trailing_stop: {percent: 3}\n'))
    writeFileSync(path.join(folder, 'unstopped.yaml'), strategySpec('unstopped', '  exit: {long: close < 0}\n  take_profit: {percent: 4}\n'))
    const byPath = await check(BASE.replace('strategy:\n  name: sma-cross\n', 'strategy:\n  path: specs/stopped.yaml\n'))
    assert.deepEqual(errors(byPath), [])
    const watched = byPath.diagnostics.filter((d) => d.code === 'exchange.watched_stop')
    assert.deepEqual(watched.map(where), [{line: 3, column: 9, path: '/strategy/path', code: 'exchange.watched_stop'}])
    assert.match(watched[0].message, /the stop_loss and trailing_stop of strategy specs\/stopped\.yaml are watched by the bot/)
    assert.equal(watched[0].severity, 'warning')
    // Found by name in a strategies folder, as `bots live` would find it.
    const named = await validateSpecFile(writeSpec(BASE.replace('name: sma-cross', 'name: stopped')), {discovery: await discoverStrategies({cwd: ROOT, extra: [folder]})})
    assert.deepEqual(named.diagnostics.map(where), [{line: 3, column: 9, path: '/strategy/name', code: 'exchange.watched_stop'}])
    // No stop, or no exchange broker: nothing to say.
    assert.deepEqual((await check(BASE.replace('strategy:\n  name: sma-cross\n', 'strategy:\n  path: specs/unstopped.yaml\n'))).diagnostics, [])
    assert.deepEqual((await check(BASE.replace('strategy:\n  name: sma-cross\n', 'strategy:\n  path: specs/stopped.yaml\n').replace('broker: {type: exchange}', 'broker: {type: paper}'))).diagnostics, [])
  })

  it('an exchange that signs with a passphrase needs credentials_env.password', async () => {
    const r = await check(BASE.replace('id: binance', 'id: okx'))
    assert.deepEqual(errors(r).map(where), [{line: 11, column: 5, path: '/live/exchange/credentials_env', code: 'exchange.credential_missing'}])
    assert.deepEqual(errors(await check(BASE.replace('id: binance', 'id: okx').replace('secret: BOTS_SECRET}', 'secret: BOTS_SECRET, password: BOTS_PASS}'))), [])
  })

  it('a market other than 24/7 with an exchange feed is a warning; an unused exchange section too', async () => {
    const r = await check(BASE.replace('timeframe: 1M\n', 'timeframe: 1M\nmarket: NYSE\n'))
    assert.equal(r.valid, true)
    assert.deepEqual(r.diagnostics.map((d) => ({...where(d), severity: d.severity})), [{line: 6, column: 1, path: '/market', code: 'market.not_24_7', severity: 'warning'}])
    const unused = await check(BASE.replace('feed: {type: exchange}', 'feed: {type: replay}').replace('broker: {type: exchange}', 'broker: {type: paper}'))
    assert.deepEqual(unused.diagnostics.map((d) => `${d.severity} ${d.code} ${d.path}`), ['warning exchange.unused /live/exchange'])
  })

  it('the schema: secrets by NAME only, base URLs without paths, no unknown keys', async () => {
    const lower = await check(BASE.replace('key: BOTS_KEY', 'key: sk-live-12345'))
    assert.deepEqual(errors(lower).map(where), [{line: 11, column: 28, path: '/live/exchange/credentials_env/key', code: 'schema.pattern'}])
    const withPath = await check(BASE.replace('    id: binance\n', '    id: binance\n    api_url: http://127.0.0.1:8900/api/v3\n'))
    assert.deepEqual(errors(withPath).map(where), [{line: 11, column: 14, path: '/live/exchange/api_url', code: 'schema.pattern'}])
    const wsAsRest = await check(BASE.replace('    id: binance\n', '    id: binance\n    ws_url: http://127.0.0.1:8900\n'))
    assert.deepEqual(errors(wsAsRest).map((d) => d.code), ['schema.pattern'])
    const secret = await check(BASE.replace('    id: binance\n', '    id: binance\n    secret: abc\n'))
    assert.deepEqual(errors(secret).map(where), [{line: 11, column: 5, path: '/live/exchange/secret', code: 'schema.unknown_key'}])
  })

  it('ccxt is needed only for specs with live.exchange', () => {
    assert.equal(needsExchangeCatalog({live: {feed: {type: 'replay'}}}), false)
    assert.equal(needsExchangeCatalog({}), false)
    assert.equal(needsExchangeCatalog({live: {exchange: {id: 'binance'}}}), true)
  })
})

describe('timeframes between spec notation and ccxt', () => {
  it('ccxtTimeframe: M is minutes in a spec, m in ccxt (ccxt M is a month)', () => {
    const cases: Array<[string, string | undefined]> = [['1M', '1m'], ['1m', '1m'], ['5M', '5m'], ['60M', '1h'], ['1H', '1h'], ['4h', '4h'], ['1D', '1d'], ['24H', '1d'], ['3D', '3d'], ['7D', '1w'], ['1W', '1w'], ['30S', '30s'], ['90S', '90s'], ['0M', undefined], ['1X', undefined], ['', undefined]]
    for (const [ours, theirs] of cases) assert.equal(ccxtTimeframe(ours), theirs, ours)
  })
  it('ccxtTimeframe with the exchange list: its own spelling of the same length', () => {
    assert.equal(ccxtTimeframe('1H', ['60m', '1d']), '60m')
    assert.equal(ccxtTimeframe('1W', ['1d', '7d']), '7d')
    assert.equal(ccxtTimeframe('1M', ['1M', '1d']), undefined, 'a ccxt 1M is a month')
  })
  it('specTimeframe: the reverse, months and years have none', () => {
    assert.deepEqual(['1m', '15m', '1h', '1d', '1w', '1s', '1M', '3M', '1y'].map(specTimeframe), ['1M', '15M', '1H', '1D', '1W', '1S', undefined, undefined, undefined])
  })
})

describe('bots validate (real CLI) on exchange specs', () => {
  it('exit 1 and located JSON diagnostics for every exchange problem of a file', async () => {
    const file = path.join(dir, 'cli.yaml')
    writeFileSync(file, BASE.replace('timeframe: 1M', 'timeframe: 2M').replace('symbols: [BTC/USDT]', 'symbols: [BTCUSDT]'))
    const r = await runCli(['validate', file, '--format', 'json'])
    assert.equal(r.code, 1, r.stderr)
    const out = parseJson(r)
    assert.equal(out.files[0].file, file)
    assert.equal(out.files[0].valid, false)
    const diagnostics = out.files[0].diagnostics as Diagnostic[]
    assert.deepEqual(diagnostics.map((d) => ({...where(d), severity: d.severity})), [
      {line: 4, column: 11, path: '/symbols/0', code: 'symbol.not_unified', severity: 'error'},
      {line: 5, column: 12, path: '/timeframe', code: 'timeframe.unsupported', severity: 'error'},
    ])
    for (const d of diagnostics) assert.ok(d.message.length > 0 && (d.hint ?? '').length > 0)
    const ok = await runCli(['validate', 'examples/exchange-twin.yaml', '--format', 'json'])
    assert.equal(ok.code, 0, ok.stdout + ok.stderr)
  })
})
