/**
 * Same inputs, same bytes: within one process, and across two `bots backtest --json` processes
 * (separate stores, different time zones and locales); and the Daily and Backtest runners agree
 * on daily bars.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {test} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'
import {runBacktest, type RunBacktestOptions} from '../../src/engine/run-backtest.js'
import {resultToJson} from '../../src/engine/result.js'
import type {StrategyDefinition} from '../../src/model/strategy.js'
import smaCross from '../../strategies/sma-cross.js'
import buyAndHold from '../../strategies/buy-and-hold.js'
import openingRange from '../../strategies/opening-range.js'
import {runCli} from '../helpers/cli.js'
import {dataFile, readCsvBars} from '../helpers/read-csv-bars.js'
import {tempDir} from '../helpers/tmp.js'
import {brokerSpec} from './engine-fixtures.js'

const DAY = 86_400_000
const MIN5 = 300_000
const berlin = createCalendar({timezone: 'Europe/Berlin', open: '09:00', close: '17:30', days: ['mon', 'tue', 'wed', 'thu', 'fri'], holidays: []})

function orcl(timezone: string) {
  return readCsvBars(dataFile('orcl-1995-2014.txt'), {symbol: 'ORCL', timeframeMs: DAY, timezone})
}

const bytes = async (o: RunBacktestOptions) => JSON.stringify(resultToJson(await runBacktest(o)))

test('rerun-identical: the same inputs give byte-identical results', async () => {
  const daily: RunBacktestOptions = {
    spec: {symbols: ['ORCL'], timeframeMs: DAY, sleeptimeMs: DAY, broker: brokerSpec({commission: {percent: 0.1}, slippageBps: 5})},
    bars: orcl('America/New_York'),
    definition: smaCross,
    params: {fast: 10, slow: 30, quantity: 10},
    calendar: createCalendar('NYSE'),
  }
  const first = await bytes(daily)
  assert.equal(await bytes({...daily, bars: orcl('America/New_York')}), first)
  const intraday: RunBacktestOptions = {
    spec: {symbols: ['IDX'], timeframeMs: MIN5, sleeptimeMs: MIN5, broker: brokerSpec({commission: {fixed: 1}})},
    bars: readCsvBars(dataFile('2006-min-005.txt'), {symbol: 'IDX', timeframeMs: MIN5, timezone: 'Europe/Berlin', timeLabel: 'close'}),
    definition: openingRange,
    params: {rangeBars: 6, quantity: 2},
    calendar: berlin,
  }
  const once = await bytes(intraday)
  assert.equal(await bytes(intraday), once)
  assert.ok(JSON.parse(once).trades.length > 0, 'the intraday run trades at all')
})

for (const [name, definition, params] of [
  ['sma-cross', smaCross, {fast: 10, slow: 30, quantity: 10}],
  ['buy-and-hold', buyAndHold, {}],
] as [string, StrategyDefinition, Record<string, unknown>][]) {
  test(`Daily and Backtest runners give the same results on daily bars (${name})`, async () => {
    const base = {
      spec: {symbols: ['ORCL'], timeframeMs: DAY, sleeptimeMs: DAY, broker: brokerSpec({commission: {percent: 0.1}})},
      bars: orcl('UTC'),
      definition,
      params,
      calendar: createCalendar('24/7'),
    }
    const daily = resultToJson(await runBacktest({...base, runner: 'daily'}))
    const backtest = resultToJson(await runBacktest({...base, runner: 'backtest'}))
    assert.equal(daily.runner, 'daily')
    assert.equal(backtest.runner, 'backtest')
    assert.equal(JSON.stringify({...daily, runner: ''}), JSON.stringify({...backtest, runner: ''}))
  })
}

test('rerun-identical across processes: two `bots backtest --json` of one spec print the same bytes', async () => {
  const dir = tempDir()
  // Each process imports the spec's file into its own store, in its own time zone and locale:
  // nothing the result depends on is shared, and nothing but the inputs may matter.
  const envs = [{TZ: 'UTC', LANG: 'C.UTF-8'}, {TZ: 'Pacific/Auckland', LANG: 'de_DE.UTF-8'}]
  // The intraday example: the Backtest runner, sessions in a time zone, sleeptime, DST-free month.
  const spec = 'examples/index-5min-intraday.yaml'
  const [a, b] = await Promise.all(envs.map((env, k) => runCli(['backtest', spec, '--json', '--no-record', '--db', path.join(dir, `${k}.duckdb`)], {env})))
  assert.equal(a.code, 0, a.stderr)
  assert.equal(b.code, 0, b.stderr)
  const out = JSON.parse(a.stdout)
  assert.ok(out.trades.length > 0, `${spec} trades`)
  assert.equal(out.imports[0].action, 'imported', 'each process read the file itself')
  assert.ok(a.stdout === b.stdout, `${spec}: the two processes printed different results`)
})
