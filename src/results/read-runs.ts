/** Reading recorded runs back: the list, one run with its metrics, its trades and its equity curve. */
import type {DuckDBConnection} from '@duckdb/node-api'
import {copyDoubleChunks} from '../data/chunk-copy.js'
import {BotsError} from '../core/errors.js'
import {isDuration, parseDuration} from '../core/duration.js'
import type {Trade} from '../model/trade.js'
import type {Metrics} from '../metrics/metrics.js'
import type {MonthlyReturn} from '../metrics/monthly.js'
import {withInfinities} from './metric-infinities.js'
import {restoreSharedBenchmark} from './shared-benchmark.js'
import './schema.js'

export interface RunRow {
  id: number
  created: string
  specFile: string | null
  specName: string
  specHash: string
  barsHash: string
  strategy: string
  params: Record<string, unknown>
  symbols: string[]
  timeframe: string
  /** Open time of the first bar. */
  start: number | null
  /** Close time of the last bar, as recorded (the engine's `result.end`, `MarketView.closeOf`). */
  end: number | null
  /**
   * Open time of the last bar: the period's end as `bots backtest` and the HTML report show it
   * (a daily run ending on 2014-12-31 has `end` at 2015-01-01 00:00, the close of that bar).
   */
  lastBar: number | null
  bars: number
  sweepId: number | null
  equityStored: boolean
  /** The stored curve's points: every bar, each market day's last bar, or none. */
  equityResolution: 'full' | 'daily' | 'none'
  /**
   * Text as stored (byte-stable: what the backtest's `--json` wrote, so what `runs show --json`
   * writes); `metrics` is it parsed, NaN and ±Infinity alike as null.
   */
  metricsJson: string
  metrics: Metrics
  /**
   * `metrics` with the infinities their nulls stood for (metric-infinities.ts): the figures the
   * run printed (a run of winners only has profit factor ∞), for the tables of `runs show`,
   * `runs compare` and `runs list`.
   */
  figures: Metrics
  spec: Record<string, unknown>
}

const COLUMNS = `id::DOUBLE AS id, strftime(created, '%Y-%m-%dT%H:%M:%S.%g') AS created, spec_file, spec_name, spec_hash, bars_hash,
  strategy, params, symbols, timeframe, epoch_ms(start_ts)::DOUBLE AS start, epoch_ms(end_ts)::DOUBLE AS "end", bars::DOUBLE AS bars,
  sweep_id::DOUBLE AS sweep_id, equity_stored, equity_resolution, metrics, spec, sweep_benchmarks.monthly AS sweep_monthly`

/** The runs with their sweep's shared buy-and-hold table beside them (shared-benchmark.ts). */
const RUNS = 'runs LEFT JOIN sweep_benchmarks USING (sweep_id)'

export interface ListOptions {
  limit?: number
  /** Only the runs of one sweep. */
  sweepId?: number
}

export async function listRuns(conn: DuckDBConnection, opts: ListOptions = {}): Promise<RunRow[]> {
  const where = opts.sweepId === undefined ? '' : 'WHERE sweep_id = $2'
  const params: Array<number> = [opts.limit ?? 20]
  if (opts.sweepId !== undefined) params.push(opts.sweepId)
  const r = await conn.runAndReadAll(`SELECT ${COLUMNS} FROM ${RUNS} ${where} ORDER BY id DESC LIMIT $1`, params)
  return r.getRowObjectsJS().map(toRun)
}

/** How many runs there are (of a sweep), and the highest sweep id: what a listing cut by its limit leaves out. */
export async function countRuns(conn: DuckDBConnection, sweepId?: number): Promise<{runs: number; lastSweep: number | null}> {
  const r = (await conn.runAndReadAll(
    `SELECT count(*) FILTER (WHERE $1::DOUBLE IS NULL OR sweep_id = $1)::DOUBLE AS n, max(sweep_id)::DOUBLE AS sweep FROM runs`,
    [sweepId ?? null],
  )).getRowObjectsJS()[0]
  return {runs: Number(r.n), lastSweep: r.sweep === null ? null : Number(r.sweep)}
}

export async function getRun(conn: DuckDBConnection, id: number): Promise<RunRow> {
  const r = await conn.runAndReadAll(`SELECT ${COLUMNS} FROM ${RUNS} WHERE id = $1`, [id])
  const row = r.getRowObjectsJS()[0]
  if (!row) {
    const last = (await conn.runAndReadAll('SELECT max(id)::DOUBLE AS id FROM runs')).getRowObjectsJS()[0].id
    throw new BotsError(`no run with id ${id}`, {code: 'runs.unknown', hint: last === null ? 'no runs are recorded in this store yet' : `run ids go up to ${last}; see \`bots runs list\``})
  }
  return toRun(row)
}

/** A run's trades as the backtest's --json gave them: `multiplier` only when it is not 1, last (model/trade-log.ts tradeAt). */
export async function getTrades(conn: DuckDBConnection, id: number): Promise<Trade[]> {
  const r = await conn.runAndReadAll(
    `SELECT symbol, side, quantity, epoch_ms(entry_ts)::DOUBLE AS entry, entry_price, epoch_ms(exit_ts)::DOUBLE AS exit, exit_price,
       commission, gross_pnl, net_pnl, multiplier FROM run_trades WHERE run_id = $1 ORDER BY seq`,
    [id],
  )
  return r.getRowObjectsJS().map((t) => {
    const trade: Trade = {
      symbol: String(t.symbol),
      side: t.side as Trade['side'],
      quantity: Number(t.quantity),
      entryTime: Number(t.entry),
      entryPrice: Number(t.entry_price),
      exitTime: Number(t.exit),
      exitPrice: Number(t.exit_price),
      commission: Number(t.commission),
      grossPnl: Number(t.gross_pnl),
      netPnl: Number(t.net_pnl),
    }
    // DuckDB adds a column without NOT NULL; a NULL (never written by bots) means the default, a plain unit.
    const multiplier = t.multiplier === null ? 1 : Number(t.multiplier)
    if (multiplier !== 1) trade.multiplier = multiplier
    return trade
  })
}

export async function getEquity(conn: DuckDBConnection, id: number): Promise<{time: Float64Array; value: Float64Array; benchmark: Float64Array}> {
  const n = Number((await conn.runAndReadAll('SELECT count(*)::DOUBLE AS n FROM run_equity WHERE run_id = $1', [id])).getRowObjectsJS()[0].n)
  const cols = [new Float64Array(n), new Float64Array(n), new Float64Array(n)]
  const result = await conn.stream('SELECT epoch_ms(ts)::DOUBLE, value, benchmark FROM run_equity WHERE run_id = $1 ORDER BY ts', [id])
  await copyDoubleChunks(result, cols)
  return {time: cols[0], value: cols[1], benchmark: cols[2]}
}

function toRun(r: Record<string, unknown>): RunRow {
  const num = (v: unknown) => (v === null ? null : Number(v))
  const {metrics, metricsJson} = recordedMetrics(String(r.metrics), r.sweep_monthly === null ? undefined : String(r.sweep_monthly))
  return {
    id: Number(r.id),
    created: String(r.created),
    specFile: r.spec_file === null ? null : String(r.spec_file),
    specName: String(r.spec_name),
    specHash: String(r.spec_hash),
    barsHash: String(r.bars_hash),
    strategy: String(r.strategy),
    params: JSON.parse(String(r.params)),
    symbols: JSON.parse(String(r.symbols)),
    timeframe: String(r.timeframe),
    start: num(r.start),
    end: num(r.end),
    lastBar: lastBarOpen(num(r.end), String(r.timeframe)),
    bars: Number(r.bars),
    sweepId: num(r.sweep_id),
    equityStored: Boolean(r.equity_stored),
    // Runs recorded before the column existed stored every bar.
    equityResolution: !r.equity_stored ? 'none' : r.equity_resolution === 'daily' ? 'daily' : 'full',
    metricsJson,
    metrics,
    figures: withInfinities(metrics),
    spec: JSON.parse(String(r.spec)),
  }
}

/** A run's metrics, with its sweep's buy-and-hold monthly table put back where it was left out. */
function recordedMetrics(text: string, sweepMonthly: string | undefined): {metrics: Metrics; metricsJson: string} {
  const metrics = JSON.parse(text) as Metrics
  if (sweepMonthly === undefined || metrics.monthly.benchmark !== undefined) return {metrics, metricsJson: text}
  metrics.monthly.benchmark = JSON.parse(sweepMonthly) as MonthlyReturn[]
  return {metrics, metricsJson: restoreSharedBenchmark(text, sweepMonthly)}
}

/**
 * The last bar's open from its close: `closeOf` caps a close at the next bar's open, but the last
 * bar has no next bar, so its close is exactly open + timeframe.
 */
export function lastBarOpen(end: number | null, timeframe: string): number | null {
  if (end === null) return null
  return isDuration(timeframe) ? end - parseDuration(timeframe) : end
}
