/**
 * The shipped rules examples: every strategy spec in examples/strategies/ is valid, and every bot
 * spec that uses one (or the built-in `rules`, or the monthly-rebalance plugin) validates and runs
 * on the bundled data with trades. Bars come from the CSV files directly (the DuckDB import path is
 * tested elsewhere); the strategy is resolved the way `strategy.path` is meant to be.
 */
import assert from 'node:assert/strict'
import {readdirSync} from 'node:fs'
import path from 'node:path'
import {test} from 'node:test'
import {createCalendar, marketTimezone} from '../../src/calendar/index.js'
import {localDateOf} from '../../src/calendar/timezone.js'
import {sliceBars} from '../../src/core/bars.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {BotSpec} from '../../src/model/bot-spec.js'
import {validateSpecFile} from '../../src/spec/validate-spec.js'
import {discoverStrategies} from '../../src/strategy/discover.js'
import {StrategyRegistry} from '../../src/strategy/registry.js'
import {loadStrategySpec} from '../../src/rules/strategy-spec.js'
import {readCsvBars} from '../helpers/read-csv-bars.js'
import {ROOT} from './helpers.js'

const EXAMPLES = path.join(ROOT, 'examples')
const BOTS = ['golden-cross', 'rsi-mean-reversion', 'bollinger-breakout', 'macd-trend', 'buy-and-hold-rules', 'rules-inline', 'monthly-rebalance', 'multi-timeframe', 'pairs', 'momentum-rotation']

test('every strategy spec in examples/strategies is valid and becomes a definition', async () => {
  const files = readdirSync(path.join(EXAMPLES, 'strategies')).filter((f) => f.endsWith('.yaml'))
  assert.ok(files.length >= 5)
  for (const f of files) {
    const r = await loadStrategySpec(path.join(EXAMPLES, 'strategies', f))
    assert.deepEqual(r.diagnostics, [], f)
    assert.equal(r.definition?.name, f.replace(/\.yaml$/, ''))
  }
})

let discovered: ReturnType<typeof discoverStrategies> | undefined // once per file: plugins load once

for (const name of BOTS) {
  test(`examples/${name}.yaml validates and trades`, async () => {
    const discovery = await (discovered ??= discoverStrategies({cwd: ROOT}))
    const report = await validateSpecFile(path.join(EXAMPLES, `${name}.yaml`), {discovery})
    assert.deepEqual(report.diagnostics, [])
    const spec = report.spec!
    const registry = new StrategyRegistry()
    let definition
    if (spec.strategy.path !== undefined) {
      const loaded = await loadStrategySpec(path.resolve(EXAMPLES, spec.strategy.path))
      definition = loaded.definition!
      registry.register(definition, spec.strategy.path)
    } else definition = discovery.registry.get(spec.strategy.name!).definition
    if (!registry.has(definition.name)) registry.register(definition)
    const {params, problems} = registry.validateParams(definition.name, spec.strategy.params)
    assert.deepEqual(problems, [])
    const result = await runBacktest({spec, bars: loadBars(spec), definition, params, calendar: createCalendar(spec.market)})
    assert.ok(result.fills.length > 0, 'no fills')
    assert.ok(Number.isFinite(result.finalValue))
    const rejected = result.orders.filter((o) => o.status === 'rejected')
    assert.equal(rejected.length, 0, rejected.map((o) => o.reason).join('; '))
    console.log(`# ${name}: ${result.counts.bars} bars, ${result.fills.length} fills, ${result.trades.length} closed trades, final value ${result.finalValue.toFixed(2)}`)
  })
}

function loadBars(spec: BotSpec) {
  if (spec.data.source !== 'file') throw new Error('examples read files')
  const data = spec.data
  const tz = data.timezone ?? marketTimezone(spec.market)
  return spec.symbols.map((symbol) => {
    const all = readCsvBars(data.files[symbol], {symbol, timeframeMs: spec.timeframeMs, timezone: tz, timeLabel: data.timeLabel})
    const date = (i: number) => localDateOf(all.time[i], tz)
    let from = 0
    while (from < all.length && spec.backtest.start !== undefined && date(from) < spec.backtest.start) from++
    let to = all.length
    while (to > from && spec.backtest.end !== undefined && date(to - 1) > spec.backtest.end) to--
    return {...sliceBars(all, from, to), symbol}
  })
}
