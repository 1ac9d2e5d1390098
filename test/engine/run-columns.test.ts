/**
 * A run's fills and trades are kept as columns (model/run-columns.ts), and its `fills` and
 * `trades` are made from them on first read. What reads the columns (the metrics, the results
 * store, the report, --json) must give exactly what the objects give, on any run: several
 * symbols, reversals, partial closes, commissions. Each comparison reads the columns first: once
 * the objects are made, they are what every reader uses. A finished run holds no object per fill
 * or trade, and a result kept does not keep its run's simulation alive.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import {Writable} from 'node:stream'
import fc from 'fast-check'
import {createCalendar} from '../../src/calendar/index.js'
import {closeStore, openStore, withConnection} from '../../src/data/store.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {BacktestResult} from '../../src/engine/result.js'
import {buyAndHoldEquity, computeMetrics} from '../../src/metrics/metrics.js'
import type {Bars} from '../../src/model/bars.js'
import type {Fill} from '../../src/model/orders.js'
import type {StrategyHooks} from '../../src/model/strategy.js'
import {fillColumns, tradeColumns} from '../../src/model/run-columns.js'
import {MAX_MARKERS} from '../../src/report/chart-data.js'
import {prepareReport} from '../../src/report/render-report.js'
import {MAX_TRADE_ROWS} from '../../src/report/sections.js'
import {summarize} from '../../src/metrics/summary.js'
import {backtestStreamDocument} from '../../src/results/backtest-json.js'
import {writeJson} from '../../src/results/json-stream.js'
import {getTrades} from '../../src/results/read-runs.js'
import {recordedTrades, recordRuns} from '../../src/results/record-run.js'
import {barsHash, specHash} from '../../src/results/hash.js'
import {toBotSpec} from '../../src/spec/bot-spec.js'
import {tempDir} from '../helpers/tmp.js'
import {brokerSpec, movingBars, strategyOf} from './engine-fixtures.js'
import {heapAfterCollection} from '../helpers/heap.js'

const MIN = 60_000
const T0 = Date.UTC(2024, 0, 1)
const SYMBOLS = ['A', 'B']
const settings = {riskFreeRate: 0, periodsPerYear: 525_600, annualisation: 'test', timezone: 'UTC'}

/** An order per bar and symbol, or none: side and size drawn, so positions open, add, shrink, close and reverse. */
const actionArb = fc.option(fc.record({symbol: fc.constantFrom(...SYMBOLS), side: fc.constantFrom('buy' as const, 'sell' as const), quantity: fc.constantFrom(1, 2, 3, 0.5)}), {freq: 2})

const runArb = fc.record({
  moves: fc.array(fc.double({min: -0.02, max: 0.02, noNaN: true}), {minLength: 20, maxLength: 120}),
  actions: fc.array(actionArb, {minLength: 120, maxLength: 120}),
  percent: fc.constantFrom(0, 0.1),
  fixed: fc.constantFrom(0, 1.25),
})

const barsOf = (moves: number[]): Bars[] => movingBars(SYMBOLS, moves, T0)

interface Traded {
  result: BacktestResult
  bars: Bars[]
  /** The fills as the strategy was told of them (onFilledOrder): objects made apart from the columns. */
  told: Fill[]
  /** The run's strategy object, to see whether anything still holds it. */
  hooks: WeakRef<object>
}

async function trade(r: fc.RecordValue<{moves: number[]; actions: Array<{symbol: string; side: 'buy' | 'sell'; quantity: number} | null>; percent: number; fixed: number}>, keepTold = true): Promise<Traded> {
  const bars = barsOf(r.moves)
  let bar = 0
  const told: Fill[] = []
  let hooks: WeakRef<object> | undefined
  const definition = strategyOf('random-trader', () => {
    const h: StrategyHooks = {
      onTradingIteration(ctx) {
        const a = r.actions[bar++]
        if (a) ctx.submitOrder(a)
      },
      onFilledOrder: (_ctx, _order, fill) => void (keepTold && told.push(fill)),
    }
    hooks = new WeakRef(h)
    return h
  })
  const spec = {symbols: SYMBOLS, timeframeMs: MIN, sleeptimeMs: MIN, broker: brokerSpec({cash: 1e6, commission: {percent: r.percent, fixed: r.fixed}})}
  const result = await runBacktest({spec, bars, definition, calendar: createCalendar('24/7'), keepOrders: false})
  return {result, bars, told, hooks: hooks!}
}

function reportPage(result: BacktestResult, bars: Bars[]): string {
  const benchmark = buyAndHoldEquity(bars, result.equity.time, result.initialCash)
  const metrics = computeMetrics({result, bars, settings, benchmark})
  return prepareReport({
    title: 't', strategy: 'random-trader', params: {}, symbols: SYMBOLS, timeframe: '1m', timeframeMs: MIN, timezone: 'UTC',
    specText: '', result, benchmark, bars, metrics,
  })(7).join('')
}

/** The result as it reads without its columns: what a copy, or a result from another thread, is. Read it after the columns. */
function withoutColumns(result: BacktestResult): BacktestResult {
  return structuredClone(result)
}

describe('a run keeps its fills and trades as columns', () => {
  it('the metrics from the columns equal those from the objects, figure for figure', async () => {
    await fc.assert(
      fc.asyncProperty(runArb, async (r) => {
        const {result, bars, told} = await trade(r)
        assert.ok(tradeColumns(result) && fillColumns(result))
        const fromColumns = computeMetrics({result, bars, settings})
        const fromObjects = computeMetrics({result: withoutColumns(result), bars, settings})
        assert.deepStrictEqual(fromColumns, fromObjects)
        // The objects made from the columns against the fills the strategy was handed as they happened.
        assert.deepStrictEqual(result.fills, told)
        for (const t of result.trades) {
          assert.ok(told.some((f) => f.symbol === t.symbol && f.time === t.entryTime), `${t.symbol}'s entry at ${t.entryTime} is one of its fills`)
          assert.ok(told.some((f) => f.symbol === t.symbol && f.time === t.exitTime), `${t.symbol}'s exit at ${t.exitTime} is one of its fills`)
        }
      }),
      {numRuns: 150},
    )
  })

  it('the report from the columns is the report from the objects, to the byte', async () => {
    await fc.assert(
      fc.asyncProperty(runArb, async (r) => {
        const {result, bars} = await trade(r)
        assert.equal(reportPage(result, bars), reportPage(withoutColumns(result), bars))
      }),
      {numRuns: 40},
    )
  })

  it('the --json document and the summary from the columns are those from the objects, to the byte', async () => {
    await fc.assert(
      fc.asyncProperty(runArb, fc.constantFrom('full' as const, 'daily' as const), async (r, equity) => {
        const {result} = await trade(r)
        const text = async (res: BacktestResult) => {
          let out = ''
          const sink = new Writable({write: (chunk, _enc, cb) => ((out += chunk), cb())})
          await writeJson(sink, backtestStreamDocument({summary: summarize(res)}, res, {equity, timeZone: 'UTC'}))
          return out
        }
        const fromColumns = await text(result)
        assert.ok(tradeColumns(result) && fillColumns(result), 'the document and the summary read the columns, not the objects')
        assert.equal(fromColumns, await text(withoutColumns(result)))
      }),
      {numRuns: 40},
    )
  })

  it('so is the report of a long run: more trades than the list shows, more per symbol than the charts mark', async () => {
    // Both symbols reverse in turn: ~4,000 trades each, over MAX_TRADE_ROWS in all and over MAX_MARKERS / 2 per chart.
    const n = 8000
    const moves = Array.from({length: n}, (_, i) => (i % 5 < 2 ? 0.002 : -0.002))
    const actions = Array.from({length: n}, (_, i) => ({symbol: SYMBOLS[i % 2], side: (i >> 1) % 2 ? 'sell' as const : 'buy' as const, quantity: i < 2 ? 1 : 2}))
    const {result, bars} = await trade({moves, actions, percent: 0.1, fixed: 0})
    const fromColumns = reportPage(result, bars)
    assert.equal(fromColumns, reportPage(withoutColumns(result), bars))
    assert.ok(result.counts.trades > MAX_TRADE_ROWS && result.trades.filter((t) => t.symbol === 'B').length > MAX_MARKERS / 2)
  })

  it('records the same trade rows from the columns as from the objects (a real DuckDB file)', async () => {
    const store = await openStore({path: path.join(tempDir(), 'runs.duckdb')})
    after(() => closeStore(store))
    const spec = toBotSpec({name: 'c', strategy: {name: 'random-trader', params: {}}, symbols: SYMBOLS, timeframe: '1m'}, '/x/c.yaml')
    await fc.assert(
      fc.asyncProperty(runArb, async (r) => {
        const {result, bars} = await trade(r)
        const metrics = computeMetrics({result, bars, settings})
        const base = {createdMs: 1, spec, specHash: specHash(spec), barsHash: barsHash(bars), strategy: 'random-trader', params: {}, metrics}
        const logged = recordedTrades(result)
        assert.ok(!Array.isArray(logged), 'a run with columns records them')
        const [a, b] = await recordRuns(store, [{...base, trades: logged}, {...base, trades: withoutColumns(result).trades}])
        const [fromColumns, fromObjects] = await withConnection(store, async (conn) => [await getTrades(conn, a), await getTrades(conn, b)])
        assert.deepStrictEqual(fromColumns, fromObjects)
        assert.equal(fromColumns.length, result.counts.trades)
      }),
      {numRuns: 25},
    )
  })

  it('the objects, once made, are what every reader uses: changed in place, or set anew', async () => {
    const flips = {moves: Array(60).fill(0.01), actions: Array.from({length: 120}, (_, i) => ({symbol: 'A', side: i % 2 ? 'sell' as const : 'buy' as const, quantity: 1})), percent: 0, fixed: 0}
    const {result, bars} = await trade(flips)
    assert.ok(result.counts.trades > 3)
    result.trades.splice(3)
    result.fills.length = 0
    assert.equal(tradeColumns(result), undefined)
    const m = computeMetrics({result, bars, settings})
    assert.equal(m.strategy.trades, 3)
    assert.equal(m.strategy.tradedValue, 0)
    assert.equal(summarize(result).trades, 3)
    assert.equal(recordedTrades(result), result.trades)
  })

  it('trades or fills set anew replace the columns for every reader', async () => {
    const {result, bars} = await trade({moves: Array(60).fill(0.01), actions: Array.from({length: 120}, (_, i) => ({symbol: 'A', side: i % 2 ? 'sell' as const : 'buy' as const, quantity: 1})), percent: 0, fixed: 0})
    assert.ok(computeMetrics({result, bars, settings}).strategy.trades > 0)
    result.trades = []
    result.fills = []
    assert.equal(tradeColumns(result), undefined)
    assert.equal(fillColumns(result), undefined)
    const m = computeMetrics({result, bars, settings})
    assert.equal(m.strategy.trades, 0)
    assert.equal(m.strategy.tradedValue, 0)
    assert.deepStrictEqual(recordedTrades(result), [])
  })

  it('a finished run holds no object per fill or trade', async () => {
    // A trader that reverses every bar: a trade and two fills' worth of objects per bar, were they kept.
    const n = 20_000
    const moves = Array.from({length: n}, (_, i) => (i % 7 < 3 ? 0.001 : -0.001))
    const flip = {moves, actions: Array.from({length: n}, (_, i) => ({symbol: 'A', side: i % 2 ? 'sell' as const : 'buy' as const, quantity: i === 0 ? 1 : 2})), percent: 0.1, fixed: 0}
    const heap = heapAfterCollection()
    const first = await trade(flip, false) // compiles the code and shapes once; the engine keeps its last run (run-backtest.ts)
    const before = await heap()
    const {result} = await trade(flip, false)
    const held = (await heap()) - before
    // The first result is still held here, its run is not: only the engine's last run is (run-backtest.ts).
    assert.equal(first.hooks.deref(), undefined, 'a result kept holds its run\'s strategy')
    assert.ok(first.result.counts.trades > 0)
    const perTrade = held / result.counts.trades
    assert.ok(result.counts.trades > n / 2 && result.counts.fills >= n - 1)
    // Kept as objects, a trade and its two fills took some 300 bytes of V8's heap; as columns they
    // are off the heap (typed arrays' memory), and the result itself is a few objects.
    assert.ok(perTrade < 24, `${perTrade.toFixed(1)} bytes of heap held per trade`)
    assert.equal(result.trades.length, result.counts.trades) // made now, on first read
  })
})
