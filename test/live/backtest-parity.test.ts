/**
 * The acceptance check of the live runtime: a replay at max speed makes exactly the trades the
 * backtester makes on the same bars (same fills, same final value), on daily and 5-minute data.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {test} from 'node:test'
import {backtestSpecFile} from '../../src/backtest/run-spec.js'
import {loadBotSpec} from '../../src/spec/validate-spec.js'
import {discoverStrategies} from '../../src/strategy/discover.js'
import {resolveStrategy} from '../../src/strategy/resolve.js'
import {tempDir} from '../helpers/tmp.js'
import smaCross from '../../strategies/sma-cross.js'
import openingRange from '../../strategies/opening-range.js'
import {ORCL, fillRows, min5Spec, min5Store, orclSpec, orclStore, runBacktestFromStore, runLive} from './live-fixtures.js'

test('daily ORCL, sma-cross: live replay = backtest (fills, final value, iterations)', async () => {
  const db = await orclStore()
  const spec = orclSpec()
  const live = await runLive(spec, smaCross, db)
  const {result, bars} = await runBacktestFromStore(spec, smaCross, db)
  assert.equal(live.outcome.status, 'stopped')
  assert.equal(live.outcome.reason, 'feed-ended')
  assert.ok(result.fills.length >= 20, `expected a real number of fills, got ${result.fills.length}`)
  assert.deepEqual(fillRows(live.fills), fillRows(result.fills))
  const state = live.outcome.state
  assert.equal(state.cash, result.finalCash)
  const last = bars[0].close[bars[0].length - 1]
  assert.equal(state.cash + state.positions[0].quantity * last, result.finalValue)
  assert.equal(state.iterations, result.counts.iterations)
  assert.equal(live.bars.length, bars[0].length)
  assert.deepEqual(live.orders.map((o) => o.id), result.orders.map((o) => o.id))
})

test('5-minute bars on a custom market (sessions, hooks), sma-cross: live replay = backtest', async () => {
  const db = await min5Store()
  const spec = min5Spec()
  const live = await runLive(spec, smaCross, db)
  const {result} = await runBacktestFromStore(spec, smaCross, db)
  assert.ok(result.fills.length >= 20)
  assert.deepEqual(fillRows(live.fills), fillRows(result.fills))
  assert.equal(live.outcome.state.cash, result.finalCash)
  assert.equal(live.outcome.state.iterations, result.counts.iterations)
})

test('5-minute bars, opening-range (day orders, stops, close hooks, cancels): live replay = backtest', async () => {
  const db = await min5Store()
  const spec = min5Spec({strategy: {name: 'opening-range', params: {rangeBars: 6, quantity: 2}}, sleeptime: '15M'})
  const live = await runLive(spec, openingRange, db)
  const {result} = await runBacktestFromStore(spec, openingRange, db)
  assert.ok(result.fills.length >= 10)
  assert.deepEqual(fillRows(live.fills), fillRows(result.fills))
  assert.equal(live.outcome.state.cash, result.finalCash)
  assert.deepEqual(live.orders.map((o) => [o.id, o.side, o.type, o.createdAt]), result.orders.map((o) => [o.id, o.side, o.type, o.createdAt]))
})

test('`bots backtest` on a spec file and the same spec live on a replay: same fills and final value', async () => {
  const dir = tempDir('bots-live-spec-')
  const db = path.join(dir, 'bots.duckdb')
  const file = path.join(dir, 'orcl.yaml')
  writeFileSync(file, [
    'name: orcl-live-parity',
    'strategy: {name: sma-cross, params: {fast: 10, slow: 30, quantity: 10}}',
    'symbols: [ORCL]',
    'timeframe: 1D',
    'market: NYSE',
    `data: {source: file, path: ${JSON.stringify(ORCL)}}`,
    'broker: {cash: 100000, commission: {percent: 0.1}, slippage_bps: 5}',
    'backtest: {start: 2012-01-03}',
    'live: {feed: {type: replay, speed: 20, start: 2012-01-03}, broker: {type: paper}}',
  ].join('\n'))
  const discovery = await discoverStrategies()
  const backtest = await backtestSpecFile({file, db, discovery}) // imports the file into the store first
  const {spec} = await loadBotSpec(file, {discovery})
  const {definition} = await resolveStrategy(spec, discovery)
  const live = await runLive(spec, definition, db)
  assert.ok(backtest.result.fills.length > 10)
  assert.deepEqual(fillRows(live.fills), fillRows(backtest.result.fills))
  const state = live.outcome.state
  assert.equal(state.cash + state.positions[0].quantity * state.positions[0].lastPrice!, backtest.result.finalValue)
})
