/**
 * A recorded run reads back what the run printed (real DuckDB files): its infinite figures (profit
 * factor ∞ of a run of winners, CAGR ∞ of a short run's growth…) where the stored JSON has null,
 * and its trades' contract multiplier, however the trades were recorded (objects, a sweep's packed
 * trades, an engine run's log), in `getTrades`, `run_trades` and the `--out` files, and in stores
 * recorded before the column existed.
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import type {DuckDBConnection} from '@duckdb/node-api'
import {renderCompare, renderRun} from '../../src/cli/render/runs.js'
import {barsFromRows} from '../../src/core/bars.js'
import {closeStore, openStore, type Store} from '../../src/data/store.js'
import {computeMetrics, type Metrics} from '../../src/metrics/metrics.js'
import type {Bars} from '../../src/model/bars.js'
import {packTrades} from '../../src/model/packed-trades.js'
import type {Trade} from '../../src/model/trade.js'
import {TradeLog} from '../../src/model/trade-log.js'
import {exportRunFiles} from '../../src/results/export-files.js'
import {barsHash, specHash} from '../../src/results/hash.js'
import {getRun, getTrades} from '../../src/results/read-runs.js'
import {recordRuns, stageRuns, type RunToRecord} from '../../src/results/record-run.js'
import {toBotSpec} from '../../src/spec/bot-spec.js'
import {tempDir} from '../helpers/tmp.js'

const D = 86_400_000
const MIN = 60_000
const DAILY = {riskFreeRate: 0, periodsPerYear: 365, annualisation: 'test', timezone: 'UTC'}
const MINUTES = {...DAILY, periodsPerYear: 525_600}

const win: Trade = {symbol: 'A', side: 'long', quantity: 1, entryTime: 0, entryPrice: 10, exitTime: D, exitPrice: 12, commission: 0.5, grossPnl: 2, netPnl: 1.5}
const loss: Trade = {...win, side: 'short', exitPrice: 10.5, grossPnl: -0.5, commission: 0, netPnl: -0.5}

const flat = (time: number) => ({time, open: 10, high: 10, low: 10, close: 10})
const at = (time: number, close: number) => ({...flat(time), close, high: close, low: close})

interface Fixture {
  symbols: string[]
  timeframe: string
  bars: Bars[]
  value: number[]
  settings: typeof DAILY
  instruments?: Record<string, {multiplier: number}>
}

const dailyRun = (value = [100, 101.5]): Fixture => ({symbols: ['A'], timeframe: '1D', bars: [barsFromRows('A', D, [flat(0), at(D, 12)])], value, settings: DAILY})

/** A run as finishBacktest records it: metrics computed from its trades and curve. */
function runOf(f: Fixture, trades: Trade[], recorded: RunToRecord['trades'] = trades): RunToRecord {
  const spec = toBotSpec({name: 'r', strategy: {name: 'sma-cross', params: {}}, symbols: f.symbols, timeframe: f.timeframe, ...(f.instruments ? {instruments: f.instruments} : {})}, '/somewhere/r.yaml')
  const time = f.bars[0].time
  const equity = {time, value: Float64Array.from(f.value), benchmark: Float64Array.from(f.value)}
  const metrics = computeMetrics({result: {initialCash: 100, equity, trades, fills: [], positions: [], start: 0, end: time[time.length - 1] + f.bars[0].timeframeMs}, bars: f.bars, settings: f.settings})
  return {createdMs: 1_700_000_000_000, spec, specHash: specHash(spec), barsHash: barsHash(f.bars), strategy: 'sma-cross', params: {}, metrics, trades: recorded, equity}
}

/** The metrics as the run's tables printed them: NaN and null both print n/a, infinities ∞. */
function printed(m: Metrics): unknown {
  return JSON.parse(JSON.stringify(m, (_k, v) => (Number.isNaN(v) ? null : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v)), (_k, v) => (v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v))
}

async function withStoreAt<T>(file: string, fn: (store: Store) => Promise<T>, readOnly = false): Promise<T> {
  const store = await openStore({path: file, readOnly})
  try {
    return await fn(store)
  } finally {
    await closeStore(store)
  }
}

async function rows(conn: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJS()
}

describe('a recorded run reads back the figures it printed', () => {
  // Two equal winners in three one-minute bars of a 24/7 market, the account ×3 after a 50% fall:
  // profit factor and SQN (a P&L sd of 0) are infinite, and CAGR (3^175200) and so Calmar too, the
  // buy-and-hold's as well.
  const infinite = (): RunToRecord => {
    const bars = [barsFromRows('A', MIN, [flat(0), at(MIN, 8), at(2 * MIN, 30)])]
    return runOf({symbols: ['A'], timeframe: '1m', bars, value: [100, 50, 300], settings: MINUTES}, [win, {...win, entryTime: MIN, exitTime: 2 * MIN}])
  }

  it('∞ where the run had it, while the stored JSON stays what --json wrote (null)', async () => {
    const run = infinite()
    const s = run.metrics.strategy
    assert.deepEqual([s.profitFactor, s.sqn, s.cagr, s.calmar, run.metrics.benchmark.cagr, run.metrics.benchmark.calmar], Array(6).fill(Infinity), 'the fixture has every figure that can be infinite')
    const r = await withStoreAt(path.join(tempDir(), 'inf.duckdb'), async (store) => getRun(store.conn, (await recordRuns(store, [run]))[0]))
    assert.deepEqual(r.figures, printed(run.metrics))
    assert.equal(r.figures.strategy.profitFactor, Infinity)
    assert.equal(r.metricsJson, JSON.stringify(run.metrics))
    assert.deepEqual(r.metrics, JSON.parse(JSON.stringify(run.metrics)))
    assert.equal(r.metrics.strategy.profitFactor, null)
  })

  it('finite figures and NaN ones read back as they were: losses, a single trade, no trade, a flat curve', async () => {
    const runs = [runOf(dailyRun(), [win, loss]), runOf(dailyRun(), [win]), runOf(dailyRun([100, 100]), []), runOf(dailyRun([100, 99]), [loss])]
    assert.equal(runs[0].metrics.strategy.profitFactor, 3)
    await withStoreAt(path.join(tempDir(), 'finite.duckdb'), async (store) => {
      const ids = await recordRuns(store, runs)
      for (const [k, id] of ids.entries()) assert.deepEqual((await getRun(store.conn, id)).figures, printed(runs[k].metrics), `run ${k}`)
    })
  })

  it('runs show and runs compare print ∞, as the backtest did', async () => {
    const file = path.join(tempDir(), 'shown.duckdb')
    const [a, b] = await withStoreAt(file, async (store) => {
      const ids = await recordRuns(store, [infinite(), runOf(dailyRun(), [win, loss])])
      return [await getRun(store.conn, ids[0]), await getRun(store.conn, ids[1])]
    })
    const shown = renderRun(a, [], false)
    assert.match(shown, /^profit factor\s+∞\s*$/m)
    assert.match(shown, /^CAGR\s+∞\s+∞$/m)
    assert.match(shown, /^Calmar\s+∞\s+∞$/m)
    assert.match(renderCompare([a, b], false), /^profit factor\s+∞\s+3\.00$/m)
  })
})

describe('a recorded trade keeps its contract multiplier', () => {
  // ES at 10 per point: 2 contracts long 100 → 103 is 60 gross; 1 short 105 → 104 is 10.
  const es: Trade[] = [
    {symbol: 'ES', side: 'long', quantity: 2, entryTime: 0, entryPrice: 100, exitTime: D, exitPrice: 103, commission: 4, grossPnl: 60, netPnl: 56, multiplier: 10},
    {symbol: 'ES', side: 'short', quantity: 1, entryTime: D, entryPrice: 105, exitTime: 2 * D, exitPrice: 104, commission: 2, grossPnl: 10, netPnl: 8, multiplier: 10},
  ]
  const plain: Trade = {symbol: 'A', side: 'long', quantity: 3, entryTime: 0, entryPrice: 10, exitTime: D, exitPrice: 11, commission: 0, grossPnl: 3, netPnl: 3}
  const bars = (symbols: string[]) => symbols.map((s) => barsFromRows(s, D, [flat(0), flat(D), flat(2 * D)]))
  const futures = (symbols = ['ES', 'A']): Fixture => ({symbols, timeframe: '1D', bars: bars(symbols), value: [100, 150, 160], settings: DAILY, instruments: {ES: {multiplier: 10}}})

  /** The engine's log of the same trades (the multiplier by symbol index, as the broker's ledger keeps it). */
  function logged(trades: Trade[], symbols: string[], multipliers: number[]): RunToRecord['trades'] {
    const log = new TradeLog()
    log.multipliers = Float64Array.from(multipliers)
    for (const t of trades) log.push(t.side === 'long' ? 1 : -1, t.quantity, t.entryTime, t.entryPrice, t.exitTime, t.exitPrice, t.commission, t.grossPnl, t.netPnl, symbols.indexOf(t.symbol))
    return {log, symbols}
  }

  it('however the trades come (objects, a sweep\'s packed trades, the engine\'s log), they read back as --json gave them', async () => {
    const mixed = [es[0], plain, es[1]]
    const runs = [
      runOf(futures(), mixed),
      runOf(futures(['ES']), es, packTrades(es)!),
      runOf(futures(), mixed, logged(mixed, ['ES', 'A'], [10, 1])),
      runOf(dailyRun(), [plain]),
    ]
    await withStoreAt(path.join(tempDir(), 'm.duckdb'), async (store) => {
      const ids = await recordRuns(store, runs)
      const expected = [mixed, es, mixed, [plain]]
      for (const [k, id] of ids.entries()) {
        const trades = await getTrades(store.conn, id)
        assert.deepStrictEqual(trades, expected[k], `run ${k}`)
        // Key for key and in order, as the backtest's --json writes a trade.
        assert.equal(JSON.stringify(trades), JSON.stringify(expected[k]), `run ${k}`)
      }
      const stored = await rows(store.conn, `SELECT run_id::INTEGER AS run, multiplier, "return" FROM run_trades WHERE run_id = ${ids[1]} OR run_id = ${ids[3]} ORDER BY run_id, seq`)
      assert.deepEqual(stored, [
        {run: ids[1], multiplier: 10, return: 56 / (100 * 2 * 10)},
        {run: ids[1], multiplier: 10, return: 8 / (105 * 1 * 10)},
        {run: ids[3], multiplier: 1, return: 3 / 30},
      ])
    })
  })

  it('the --out trades files have a multiplier column when a trade has one; a plain run\'s keep their columns', async () => {
    const dir = tempDir()
    const header = 'trade,symbol,side,quantity,entry_time,entry_price,exit_time,exit_price,commission,gross_pnl,net_pnl,return'
    await withStoreAt(path.join(dir, 'out.duckdb'), async (store) => {
      const [f, p] = await recordRuns(store, [runOf(futures(), [es[0], plain]), runOf(dailyRun(), [plain])])
      await exportRunFiles(store.conn, f, path.join(dir, 'futures'))
      await exportRunFiles(store.conn, p, path.join(dir, 'plain'))
      const csv = readFileSync(path.join(dir, 'futures', 'trades.csv'), 'utf8').trim().split('\n')
      assert.equal(csv[0], `${header},multiplier`)
      assert.deepEqual(csv.slice(1).map((line) => Number(line.split(',').at(-1))), [10, 1])
      const parquet = await rows(store.conn, `SELECT symbol, multiplier FROM read_parquet('${path.join(dir, 'futures', 'trades.parquet')}') ORDER BY trade`)
      assert.deepEqual(parquet, [{symbol: 'ES', multiplier: 10}, {symbol: 'A', multiplier: 1}])
      assert.equal(readFileSync(path.join(dir, 'plain', 'trades.csv'), 'utf8').split('\n')[0], header)
      const columns = await rows(store.conn, `SELECT name FROM parquet_schema('${path.join(dir, 'plain', 'trades.parquet')}') WHERE name = 'multiplier'`)
      assert.deepEqual(columns, [])
    })
  })

  it('a store recorded before the column is migrated: plain trades read as before, a futures run\'s get the multiplier its spec gave', async () => {
    const file = path.join(tempDir(), 'old.duckdb')
    // `/` and `~` in a symbol are escaped in the JSON pointer into the spec's instruments.
    const odd: Trade = {...plain, symbol: 'X/~Y', grossPnl: 1.5, netPnl: 1.5, multiplier: 0.5}
    const oddFutures: Fixture = {...futures(['ES', 'A', 'X/~Y']), instruments: {ES: {multiplier: 10}, 'X/~Y': {multiplier: 0.5}}}
    const ids = await withStoreAt(file, async (store) => {
      const ids = await recordRuns(store, [runOf(dailyRun(), [plain]), runOf(oddFutures, [es[0], plain, odd])])
      // The store as the version before the column left it: no column, the migration not applied.
      await store.conn.run(`ALTER TABLE run_trades DROP COLUMN multiplier; DELETE FROM schema_migrations WHERE name = 'results/003-trade-multiplier'`)
      return ids
    })
    // As `bots runs show` opens it: read-only, migrated first.
    await withStoreAt(file, async (store) => {
      const applied = await rows(store.conn, `SELECT name FROM schema_migrations WHERE name = 'results/003-trade-multiplier'`)
      assert.equal(applied.length, 1)
      assert.deepStrictEqual(await getTrades(store.conn, ids[0]), [plain])
      assert.deepStrictEqual(await getTrades(store.conn, ids[1]), [es[0], plain, odd])
    }, true)
  })

  it('a store opened before the column\'s migration was registered (bots backtest opens it for the bars first) is migrated before a run is written', async () => {
    const recordOne = async (store: Store, run: RunToRecord) => (await recordRuns(store, [run]))[0]
    const stageOne = async (store: Store, run: RunToRecord) => {
      const staged = await stageRuns(store, [run])
      await staged.commit()
      return staged.ids[0]
    }
    for (const [name, write] of [['recordRuns', recordOne], ['stageRuns', stageOne]] as const) {
      await withStoreAt(path.join(tempDir(), `${name}.duckdb`), async (store) => {
        // This instance is now what an older bots' store is once opened by a process that had not
        // imported results/schema.ts yet: the recording shares it, so no open migrates it again.
        await store.conn.run(`ALTER TABLE run_trades DROP COLUMN multiplier; DELETE FROM schema_migrations WHERE name = 'results/003-trade-multiplier'`)
        const id = await write(store, runOf(futures(), es))
        assert.deepStrictEqual(await getTrades(store.conn, id), es, name)
      })
    }
  })
})
