/**
 * Writes runs into the results tables: each call is one transaction, so a run (or a whole sweep)
 * is either fully recorded or not at all.
 */
import type {DuckDBConnection} from '@duckdb/node-api'
import {appendRows, type Cell, type Kind} from '../data/append-rows.js'
import {migrate} from '../data/migrations.js'
import {inTransaction, releaseConnection, withConnection, type Store} from '../data/store.js'
import type {Trade} from '../model/trade.js'
import {TRADE_FIELDS, type PackedTrades} from '../model/packed-trades.js'
import type {TradeLog} from '../model/trade-log.js'
import {tradeColumns} from '../model/run-columns.js'
import type {Metrics} from '../metrics/metrics.js'
import type {MonthlyReturn} from '../metrics/monthly.js'
import {returnOnEntry, tradeReturn} from '../metrics/trade-stats.js'
import type {BotSpec} from '../model/bot-spec.js'
import {ColumnsAppender, type Column} from '../data/append-columns.js'
import {canonicalJson, specForRecord} from './hash.js'
import {restoreSharedBenchmark, sameMonthly, withoutSharedBenchmark} from './shared-benchmark.js'
import './schema.js'

export interface RunToRecord {
  /** Wall-clock time of the run (bookkeeping only; never used by the engine). */
  createdMs: number
  spec: BotSpec
  specHash: string
  barsHash: string
  strategy: string
  params: Record<string, unknown>
  /** As an object, or already as text (a sweep's runs: its workers make the text). */
  metrics: Metrics | MetricsText
  /** As objects, packed (a sweep's) or as the engine's broker logged them (model/run-columns.ts): the last two make no object per trade. */
  trades: readonly Trade[] | PackedTrades | LoggedTrades
  /** Omitted for sweep runs whose curve is not kept (and with `--equity none`). */
  equity?: {time: Float64Array; value: Float64Array; benchmark: Float64Array; resolution?: 'full' | 'daily'}
  sweepId?: number
}

/**
 * A run's metrics as the text JSON.stringify gives them (sweep/sent-metrics.ts), without
 * `monthly.benchmark` when `monthlyBenchmark` is set: the table left out (withoutSharedBenchmark).
 */
export interface MetricsText {
  period: Metrics['period']
  text: string
  monthlyBenchmark?: MonthlyReturn[]
}

/** A run's trades in its broker's log; `symbols` names the log's symbol indices. */
export interface LoggedTrades {
  log: TradeLog
  symbols: readonly string[]
}

/** A result's trades for recording: its broker's log when it has one (run-columns.ts), else its objects. */
export function recordedTrades(result: {trades: readonly Trade[]}): RunToRecord['trades'] {
  return tradeColumns(result) ?? result.trades
}

export async function recordRuns(store: Store, runs: readonly RunToRecord[]): Promise<number[]> {
  return withConnection(store, async (conn) => {
    await migrateFirst(conn)
    return inTransaction(conn, () => insertRuns(conn, runs))
  })
}

/**
 * The results tables brought up to date before a run is written into them. Every open migrates a
 * store, but only with the migrations registered by then, and `bots backtest` opens its store to
 * load the bars before it imports this module (lazily, with schema.ts): a recording that shares
 * that DuckDB instance would write rows of the new width into an older bots' tables. Two small
 * queries when nothing is pending. DuckDB replays these migrations from the WAL, so the commit's
 * or the close's checkpoint is enough.
 */
async function migrateFirst(conn: DuckDBConnection): Promise<void> {
  await migrate(conn)
}

/**
 * `recordRuns` in two steps, so that DuckDB's commit overlaps the caller's next work (a backtest's
 * report): the runs are written inside an open transaction and their ids returned; `commit()`
 * then commits and checkpoints (DuckDB does both on its own threads), or rolls back when that
 * fails. Until `commit()` settles the store must stay open; nothing is visible to others before.
 */
export async function stageRuns(store: Store, runs: readonly RunToRecord[]): Promise<{ids: number[]; commit: () => Promise<void>}> {
  const conn = await store.connect()
  const release = () => releaseConnection(store, conn)
  let ids: number[]
  try {
    await migrateFirst(conn)
    // The commit then checkpoints on DuckDB's thread as part of the same call. A CHECKPOINT
    // statement of its own could only be sent once this thread is free again, which is after
    // the report has rendered (~0.1 s more on the critical path). The setting is the
    // instance's, which the caller closes after the commit.
    await conn.run(`SET checkpoint_threshold = '0b'`)
    await conn.run('BEGIN TRANSACTION')
    ids = await insertRuns(conn, runs)
  } catch (e) {
    await conn.run('ROLLBACK').catch(() => {})
    release()
    throw e
  }
  const commit = async () => {
    try {
      await conn.run('COMMIT')
    } catch (e) {
      await conn.run('ROLLBACK').catch(() => {})
      release()
      throw e
    }
    release()
  }
  return {ids, commit}
}

/** A fresh id for the runs of one sweep. */
export async function nextSweepId(store: Store): Promise<number> {
  return withConnection(store, async (conn) => Number((await conn.runAndReadAll(`SELECT nextval('sweeps_id')::BIGINT AS id`)).getRowObjectsJS()[0].id))
}

/** The runs table's columns, in order (schema.ts: id first, equity_resolution added last). */
const RUN_KINDS: Kind[] = [
  'bigint', 'ts', 'varchar', 'varchar', 'varchar', 'varchar', 'varchar', 'varchar', 'varchar', 'varchar',
  'ts', 'ts', 'bigint', 'varchar', 'varchar', 'bigint', 'bool', 'varchar',
]

/**
 * The runs' rows, with ids from the sequence rising in their order, then every run's trades
 * through one appender and the kept equity curves through another. A sweep records thousands of
 * runs: an INSERT, an appender and its flush per run took ~15–30 ms a run (a 4,988-run sweep
 * recorded in two to three minutes).
 */
async function insertRuns(conn: DuckDBConnection, runs: readonly RunToRecord[]): Promise<number[]> {
  if (runs.length === 0) return []
  const reserved = await conn.runAndReadAll(`SELECT nextval('runs_id')::DOUBLE AS id FROM range(${runs.length})`)
  const ids = (reserved.getColumnsJS()[0] as number[]).sort((a, b) => a - b)
  const shared = sharedBenchmarks(runs)
  if (shared.size > 0) await appendRows(conn, 'sweep_benchmarks', ['bigint', 'varchar'], [...shared].map(([sweep, monthly]) => [sweep, JSON.stringify(monthly)]))
  await appendRows(conn, 'runs', RUN_KINDS, runs.map((run, k) => runRow(ids[k], run, shared)))
  await appendRuns(conn, 'run_trades', runs.length, (k) => tradeRows(ids[k], runs[k].trades))
  await appendRuns(conn, 'run_equity', runs.length, (k) => {
    const e = runs[k].equity
    return e && equityRows(ids[k], e)
  })
  return ids
}

/**
 * Each sweep's buy-and-hold monthly table, by sweep id, for sweeps of more than one run here (its
 * first run's; shared-benchmark.ts). A sweep recorded in several calls would need its row once:
 * every sweep records in one call (run-sweep.ts).
 */
function sharedBenchmarks(runs: readonly RunToRecord[]): Map<number, MonthlyReturn[]> {
  const first = new Map<number, MonthlyReturn[] | undefined>()
  const many = new Set<number>()
  for (const run of runs) {
    if (run.sweepId === undefined) continue
    if (first.has(run.sweepId)) many.add(run.sweepId)
    else first.set(run.sweepId, monthlyBenchmark(run.metrics))
  }
  // A first run whose text has its table (none of a sweep's today) leaves every run's whole.
  return new Map([...many].flatMap((sweep) => {
    const table = first.get(sweep)
    return table === undefined ? [] : [[sweep, table] as const]
  }))
}

/** Its buy-and-hold monthly table, or undefined for a text that keeps it (known only as text). */
function monthlyBenchmark(m: Metrics | MetricsText): MonthlyReturn[] | undefined {
  return 'text' in m ? m.monthlyBenchmark : m.monthly.benchmark
}

/** The metrics text of a run: without `monthly.benchmark` when its sweep's row holds the same table. */
function metricsText(run: RunToRecord, shared: ReadonlyMap<number, MonthlyReturn[]>): string {
  const table = run.sweepId === undefined ? undefined : shared.get(run.sweepId)
  const m = run.metrics
  if (!('text' in m)) return (table !== undefined && sameMonthly(m.monthly.benchmark, table) && withoutSharedBenchmark(m)) || JSON.stringify(m)
  if (m.monthlyBenchmark === undefined || (table !== undefined && sameMonthly(m.monthlyBenchmark, table))) return m.text
  return restoreSharedBenchmark(m.text, JSON.stringify(m.monthlyBenchmark))
}

/** A run's row of the runs table; a period start or end that is not a number (no bar) is NULL. */
function runRow(id: number, run: RunToRecord, shared: ReadonlyMap<number, MonthlyReturn[]>): Cell[] {
  const m = run.metrics
  return [
    id, Math.round(run.createdMs), run.spec.file ?? null, run.spec.name, run.specHash, run.barsHash, run.strategy,
    canonicalJson(run.params), JSON.stringify(run.spec.symbols), run.spec.timeframe,
    m.period.start, m.period.end, m.period.bars, metricsText(run, shared), canonicalJson(specForRecord(run.spec)),
    run.sweepId ?? null, run.equity !== undefined, run.equity ? (run.equity.resolution ?? 'full') : null,
  ]
}

interface Rows {
  columns: Column[]
  rows: number
}

/** Each run's rows (`rowsOf(k)`, built as they are appended), through one appender opened at the first. */
async function appendRuns(conn: DuckDBConnection, table: string, runs: number, rowsOf: (k: number) => Rows | undefined): Promise<void> {
  let appender: ColumnsAppender | undefined
  try {
    for (let k = 0; k < runs; k++) {
      const r = rowsOf(k)
      if (r === undefined || r.rows === 0) continue
      appender ??= await ColumnsAppender.open(conn, table, r.columns.map((c) => c.type))
      appender.append(r.columns, r.rows)
    }
    appender?.flush()
  } finally {
    appender?.close()
  }
}

function equityRows(id: number, {time, value, benchmark}: NonNullable<RunToRecord['equity']>): Rows {
  const n = time.length
  return {columns: [
    {type: 'bigint', values: new BigInt64Array(n).fill(BigInt(id))},
    {type: 'timestamp', values: time},
    {type: 'double', values: value},
    {type: 'double', values: benchmark},
  ], rows: n}
}

/** A run's rows of run_trades, in the table's column order (schema.ts: `multiplier`, added later, comes last). */
function tradeRows(id: number, trades: RunToRecord['trades']): Rows {
  const c = tradeColumnsOf(trades)
  const n = c.quantity.length
  const index = new Int32Array(n)
  for (let i = 0; i < n; i++) index[i] = i
  return {columns: [
    {type: 'bigint', values: new BigInt64Array(n).fill(BigInt(id))},
    {type: 'integer', values: index},
    {type: 'varchar', values: c.symbol},
    {type: 'varchar', values: c.side},
    {type: 'double', values: c.quantity},
    {type: 'timestamp', values: c.entryTime},
    {type: 'double', values: c.entryPrice},
    {type: 'timestamp', values: c.exitTime},
    {type: 'double', values: c.exitPrice},
    {type: 'double', values: c.commission},
    {type: 'double', values: c.grossPnl},
    {type: 'double', values: c.netPnl},
    {type: 'double', values: c.ret},
    {type: 'double', values: c.multiplier},
  ], rows: n}
}

type TradeColumns = Record<'quantity' | 'entryTime' | 'entryPrice' | 'exitTime' | 'exitPrice' | 'commission' | 'grossPnl' | 'netPnl' | 'ret' | 'multiplier', Float64Array> & {symbol: string[]; side: string[]}

function objectColumns(trades: readonly Trade[]): TradeColumns {
  const n = trades.length
  const col = () => new Float64Array(n)
  const c: TradeColumns = {
    symbol: new Array<string>(n), side: new Array<string>(n), quantity: col(), entryTime: col(), entryPrice: col(),
    exitTime: col(), exitPrice: col(), commission: col(), grossPnl: col(), netPnl: col(), ret: col(), multiplier: col(),
  }
  // One loop for every column: a run records once, so this runs cold, and ten loops (one per
  // column, each through its own accessor) took twice as long before the JIT caught up (~25 ms
  // for 20,000 trades). Float64Array.from(trades, f) is slower still (the iterator protocol).
  for (let i = 0; i < n; i++) {
    const t = trades[i]
    c.symbol[i] = t.symbol
    c.side[i] = t.side
    c.quantity[i] = t.quantity
    c.entryTime[i] = t.entryTime
    c.entryPrice[i] = t.entryPrice
    c.exitTime[i] = t.exitTime
    c.exitPrice[i] = t.exitPrice
    c.commission[i] = t.commission
    c.grossPnl[i] = t.grossPnl
    c.netPnl[i] = t.netPnl
    c.ret[i] = tradeReturn(t)
    c.multiplier[i] = t.multiplier ?? 1
  }
  return c
}

function tradeColumnsOf(trades: RunToRecord['trades']): TradeColumns {
  if (Array.isArray(trades)) return objectColumns(trades as readonly Trade[])
  if ('log' in trades) return loggedColumns(trades as LoggedTrades)
  const {symbol, values, multiplier = 1} = trades as PackedTrades
  return packedColumns(values, values.length / TRADE_FIELDS, () => symbol, () => multiplier)
}

function loggedColumns({log, symbols}: LoggedTrades): TradeColumns {
  return packedColumns(log.values, log.count, (i) => symbols[log.symbol[i]], (i) => log.multiplierOf(i))
}

/** The same columns from the first `n` trades of the packed layout (model/packed-trades.ts), field by field. */
function packedColumns(v: Float64Array, n: number, symbolOf: (i: number) => string, multiplierOf: (i: number) => number): TradeColumns {
  const field = (k: number) => {
    const out = new Float64Array(n)
    for (let i = 0, o = k; i < n; i++, o += TRADE_FIELDS) out[i] = v[o]
    return out
  }
  const side = new Array<string>(n)
  for (let i = 0; i < n; i++) side[i] = v[i * TRADE_FIELDS] > 0 ? 'long' : 'short'
  const symbol = new Array<string>(n)
  for (let i = 0; i < n; i++) symbol[i] = symbolOf(i)
  const multiplier = new Float64Array(n)
  for (let i = 0; i < n; i++) multiplier[i] = multiplierOf(i)
  const c = {
    symbol, side,
    quantity: field(1), entryTime: field(2), entryPrice: field(3), exitTime: field(4), exitPrice: field(5),
    commission: field(6), grossPnl: field(7), netPnl: field(8), ret: new Float64Array(n), multiplier,
  }
  for (let i = 0; i < n; i++) c.ret[i] = returnOnEntry(c.netPnl[i], c.entryPrice[i], c.quantity[i], multiplier[i])
  return c
}
