/** The terminal summary of a backtest: what ran, over what, then the metrics beside buy-and-hold. */
import type {BacktestOutcome} from '../../backtest/run-spec.js'
import {METRIC_ROWS, formatMetric, metricValue} from '../../metrics/metric-rows.js'
import type {Metrics} from '../../metrics/metrics.js'
import {timeFormatter} from '../../report/render-report.js'
import type {Finished} from '../../results/finish-run.js'
import {displayPath, runsShowCommand} from '../../results/report-path.js'
import {resolveStorePath} from '../../data/store-path.js'
import {marketTimezone} from '../../calendar/index.js'
import {paint} from '../color.js'
import {importNotes} from './import-notes.js'
import {fixedNumber, localeNumber} from '../../core/fixed-number.js'
import {formatLocation, type Diagnostic} from '../../core/errors.js'
import type {LogEntry} from '../../engine/result.js'

type Paint = ReturnType<typeof paint>

export function renderBacktestSummary(o: BacktestOutcome, finished: Finished, color: boolean): string {
  const c = paint(color)
  const {result: r, spec} = o
  const m = finished.metrics
  const tz = marketTimezone(spec.market)
  const fmtTime = timeFormatter(tz, spec.timeframeMs)
  const lastBar = r.counts.bars > 0 ? r.equity.time[r.counts.bars - 1] : NaN
  const zone = typeof spec.market === 'string' ? spec.market : spec.market.timezone
  const head: Array<[string, string]> = [
    ['strategy', `${r.strategy} (${r.runner} runner)${paramsText(spec.strategy.params)}`],
    ['symbols', `${r.symbols.join(', ')} · ${spec.timeframe} bars · ${zone}`],
    ['period', r.counts.bars > 0 ? `${fmtTime(r.start)} → ${fmtTime(lastBar)}${spec.timeframeMs < 86_400_000 ? ` ${tz}` : ''}` : 'no bars in the window'],
    ['bars', `${localeNumber(r.counts.bars)} (${localeNumber(r.counts.iterations)} iterations)`],
    ['orders', `${r.counts.orders} (${ordersText(r.counts)})${
      r.counts.sameBar ? `; ${r.counts.sameBar} OCO exit${r.counts.sameBar > 1 ? 's' : ''} decided by broker.same_bar (${spec.broker.sameBar ?? 'stop_first'})` : ''}`],
    ['trades', `${r.counts.trades} closed${r.positions.length ? `, ${r.positions.length} position${r.positions.length > 1 ? 's' : ''} open at the end${openPnlText(r, m)}` : ''}`],
    ['initial cash', money(r.initialCash)],
  ]
  const width = Math.max(...head.map(([k]) => k.length), ...METRIC_ROWS.map((x) => x.label.length))
  const lines = head.map(([k, v]) => `${c('dim', k.padEnd(width))}  ${v}`)
  lines.push('', ...metricsTable(m, width, fmtTime, c))
  lines.push(c('dim', `annualised with ${m.settings.annualisation}; risk-free rate ${(m.settings.riskFreeRate * 100).toFixed(2)}%; buy & hold = equal parts at each symbol's first close, no costs`))
  const tail: string[] = []
  if (finished.runId !== undefined) {
    const db = finished.store ? ` in ${displayPath(finished.store)}` : ''
    tail.push(`recorded as run ${finished.runId}${db} (${runsShowCommand(finished.runId, finished.store, resolveStorePath())})`)
  } else tail.push('not recorded (--no-record)')
  if ((finished.runId !== undefined || finished.files.length > 0) && finished.equityResolution !== 'full') {
    tail.push(finished.equityResolution === 'daily'
      ? `equity curve stored at one point per market day of the ${localeNumber(r.counts.bars)} bars (--equity full keeps every bar)`
      : 'equity curve not stored (--equity none)')
  }
  for (const f of finished.files) tail.push(`wrote ${displayPath(f.path)}`)
  if (finished.report) tail.push(`report ${displayPath(finished.report)}`)
  lines.push('', ...tail.map((t) => c('dim', t)))
  // A daily bar's iteration runs at its close, midnight of the next day: dated by its own day
  // (`initialize`, at the first bar's open, by that day).
  const logTime = (t: number) => fmtTime(spec.timeframeMs >= 86_400_000 && t > r.start ? t - 1 : t)
  lines.push(...strategyLogLines(r.logs, r.logsDropped, logTime, c))
  const imported: string[] = []
  for (const i of o.imports) {
    if (i.action !== 'imported' || !i.import) continue
    // What the import did with rows out of the usual order: said, as `bots data import` says it.
    const notes = i.import.files.flatMap((f) => importNotes(f, i.import!.timezone))
    imported.push(c('dim', `imported ${i.file} into the store${notes.length ? `: ${notes.join('; ')}` : ''}`))
  }
  // Warnings first, in the order found, each located and with its hint, as `bots validate` says them.
  lines.unshift(...imported, ...o.warnings.flatMap((w) => warningLines(w, c)))
  return lines.join('\n')
}

/**
 * Orders by how they ended, adding up to the orders placed: filled (whole; one filled in parts is
 * one), rejected, canceled (a part may have filled), and still open at the end. Fills are said
 * apart when orders filled in parts (broker.max_volume_share).
 */
function ordersText(n: BacktestOutcome['result']['counts']): string {
  const open = n.open ?? 0
  const filled = n.orders - n.rejected - n.canceled - open
  const parts = n.fills !== filled ? `; ${localeNumber(n.fills)} fills` : ''
  return `${filled} filled, ${n.rejected} rejected, ${n.canceled} canceled${open > 0 ? `, ${open} open at the end` : ''}${parts}`
}

/**
 * What the open positions hold of the run's P&L, so the summary adds up (found by an audit: a
 * rebalancing strategy with no closed trade showed only its unrealised P&L, and some 2,000 of its
 * result were in no figure): unrealised, and what their exits so far realised (partial closes)
 * net of their commissions (their entries' too). Final equity = initial cash + closed trades' net
 * P&L + these two.
 */
function openPnlText(r: BacktestOutcome['result'], m: Metrics): string {
  const unrealised = r.positions.reduce((a, p) => a + p.unrealizedPnl, 0)
  const closed = r.counts.trades > 0 ? m.strategy.grossProfit - m.strategy.grossLoss : 0
  const realised = r.finalValue - r.initialCash - closed - unrealised
  const shown = money(realised)
  return `: unrealised ${money(unrealised)}${/^-?0\.00$/.test(shown) ? '' : `; realised in them so far, net of their commissions, ${shown}`}`
}

function warningLines(w: Diagnostic, c: Paint): string[] {
  const where = formatLocation(w)
  const head = `${where ? `${c('bold', where)} ` : ''}${c('yellow', 'warning')}${w.path ? ` ${w.path}` : ''} ${w.message}`
  return w.hint ? [head, `  ${c('dim', 'hint:')} ${w.hint}`] : [head]
}

/** At most this many of the strategy's own warnings and errors (`ctx.log`) are printed; `--json` has them all. */
export const SHOWN_STRATEGY_LOGS = 5

/**
 * The strategy's warnings and errors (`ctx.log.warn`/`error`): what it says is wrong with its
 * params or its data (a weight for a symbol the bot does not trade) must not hide in `--json`.
 */
function strategyLogLines(logs: readonly LogEntry[], dropped: number, fmtTime: (t: number) => string, c: Paint): string[] {
  const said = logs.filter((l) => l.level !== 'info')
  if (said.length === 0) return []
  const out = said.slice(0, SHOWN_STRATEGY_LOGS).map((l) => `${c('yellow', `strategy ${l.level === 'warn' ? 'warning' : 'error'}`)} ${fmtTime(l.time)} ${l.message}`)
  const more = said.length - SHOWN_STRATEGY_LOGS
  const notes: string[] = []
  if (more > 0) notes.push(`${localeNumber(more)} more from the strategy: --json has them`)
  if (dropped > 0) notes.push(`its log kept only its first lines (${localeNumber(dropped)} more were not kept)`)
  if (notes.length > 0) out.push(c('dim', notes.join('; ')))
  return ['', ...out]
}

/** Rows of metrics: label, strategy, buy & hold. */
export function metricsTable(m: Metrics, width: number, fmtTime: (t: number) => string, c: Paint): string[] {
  const cells = METRIC_ROWS.map((row) => {
    const s = metricValue(m.strategy, row.key)
    return {
      label: row.label,
      s: formatMetric(s, row.format, fmtTime),
      b: row.benchmark ? formatMetric(metricValue(m.benchmark, row.key), row.format, fmtTime) : '',
      signed: row.key === 'totalReturn' || row.key === 'cagr' ? (s ?? 0) : 0,
    }
  })
  const sw = Math.max('strategy'.length, ...cells.map((x) => x.s.length))
  const out = [`${' '.repeat(width)}  ${c('bold', 'strategy'.padStart(sw))}  ${c('bold', 'buy & hold')}`]
  for (const x of cells) {
    const s = x.s.padStart(sw)
    out.push(`${c('dim', x.label.padEnd(width))}  ${x.signed > 0 ? c('green', s) : x.signed < 0 ? c('red', s) : s}  ${x.b.padStart(10)}`)
  }
  return out
}

const money = (v: number) => fixedNumber(v, 2)

/**
 * The params on one line: scalars as they are, a nested block (a `rules` bot's indicators and
 * conditions) by its keys, so the line stays a line (the spec, the report and --json have them whole).
 */
function paramsText(params: Record<string, unknown>): string {
  const entries = Object.entries(params)
  const value = (v: unknown): string => {
    if (typeof v === 'string') return v
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const pairs = Object.entries(v)
      const flat = `{${pairs.map(([k, x]) => `${k}: ${typeof x === 'string' ? x : JSON.stringify(x)}`).join(', ')}}`
      return pairs.every(([, x]) => x === null || typeof x !== 'object') && flat.length <= 60 ? flat : `{${Object.keys(v).join(', ')}}`
    }
    const json = JSON.stringify(v)
    return Array.isArray(v) && json.length > 40 ? `[${v.length} items]` : json
  }
  return entries.length ? ` · ${entries.map(([k, v]) => `${k}=${value(v)}`).join(' ')}` : ''
}
