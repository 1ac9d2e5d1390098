/**
 * The `bots backtest --json` document: the run's header (spec, run id, summary, metrics…) followed
 * by the result (fills, trades, orders, positions, counts, logs) and the equity curve at the
 * resolution asked for (`--equity none|daily|full`). `writeBacktestJsonHeld` streams it (see
 * json-stream.ts); `backtestJsonDocument` builds the same document as one plain object, the way it
 * was built before streaming (small runs, tests). The shape is documented in README.md here.
 */
import type {Writable} from 'node:stream'
import type {BacktestOutcome} from '../backtest/run-spec.js'
import {resultToJson, type BacktestResult} from '../engine/result.js'
import type {Finished} from './finish-run.js'
import {ElementsOnDemand, writeJsonHeld, type HeldJson} from './json-stream.js'
import {fillAt} from '../model/fill-log.js'
import {fillColumns, orderColumns, tradeColumns} from '../model/run-columns.js'
import {orderAt} from '../model/order-log.js'
import {tradeAt} from '../model/trade-log.js'
import {dailyLastIndices, equityResolution, pickPoints, type EquityResolution} from './equity-resolution.js'

export {EQUITY_RESOLUTIONS, FULL_EQUITY_MAX_BARS, dailyLastIndices, equityResolution, type EquityResolution} from './equity-resolution.js'

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
  return {resolution, points: idx.length, bars, timeZone, time: pickPoints(equity.time, idx), value: pickPoints(equity.value, idx)}
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
  return {...head, ...streamedResult(result), equity: equityJson(result.equity, resolution, opts.timeZone)}
}

/**
 * The result's fields in their order, its fills, trades and orders made one at a time as they are
 * written when the run has them as columns (model/run-columns.ts): a run that traded every few bars
 * would otherwise make and hold hundreds of thousands of objects only to print them.
 */
function streamedResult(result: BacktestResult): Record<string, unknown> {
  const fills = fillColumns(result)
  const trades = tradeColumns(result)
  const orders = orderColumns(result)
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(result) as Array<keyof BacktestResult>) {
    if (key === 'fills' && fills) out.fills = new ElementsOnDemand(fills.log.count, (i) => fillAt(fills.log, fills.symbols, i))
    else if (key === 'trades' && trades) out.trades = new ElementsOnDemand(trades.log.count, (i) => tradeAt(trades.log, trades.symbols, i))
    else if (key === 'orders' && orders) out.orders = new ElementsOnDemand(orders.log.count, (i) => orderAt(orders.log, orders.symbols, i))
    else out[key] = result[key]
  }
  return out
}

/** The same document built in one piece, the way `--json` was before it streamed: plain arrays. */
export function backtestJsonDocument(head: Record<string, unknown>, result: BacktestResult, opts: BacktestJsonOptions): Record<string, unknown> {
  const resolution = equityResolution(opts.equity, result.equity.time.length)
  const {time, value, ...equity} = equityJson(result.equity, resolution, opts.timeZone)
  return {...head, ...resultToJson(result), equity: {...equity, time: Array.from(time), value: Array.from(value)}}
}

/**
 * Stream the document to `stream` (stdout by default), honouring backpressure, but for its last
 * block, which `end()` writes (see writeJsonHeld): the command ends it once the run is recorded.
 */
export async function writeBacktestJsonHeld(head: Record<string, unknown>, result: BacktestResult, opts: BacktestJsonOptions, stream: Writable = process.stdout): Promise<HeldJson> {
  return writeJsonHeld(stream, backtestStreamDocument(head, result, opts))
}
