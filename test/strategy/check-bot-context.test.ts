/**
 * A strategy's `check(params, bot)` sees the bot its params are for, found missing by a user
 * audit: `bots validate` passed monthly-rebalance with a weight for a symbol the bot does not
 * trade (the backtest then never bought that symbol) and opening-range on daily bars or a 24/7
 * market (0 orders, nothing said why), because check() saw only the params. Through the real
 * validator (YAML files in a temp folder), a users' plugin loaded isolated (in the worker
 * `bots validate` uses) and in process, a `--param` override, a sweep and a walk-forward.
 */
import assert from 'node:assert/strict'
import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import {applyOverrides} from '../../src/backtest/overrides.js'
import {isBotsError, type Diagnostic} from '../../src/core/errors.js'
import {schemaDefault} from '../../src/spec/bot-spec.js'
import {loadBotSpec, validateSpecFile, type SpecReport} from '../../src/spec/validate-spec.js'
import {discoverStrategies, type Discovery} from '../../src/strategy/discover.js'
import {loadPluginsIsolated, stopPluginWorkers} from '../../src/strategy/discover-isolated.js'
import {sweepSpecFile} from '../../src/sweep/run-sweep.js'
import {walkForward} from '../../src/sweep/walk-forward.js'
import {ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const dir = tempDir('bots-check-bot-')
let shipped: Discovery
before(async () => {
  shipped = await discoverStrategies({cwd: ROOT})
})

let n = 0
function writeSpec(yaml: string): string {
  const file = path.join(dir, `spec-${++n}.yaml`)
  writeFileSync(file, yaml)
  return file
}
const check = (yaml: string, discovery = shipped): Promise<SpecReport> => validateSpecFile(writeSpec(yaml), {discovery})
const errors = (r: SpecReport) => r.diagnostics.filter((d) => d.severity === 'error')
const where = (d: Diagnostic) => ({line: d.line, column: d.column, path: d.path, code: d.code})

/** Line numbers below refer to this spec: `weights` is on line 5, its value at column 14. */
const REBALANCE = (weights: string) => `name: rebalance
strategy:
  name: monthly-rebalance
  params:
    weights: ${weights}
symbols: [ORCL, IDX]
timeframe: 1D
market: NYSE
`

/** `params` on line 4, at column 5; `timeframe` and `market` are the test's. */
const RANGE = (timeframe: string, market?: string) => `name: range
strategy:
  name: opening-range
  params:
    rangeBars: 6
symbols: [IDX]
timeframe: ${timeframe}
${market === undefined ? '' : `market: ${market}\n`}`

describe('monthly-rebalance: a weight for a symbol the bot does not trade', () => {
  it('is an error at /strategy/params/weights naming the symbol and the bot\'s symbols, with a did-you-mean', async () => {
    const r = await check(REBALANCE('{ORCL: 0.6, IDXX: 0.35}'))
    assert.equal(r.valid, false)
    assert.deepEqual(errors(r).map(where), [{line: 5, column: 14, path: '/strategy/params/weights', code: 'strategy.params'}])
    assert.equal(errors(r)[0].message, 'weight for IDXX, which this bot does not trade (its symbols: ORCL, IDX)')
    assert.equal(errors(r)[0].hint, 'did you mean `IDX`?')
    // One problem per stray symbol; with no close name the hint says what to do.
    const two = await check(REBALANCE('{ORCL: 0.3, IDXX: 0.3, MSFT: 0.3}'))
    assert.deepEqual(errors(two).map((d) => [d.path, d.message, d.hint]), [
      ['/strategy/params/weights', 'weight for IDXX, which this bot does not trade (its symbols: ORCL, IDX)', 'did you mean `IDX`?'],
      ['/strategy/params/weights', 'weight for MSFT, which this bot does not trade (its symbols: ORCL, IDX)', 'add MSFT to the bot\'s `symbols`, or remove its weight'],
    ])
    // The bot's own symbols pass, as before.
    assert.deepEqual((await check(REBALANCE('{ORCL: 0.6, IDX: 0.35}'))).diagnostics, [])
  })

  it('`bots backtest -p weights=…` (applyOverrides) refuses the override, naming the param and the symbol', async () => {
    const {spec} = await loadBotSpec(writeSpec(REBALANCE('{ORCL: 0.6, IDX: 0.35}')), {discovery: shipped})
    assert.throws(
      () => applyOverrides(spec, {params: ['weights={ORCL: 0.6, IDXX: 0.35}']}, shipped.registry, 'monthly-rebalance'),
      (e: unknown) => isBotsError(e) && e.diagnostic.code === 'flag.param' && e.message === '--param weights: weight for IDXX, which this bot does not trade (its symbols: ORCL, IDX)' && e.hint === 'did you mean `IDX`?',
    )
    const ok = applyOverrides(spec, {params: ['weights={ORCL: 0.5}']}, shipped.registry, 'monthly-rebalance')
    assert.deepEqual(ok.strategy.params, {weights: {ORCL: 0.5}})
  })

  it('`bots backtest --sweep` (and --walk-forward) skips a combination with such a weight, saying why', async () => {
    const db = path.join(tempDir('bots-check-bot-sweep-'), 'store.duckdb')
    const out = await sweepSpecFile({file: path.join(ROOT, 'examples', 'monthly-rebalance.yaml'), db, sweeps: ['weights={IDXX: 0.5}'], record: false, workers: 1})
    assert.deepEqual(out.skipped, [{params: {weights: {IDXX: 0.5}}, message: 'weights: weight for IDXX, which this bot does not trade (its symbols: ORCL, IDX)'}])
    assert.equal(out.runs.length, 0)
    // Walk-forward: with no valid combination left it stops, and the hint says why.
    await assert.rejects(
      walkForward({file: path.join(ROOT, 'examples', 'monthly-rebalance.yaml'), db, walkForward: 'train=3m,test=1m', sweeps: ['weights={IDXX: 0.5}']}),
      (e: unknown) => isBotsError(e) && e.diagnostic.code === 'flag.sweep' && e.hint === 'weights: weight for IDXX, which this bot does not trade (its symbols: ORCL, IDX)',
    )
  })
})

describe('opening-range: bars and market it can trade on', () => {
  it('daily bars are an error located at /strategy/params (no one param is at fault)', async () => {
    const r = await check(RANGE('1D', 'NYSE'))
    assert.deepEqual(errors(r).map(where), [{line: 5, column: 5, path: '/strategy/params', code: 'strategy.params'}])
    assert.equal(errors(r)[0].message, 'opening-range needs intraday bars; this bot\'s timeframe is 1D, so it would never trade')
    assert.deepEqual((await check(RANGE('5M', 'NYSE'))).diagnostics, [])
    assert.deepEqual((await check(RANGE('5M', '{timezone: Europe/Berlin, open: "09:00", close: "17:30"}'))).diagnostics, [])
  })

  it('a 24/7 market (the default when `market` is left out) is an error', async () => {
    for (const market of [undefined, '"24/7"']) {
      const r = await check(RANGE('5M', market))
      assert.deepEqual(errors(r).map(where), [{line: 5, column: 5, path: '/strategy/params', code: 'strategy.params'}], String(market))
      assert.equal(errors(r)[0].message, 'opening-range needs a market with sessions; this bot\'s market is 24/7, so it would never trade')
    }
    assert.equal(errors(await check(RANGE('1W'))).length, 2, 'weekly bars in a 24/7 market: both problems')
  })
})

/** A users' plugin whose check() reads the bot: the whole bot it got goes back in the hint, as JSON. */
const PLUGIN = `import {defineStrategy} from 'bots'
export default defineStrategy<{lookbackDays: number}>({
  name: 'bot-aware',
  description: 'checks its lookback against the bot',
  params: {type: 'object', properties: {lookbackDays: {type: 'integer', minimum: 1, description: 'days'}}, required: ['lookbackDays'], additionalProperties: false},
  check(p, bot) {
    if (!bot) return []
    const bars = p.lookbackDays * 86_400_000 / bot.timeframeMs
    return bars > 1000 ? [{param: 'lookbackDays', message: p.lookbackDays + ' days are ' + bars + ' bars of ' + bot.timeframe + ' for ' + bot.symbols.join('+') + ', more than 1000', hint: JSON.stringify(bot)}] : []
  },
  create: () => ({}),
})
`

describe('a users\' plugin whose check() reads the bot', () => {
  const folder = path.join(dir, 'plugins')
  mkdirSync(folder)
  writeFileSync(path.join(folder, 'bot-aware.ts'), PLUGIN)
  after(() => stopPluginWorkers())

  /** `lookbackDays` on line 5, its value at column 19. */
  const SPEC = (timeframe: string) => `name: aware
strategy:
  name: bot-aware
  params:
    lookbackDays: 30
symbols: [IDX, ORCL]
timeframe: ${timeframe}
market: {timezone: Europe/Berlin, open: "09:00", close: "17:30"}
`
  const expectedBot = {
    symbols: ['IDX', 'ORCL'], timeframe: '1M', timeframeMs: 60_000,
    market: {days: schemaDefault('market', 'days'), holidays: [], timezone: 'Europe/Berlin', open: '09:00', close: '17:30'},
  }

  for (const mode of ['isolated (the worker bots validate uses)', 'in process'] as const) {
    it(`gets the bot (symbols, timeframe, timeframeMs, market with defaults, nothing else): ${mode}`, async () => {
      const discovery = await discoverStrategies({cwd: dir, env: {}, extra: [folder], plugins: mode === 'in process' ? 'in-process' : (files) => loadPluginsIsolated(files)})
      assert.deepEqual(discovery.problems, [])
      const r = await check(SPEC('1M'), discovery)
      assert.deepEqual(errors(r).map(where), [{line: 5, column: 19, path: '/strategy/params/lookbackDays', code: 'strategy.params'}])
      assert.equal(errors(r)[0].message, '30 days are 43200 bars of 1M for IDX+ORCL, more than 1000')
      assert.deepEqual(JSON.parse(errors(r)[0].hint!), expectedBot)
      assert.deepEqual((await check(SPEC('1H'), discovery)).diagnostics, [])
    })
  }
})
