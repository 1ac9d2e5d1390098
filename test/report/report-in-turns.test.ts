/**
 * A first use drafts its report a step at a time (prepareReportInTurns), letting the import's last
 * statements go on between the steps: the page must be the very page prepareReport makes at once,
 * and the steps must really give the event loop turns.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import {buyAndHoldEquity, computeMetrics} from '../../src/metrics/metrics.js'
import {prepareReport, prepareReportInTurns, type ReportInput} from '../../src/report/render-report.js'
import {brokerSpec, movingBars, strategyOf} from '../engine/engine-fixtures.js'

const MIN = 60_000
const SYMBOLS = ['A', 'B']

describe('the report drafted in turns', () => {
  it('is the page drafted at once, and gives the event loop several turns on the way', async () => {
    const bars = movingBars(SYMBOLS, Array.from({length: 3_000}, (_, i) => Math.sin(i / 40) / 200), Date.UTC(2024, 0, 1))
    let bar = 0
    const definition = strategyOf('swing', () => ({
      onTradingIteration(ctx) {
        // Every 25 bars an order, the symbols in turn, each buying then selling.
        const k = bar / 25
        if (bar++ % 25 === 0) ctx.submitOrder({symbol: SYMBOLS[k % 2], side: (k >> 1) % 2 ? 'sell' : 'buy', quantity: 2})
      },
    }))
    const spec = {symbols: SYMBOLS, timeframeMs: MIN, sleeptimeMs: MIN, broker: brokerSpec({cash: 1e6, commission: {fixed: 1}})}
    const result = await runBacktest({spec, bars, definition, calendar: createCalendar('24/7')})
    assert.ok(result.counts.trades > 20, `${result.counts.trades} trades`)
    const benchmark = buyAndHoldEquity(bars, result.equity.time, result.initialCash)
    const settings = {riskFreeRate: 0.01, periodsPerYear: 525_600, annualisation: 'test', timezone: 'UTC'}
    const input: ReportInput = {
      title: 't', strategy: 'swing', params: {}, symbols: SYMBOLS, timeframe: '1m', timeframeMs: MIN, timezone: 'UTC', specText: 'name: t',
      result, benchmark, bars, metrics: computeMetrics({result, bars, settings, benchmark}),
    }
    let turns = 0
    let elsewhere = 0
    const turn = async () => {
      turns++
      // Work waiting for a turn (a DuckDB statement's completion) runs before the next step.
      await new Promise<void>((resolve) => setImmediate(() => ((elsewhere = turns), resolve())))
    }
    const inTurns = await prepareReportInTurns(input, turn)
    assert.ok(turns >= 5, `${turns} turns`)
    assert.equal(elsewhere, turns)
    assert.equal(inTurns(3).join(''), prepareReport(input)(3).join(''))
  })
})
