/**
 * A contract multiplier in the figures (found by an audit): a trade's return is its net P&L over
 * the capital it committed, entry price × quantity × multiplier (a contract of 50 bought at 100
 * and sold at 110 without costs: 10%, not 500%); the traded value (turnover) and the report's
 * exposure count notionals, price × quantity × multiplier. The same figures from the run's
 * columns and from its objects, through packing (sweeps), in the metrics, the recorded
 * `run_trades.return` and the report; a plain symbol beside it keeps its trades as they were
 * (no `multiplier` key).
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, it} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'
import {closeStore, openStore} from '../../src/data/store.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import {activityStats} from '../../src/metrics/activity.js'
import {computeMetrics} from '../../src/metrics/metrics.js'
import {resultTradeStats} from '../../src/metrics/trade-log-stats.js'
import {tradeStats, tradeReturn} from '../../src/metrics/trade-stats.js'
import {packTrades, unpackTrades} from '../../src/model/packed-trades.js'
import type {StrategyContext} from '../../src/model/strategy.js'
import {barsHash, specHash} from '../../src/results/hash.js'
import {recordedTrades, recordRuns} from '../../src/results/record-run.js'
import {excursions} from '../../src/report/excursions.js'
import {exposureSeries} from '../../src/report/exposure.js'
import {tradeRows} from '../../src/report/trade-rows.js'
import {toBotSpec} from '../../src/spec/bot-spec.js'
import {brokerSpec, strategyOf} from '../engine/engine-fixtures.js'
import {MINUTE, candles} from '../broker/candles.js'
import {tempDir} from '../helpers/tmp.js'

const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`)

/** ES (multiplier 50) and X (plain) each bought at bar 1's open, 100, and sold at bar 2's open, 110; no costs. */
async function esAndPlain() {
  const rows: Array<[number, number, number, number]> = [[100, 100, 100, 100], [100, 105, 99, 104], [110, 111, 109, 110], [110, 110, 110, 110]]
  const bars = [candles(rows, MINUTE, undefined, 'ES'), candles(rows, MINUTE, undefined, 'X')]
  const script: Record<number, (ctx: StrategyContext) => void> = {
    0: (ctx) => {
      ctx.buy(1, {symbol: 'ES'})
      ctx.buy(1, {symbol: 'X'})
    },
    1: (ctx) => {
      ctx.closePosition('ES')
      ctx.closePosition('X')
    },
  }
  const definition = strategyOf('script', () => ({onTradingIteration: (ctx) => script[ctx.barCount() - 1]?.(ctx)}))
  const broker = {...brokerSpec({cash: 100_000}), instruments: {ES: {multiplier: 50}}}
  const spec = {symbols: ['ES', 'X'], timeframeMs: MINUTE, sleeptimeMs: MINUTE, broker}
  const result = await runBacktest({spec, bars, definition, calendar: createCalendar('24/7'), runner: 'backtest'})
  return {result, bars}
}

describe('trade return with a contract multiplier', () => {
  it('is net P&L over entry price × quantity × multiplier: 10% for a contract of 50 from 100 to 110', async () => {
    const {result} = await esAndPlain()
    const [es, x] = ['ES', 'X'].map((s) => result.trades.find((t) => t.symbol === s)!)
    near(es.grossPnl, 500, 'ES gross P&L (110 − 100) × 1 × 50')
    assert.equal(es.multiplier, 50)
    assert.ok(!('multiplier' in x), 'a plain symbol\'s trade has no multiplier key')
    near(tradeReturn(es), 0.1, 'ES trade return')
    near(tradeReturn(x), 0.1, 'X trade return')
  })

  it('the same figures from the run\'s columns, from its objects and from its trades packed and unpacked', async () => {
    const {result} = await esAndPlain()
    const fromColumns = resultTradeStats(result)
    near(fromColumns.avgTradeReturn, 0.1, 'mean trade return')
    near(fromColumns.bestTradeReturn, 0.1, 'best trade return')
    assert.deepEqual(tradeStats(result.trades), fromColumns)
    const es = result.trades.filter((t) => t.symbol === 'ES')
    const packed = packTrades(es)!
    assert.equal(packed.multiplier, 50)
    assert.deepEqual(unpackTrades(packed), es)
  })

  it('is what the metrics, the recorded run_trades.return and the report\'s trade rows say', async () => {
    const {result, bars} = await esAndPlain()
    const settings = {riskFreeRate: 0, periodsPerYear: 525_600, annualisation: 'test', timezone: 'UTC'}
    const metrics = computeMetrics({result, bars, settings})
    near(metrics.strategy.bestTradeReturn, 0.1, 'metrics: best trade return')
    const rows = tradeRows(result.trades, 1, excursions(result.trades, bars), 'UTC')
    near(Number(rows.return[0]), 0.1, 'report: first trade\'s return')
    near(Number(rows.return[1]), 0.1, 'report: second trade\'s return')
    const spec = toBotSpec({name: 'es', strategy: {name: 'sma-cross', params: {fast: 2, slow: 3}}, symbols: ['ES', 'X'], timeframe: '1M'}, '/somewhere/es.yaml')
    const store = await openStore({path: path.join(tempDir(), 'es.duckdb')})
    try {
      const [id] = await recordRuns(store, [{createdMs: 0, spec, specHash: specHash(spec), barsHash: barsHash(bars), strategy: 'script', params: {}, metrics, trades: recordedTrades(result)}])
      const stored = (await store.conn.runAndReadAll('SELECT symbol, "return" AS r FROM run_trades WHERE run_id = $1 ORDER BY symbol', [id])).getRowObjectsJS()
      assert.deepEqual(stored.map((s) => s.symbol), ['ES', 'X'])
      for (const s of stored) near(Number(s.r), 0.1, `run_trades.return of ${s.symbol}`)
    } finally {
      await closeStore(store)
    }
  })

  it('turnover counts each fill\'s notional (× 50 for ES), from columns and objects alike; the report\'s exposure too', async () => {
    const {result, bars} = await esAndPlain()
    assert.deepEqual(result.multipliers, {ES: 50})
    const settings = {riskFreeRate: 0, periodsPerYear: 525_600, annualisation: 'test', timezone: 'UTC'}
    const m = computeMetrics({result, bars, settings}).strategy
    near(m.tradedValue, 50 * (100 + 110) + (100 + 110), 'traded value')
    const {time, value} = result.equity
    const mean = value.reduce((a, b) => a + b, 0) / value.length
    near(m.turnover, m.tradedValue / mean, 'turnover')
    const fromObjects = activityStats(result.fills.map((f) => ({...f})), time, value, result.multipliers)
    assert.deepEqual(fromObjects, {exposure: m.exposure, barsInMarket: m.barsInMarket, turnover: m.turnover, tradedValue: m.tradedValue, commissions: m.commissions})
    // Bar 1: both bought at its open, marked at its close 104: 1 × 104 × 50 + 1 × 104.
    const exposure = exposureSeries(result.fills, bars, time, value, 1, result.multipliers)
    near(exposure[1], (104 * 50 + 104) / value[1], 'exposure at bar 1')
  })
})
