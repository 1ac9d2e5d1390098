/** `bots runs list | show | compare` in the terminal. */
import {paint} from '../color.js'
import {METRIC_ROWS, formatMetric, metricValue} from '../../metrics/metric-rows.js'
import {parseDuration} from '../../core/duration.js'
import {DAY_MS} from '../../model/time.js'
import type {Trade} from '../../model/trade.js'
import {timeFormatter} from '../../report/render-report.js'
import type {RunRow} from '../../results/read-runs.js'
import {fixedNumber, localeNumber} from '../../core/fixed-number.js'

const params = (p: Record<string, unknown>) => Object.entries(p).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')
const pct = (v: number | null) => formatMetric(v, 'pct', String)
const ratio = (v: number | null) => formatMetric(v, 'ratio', String)

/** Instants of a recorded run as its market shows them (the time zone is in the run's metrics). */
function formatMetricTime(r: Pick<RunRow, 'metrics' | 'timeframe'>): (t: number) => string {
  return timeFormatter(r.metrics.settings.timezone, parseDuration(r.timeframe))
}

/** First bar → last bar, as `bots backtest` prints it (intraday times with the market's zone). */
export function periodText(r: Pick<RunRow, 'metrics' | 'timeframe' | 'start' | 'lastBar'>): string {
  if (r.start === null || r.lastBar === null) return 'no bars'
  const fmtTime = formatMetricTime(r)
  const zone = parseDuration(r.timeframe) < DAY_MS ? ` ${r.metrics.settings.timezone}` : ''
  return `${fmtTime(r.start)} → ${fmtTime(r.lastBar)}${zone}`
}

/** Width of `runs list` when stdout is not a terminal (pipes, CI). */
export const DEFAULT_WIDTH = 120
/** Params longer than this are cut with … in the list; `--json` has them whole. */
export const PARAMS_MAX = 40
// Text columns cut to fit (params, spec, strategy) and how narrow each may get.
const SHRINK: ReadonlyArray<{column: number; min: number}> = [{column: 4, min: 12}, {column: 2, min: 12}, {column: 3, min: 8}]

export function renderRunList(runs: RunRow[], color: boolean, width = DEFAULT_WIDTH): string {
  const c = paint(color)
  if (runs.length === 0) return 'no runs recorded yet (`bots backtest SPEC` records one)'
  const header = ['id', 'created (UTC)', 'spec', 'strategy', 'params', 'return', 'sharpe', 'max dd', 'trades']
  const rows = runs.map((r) => {
    const m = r.figures.strategy
    return [String(r.id), r.created.slice(0, 19).replace('T', ' '), r.specName, r.strategy, ellipsis(params(r.params), PARAMS_MAX), pct(m.totalReturn), ratio(m.sharpe), pct(m.maxDrawdown), String(m.trades)]
  })
  return table(header, fitColumns(header, rows, width), new Set([2, 3, 4]), c)
}

/**
 * Cut the text columns until a line fits in `width`: always the widest of them (params first on a
 * tie), so a long spec name and long params share the cut. Columns stop at their floor.
 */
export function fitColumns(header: string[], rows: string[][], width: number): string[][] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  let over = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1) - width
  while (over > 0) {
    let pick: number | undefined
    for (const {column, min} of SHRINK) {
      if (widths[column] > Math.max(min, header[column].length) && (pick === undefined || widths[column] > widths[pick])) pick = column
    }
    if (pick === undefined) break
    widths[pick]--
    over--
  }
  return rows.map((r) => r.map((cell, i) => ellipsis(cell, widths[i])))
}

function ellipsis(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

export function renderRun(r: RunRow, trades: Trade[], color: boolean): string {
  const c = paint(color)
  const fmtTime = formatMetricTime(r)
  const head: Array<[string, string]> = [
    ['run', `${r.id}${r.sweepId !== null ? ` (sweep ${r.sweepId})` : ''} · recorded ${r.created.slice(0, 19).replace('T', ' ')} UTC`],
    ['spec', `${r.specName}${r.specFile ? ` (${r.specFile})` : ''}`],
    ['strategy', `${r.strategy}${Object.keys(r.params).length ? ` · ${params(r.params)}` : ''}`],
    ['symbols', `${r.symbols.join(', ')} · ${r.timeframe} bars · ${localeNumber(r.bars)} bars`],
    ['period', periodText(r)],
    ['initial cash', initialCashText(r)],
    ['spec hash', r.specHash],
    ['bars hash', r.barsHash],
  ]
  const width = Math.max(...head.map(([k]) => k.length), ...METRIC_ROWS.map((x) => x.label.length))
  const lines = head.map(([k, v]) => `${c('dim', k.padEnd(width))}  ${v}`)
  lines.push('')
  const rows = METRIC_ROWS.map((row) => [row.label, formatMetric(metricValue(r.figures.strategy, row.key), row.format, fmtTime), row.benchmark ? formatMetric(metricValue(r.figures.benchmark, row.key), row.format, fmtTime) : ''])
  lines.push(table(['', 'strategy', 'buy & hold'], rows, new Set([0]), c))
  const curve = r.equityResolution === 'daily' ? ' · equity curve stored at one point per market day' : r.equityStored ? '' : r.sweepId !== null ? ' · equity curve not stored (a sweep run outside the top)' : ' · equity curve not stored (--equity none)'
  lines.push('', c('dim', `${trades.length} trades${curve}; --json for all of them`))
  return lines.join('\n')
}

/** The run's starting cash, as its recorded spec had it (overrides applied); `-` when not recorded. */
function initialCashText(r: RunRow): string {
  const cash = (r.spec.broker as {cash?: unknown} | undefined)?.cash
  return typeof cash === 'number' ? fixedNumber(cash, 2) : '-'
}

export function renderCompare(runs: RunRow[], color: boolean): string {
  const c = paint(color)
  const header = ['', ...runs.map((r) => `run ${r.id}`)]
  const rows: string[][] = [
    ['spec', ...runs.map((r) => r.specName)],
    ['params', ...runs.map((r) => ellipsis(params(r.params), PARAMS_MAX) || '-')],
    // What the figures are over and from: runs of other periods or cash are not like for like.
    ['period', ...runs.map((r) => periodText(r))],
    ['initial cash', ...runs.map(initialCashText)],
    ...METRIC_ROWS.map((row) => [row.label, ...runs.map((r) => formatMetric(metricValue(r.figures.strategy, row.key), row.format, formatMetricTime(r)))]),
  ]
  const same = runs.every((r) => r.barsHash === runs[0].barsHash)
  return `${table(header, rows, new Set([0]), c)}\n\n${c('dim', same ? 'all runs used the same bars' : 'the runs used different bars (bars hashes differ)')}`
}

function table(header: string[], rows: string[][], left: Set<number>, c: ReturnType<typeof paint>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => cells.map((x, i) => (left.has(i) ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ').trimEnd()
  return [c('bold', line(header)), ...rows.map(line)].join('\n')
}
