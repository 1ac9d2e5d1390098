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
    ['orders', `${r.counts.orders} (${r.counts.fills} filled, ${r.counts.rejected} rejected, ${r.counts.canceled} canceled)${
      r.counts.sameBar ? `; ${r.counts.sameBar} OCO exit${r.counts.sameBar > 1 ? 's' : ''} decided by broker.same_bar (${spec.broker.sameBar ?? 'stop_first'})` : ''}`],
    ['trades', `${r.counts.trades} closed${r.positions.length ? `, ${r.positions.length} position${r.positions.length > 1 ? 's' : ''} open at the end` : ''}`],
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
  for (const w of o.warnings) lines.unshift(`${c('yellow', 'warning')} ${w.path ?? ''} ${w.message}`.replace(/  +/g, ' '))
  for (const i of o.imports) {
    if (i.action !== 'imported' || !i.import) continue
    // What the import did with rows out of the usual order: said, as `bots data import` says it.
    const notes = i.import.files.flatMap((f) => importNotes(f, i.import!.timezone))
    lines.unshift(c('dim', `imported ${i.file} into the store${notes.length ? `: ${notes.join('; ')}` : ''}`))
  }
  return lines.join('\n')
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

function paramsText(params: Record<string, unknown>): string {
  const entries = Object.entries(params)
  return entries.length ? ` · ${entries.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')}` : ''
}
