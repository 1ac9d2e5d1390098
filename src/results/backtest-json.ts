/**
 * The `bots backtest --json` document: the run's header (spec, run id, summary, metrics…) followed
 * by the result (fills, trades, orders, positions, counts, logs) and the equity curve at the
 * resolution asked for (`--equity none|daily|full`). `writeBacktestJson` streams it (see
 * json-stream.ts); `backtestJsonDocument` builds the same document as one plain object, the way it
 * was built before streaming (small runs, tests). The shape is documented in README.md here.
 */
import type {Writable} from 'node:stream'
import {localDayNumber, wallToUtc} from '../calendar/timezone.js'
import type {BacktestOutcome} from '../backtest/run-spec.js'
import {resultToJson, type BacktestResult} from '../engine/result.js'
import {DAY_MS} from '../model/time.js'
import type {Finished} from './finish-run.js'
import {writeJson} from './json-stream.js'

export const EQUITY_RESOLUTIONS = ['none', 'daily', 'full'] as const
export type EquityResolution = (typeof EQUITY_RESOLUTIONS)[number]

/** Up to this many bars the default is the full curve; above it, one point a day. */
export const FULL_EQUITY_MAX_BARS = 100_000

/** The resolution used: the one asked for, else `full` up to FULL_EQUITY_MAX_BARS points, else `daily`. */
export function equityResolution(asked: EquityResolution | undefined, bars: number): EquityResolution {
  return asked ?? (bars <= FULL_EQUITY_MAX_BARS ? 'full' : 'daily')
}

/**
 * Indices of the last point of each calendar day in `tz` (time ascending, epoch ms). A day's last
 * point is the last bar that opened that day; days without bars have none.
 */
export function dailyLastIndices(time: ArrayLike<number>, tz: string): Uint32Array {
  const n = time.length
  const picked = new Uint32Array(n)
  let count = 0
  let nextDay = -Infinity // first instant of the local day after the current point's
  for (let i = 0; i < n; i++) {
    const t = time[i]
    if (t >= nextDay) {
      if (i > 0) picked[count++] = i - 1
      nextDay = wallToUtc((localDayNumber(t, tz) + 1) * DAY_MS, tz)
    }
  }
  if (n > 0) picked[count++] = n - 1
  return picked.slice(0, count)
}

export interface EquityJson {
  resolution: EquityResolution
  /** Points written (the length of `time` and `value`). */
  points: number
  /** Points of the full curve (one per bar). */
  bars: number
  /** The time zone whose calendar days `daily` picks (the market's). Only with `daily`. */
  timeZone?: string
  time: Float64Array
  value: Float64Array
}

/** The equity curve at `resolution` (typed arrays: the result's own for `full`, copies for `daily`). */
export function equityJson(equity: BacktestResult['equity'], resolution: EquityResolution, timeZone: string): EquityJson {
  const bars = equity.time.length
  if (resolution === 'full') return {resolution, points: bars, bars, time: equity.time, value: equity.value}
  if (resolution === 'none') return {resolution, points: 0, bars, time: new Float64Array(0), value: new Float64Array(0)}
  const idx = dailyLastIndices(equity.time, timeZone)
  const time = new Float64Array(idx.length)
  const value = new Float64Array(idx.length)
  for (let k = 0; k < idx.length; k++) {
    time[k] = equity.time[idx[k]]
    value[k] = equity.value[idx[k]]
  }
  return {resolution, points: idx.length, bars, timeZone, time, value}
}

/** The document's first keys: the run (spec, run id, hashes), its summary and metrics, what it wrote, warnings, imports. */
export function backtestJsonHead(outcome: BacktestOutcome, finished: Finished): Record<string, unknown> {
  return {
    spec: outcome.spec.file,
    runId: finished.runId ?? null,
    store: finished.store ?? null,
    specHash: finished.specHash,
    barsHash: finished.barsHash,
    summary: outcome.summary,
    metrics: finished.metrics,
    files: finished.files,
    report: finished.report ?? null,
    warnings: outcome.warnings,
    imports: outcome.imports.map(({symbol, file, action}) => ({symbol, file, action})),
  }
}

export interface BacktestJsonOptions {
  /** `--equity`; undefined for the default (equityResolution). */
  equity?: EquityResolution
  /** The market's time zone (days for `daily`). */
  timeZone: string
}

/**
 * The document as streamed: `head` first, then the result's fields (typed arrays and objects as
 * they are; the writer serialises them), the equity curve replaced by its EquityJson.
 */
export function backtestStreamDocument(head: Record<string, unknown>, result: BacktestResult, opts: BacktestJsonOptions): Record<string, unknown> {
  const resolution = equityResolution(opts.equity, result.equity.time.length)
  return {...head, ...result, equity: equityJson(result.equity, resolution, opts.timeZone)}
}

/** The same document built in one piece, the way `--json` was before it streamed: plain arrays. */
export function backtestJsonDocument(head: Record<string, unknown>, result: BacktestResult, opts: BacktestJsonOptions): Record<string, unknown> {
  const resolution = equityResolution(opts.equity, result.equity.time.length)
  const {time, value, ...equity} = equityJson(result.equity, resolution, opts.timeZone)
  return {...head, ...resultToJson(result), equity: {...equity, time: Array.from(time), value: Array.from(value)}}
}

/** Stream the document to `stream` (stdout by default), honouring backpressure. */
export async function writeBacktestJson(head: Record<string, unknown>, result: BacktestResult, opts: BacktestJsonOptions, stream: Writable = process.stdout): Promise<void> {
  await writeJson(stream, backtestStreamDocument(head, result, opts))
}
