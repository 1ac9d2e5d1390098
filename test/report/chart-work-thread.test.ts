/**
 * The report's chart work in a worker thread (chart-work-thread.ts): what comes back is what the
 * caller's thread would have computed, and a recorded run's report, drawn so beside its recording,
 * is the very page drafted in one thread.
 */
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {backtestSpecFile} from '../../src/backtest/run-spec.js'
import {createCalendar} from '../../src/calendar/index.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import {buyAndHoldEquity} from '../../src/metrics/metrics.js'
import {chartWork} from '../../src/report/chart-work.js'
import {chartWorkInWorker, WORKER_MIN_POINTS, worthAWorker} from '../../src/report/chart-work-thread.js'
import {chartWorkInput} from '../../src/report/render-report.js'
import {finishBacktest} from '../../src/results/finish-run.js'
import {brokerSpec, movingBars, strategyOf} from '../engine/engine-fixtures.js'
import {tempDir} from '../helpers/tmp.js'

const MIN = 60_000
const SYMBOLS = ['A', 'B']

describe('chart work in a worker', () => {
  it('gives what the caller thread computes: two symbols, their fills and trade totals, and a worker that answered', async () => {
    const bars = movingBars(SYMBOLS, Array.from({length: 4_000}, (_, i) => Math.sin(i / 40) / 200), Date.UTC(2024, 0, 1))
    let bar = 0
    const definition = strategyOf('swing', () => ({
      onTradingIteration(ctx) {
        // Every 25 bars an order, the symbols in turn; A trades twice as often as B.
        const k = bar / 25
        if (bar++ % 25 === 0) ctx.submitOrder({symbol: SYMBOLS[k % 3 === 2 ? 1 : 0], side: (k >> 1) % 2 ? 'sell' : 'buy', quantity: 2})
      },
    }))
    const spec = {symbols: SYMBOLS, timeframeMs: MIN, sleeptimeMs: MIN, broker: brokerSpec({cash: 1e6, commission: {fixed: 1}})}
    const result = await runBacktest({spec, bars, definition, calendar: createCalendar('24/7')})
    assert.ok(result.counts.trades > 20, `${result.counts.trades} trades`)
    const benchmark = buyAndHoldEquity(bars, result.equity.time, result.initialCash)
    const input = chartWorkInput({result, benchmark, bars, timezone: 'America/New_York', timeframeMs: MIN, settings: {periodsPerYear: 98_280, riskFreeRate: 0.02}})
    const fallbacks: string[] = []
    const inWorker = await chartWorkInWorker(input, (why) => fallbacks.push(why))
    assert.deepEqual(fallbacks, [], 'the worker answered')
    const here = chartWork(input)
    assert.ok(here.totalTrades > 20 && here.prices.length === 2)
    assert.deepEqual(inWorker, here)
  })

  it('draws a recorded long run\'s report beside its recording: the page is the one drafted in one thread', async () => {
    // Minute bars, more than WORKER_MIN_POINTS of them, a random walk from a fixed seed.
    const rows = WORKER_MIN_POINTS + 20_000
    const lines = ['time,open,high,low,close,volume']
    let seed = 7
    let p = 100
    const t0 = Date.UTC(2023, 0, 2)
    for (let i = 0; i < rows; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      const open = p
      p = Math.max(1, p * (1 + (seed / 2 ** 31 - 0.5) / 200))
      lines.push(`${new Date(t0 + i * MIN).toISOString()},${open},${Math.max(open, p) + 0.01},${Math.min(open, p) - 0.01},${p},${1 + (seed % 100)}`)
    }
    const dir = tempDir()
    writeFileSync(path.join(dir, 'bars.csv'), `${lines.join('\n')}\n`)
    const specFor = (store: string) => {
      const file = path.join(dir, `${store}.yaml`)
      writeFileSync(file, `name: long\nstrategy: {name: sma-cross, params: {fast: 10, slow: 30}}\nsymbols: [X]\ntimeframe: 1M\nmarket: 24/7\ndata: {source: file, path: bars.csv, db: ${store}.duckdb}\nbroker: {cash: 100000}\n`)
      return file
    }
    const page = async (store: string, sharedBars: boolean) => {
      const file = specFor(store)
      await backtestSpecFile({file}) // the import: the run below reads stored bars
      const outcome = await backtestSpecFile({file, sharedBars})
      assert.equal(worthAWorker({time: outcome.result.equity.time, value: outcome.result.equity.value, bars: outcome.bars}), sharedBars)
      const report = path.join(dir, `${store}.html`)
      const done = await finishBacktest(outcome, {report})
      assert.equal(done.runId, 1)
      return readFileSync(report, 'utf8').replaceAll(store, 'STORE')
    }
    const aside = await page('aside-store', true)
    const here = await page('thread-store', false)
    assert.ok(aside.includes('id="report-data"') && aside.length > 100_000)
    assert.equal(aside, here)
  })
})
