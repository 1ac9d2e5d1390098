/** The terminal summary of a backtest: what ran, over what, and the headline figures. */
import type {BacktestOutcome} from '../backtest/run-spec.js'
import {localDateOf, utcToLocalParts} from '../calendar/index.js'
import {DAY_MS} from '../core/duration.js'
import {marketTimezone} from '../spec/bot-spec.js'
import {paint} from './color.js'

const money = (v: number) => v.toLocaleString('en-US', {minimumFractionDigits: 2, maximumFractionDigits: 2})
const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : 'n/a')
const num = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a')

export function renderBacktestSummary(o: BacktestOutcome, color: boolean): string {
  const c = paint(color)
  const {result: r, summary: s, spec} = o
  const tz = marketTimezone(spec.market)
  const lastBar = r.counts.bars > 0 ? r.equity.time[r.counts.bars - 1] : NaN
  const period = r.counts.bars > 0 ? `${localTime(r.start, tz, spec.timeframeMs)} → ${localTime(lastBar, tz, spec.timeframeMs)}` : 'no bars in the window'
  const rows: Array<[string, string]> = [
    ['strategy', `${r.strategy} (${r.runner} runner)`],
    ['symbols', `${r.symbols.join(', ')} · ${spec.timeframe} bars · ${typeof spec.market === 'string' ? spec.market : spec.market.timezone}`],
    ['period', period],
    ['bars', `${r.counts.bars.toLocaleString('en-US')} (${r.counts.iterations.toLocaleString('en-US')} iterations)`],
    ['orders', `${r.counts.orders} (${r.counts.fills} filled, ${r.counts.rejected} rejected, ${r.counts.canceled} canceled)`],
    ['trades', `${s.trades} closed${r.positions.length ? `, ${r.positions.length} position${r.positions.length > 1 ? 's' : ''} open at the end` : ''} · win rate ${pct(s.winRate)}`],
    ['initial cash', money(r.initialCash)],
    ['final equity', money(r.finalValue)],
    ['total return', colorSigned(c, s.totalReturn, pct(s.totalReturn))],
    ['max drawdown', pct(s.maxDrawdown)],
    ['sharpe', `${num(s.sharpe)} (annualised, ${Math.round(s.barsPerYear)} bars/year)`],
  ]
  const width = Math.max(...rows.map(([k]) => k.length))
  const lines = rows.map(([k, v]) => `${c('dim', k.padEnd(width))}  ${v}`)
  for (const w of o.warnings) lines.unshift(`${c('yellow', 'warning')} ${w.path ?? ''} ${w.message}`.replace(/  +/g, ' '))
  for (const i of o.imports) if (i.action === 'imported' && i.import) lines.unshift(c('dim', `imported ${i.file} into the store`))
  return lines.join('\n')
}

function colorSigned(c: ReturnType<typeof paint>, v: number, text: string): string {
  return v > 0 ? c('green', text) : v < 0 ? c('red', text) : text
}

/** Bar open times as the market sees them: dates for daily bars, local date-times otherwise. */
function localTime(t: number, tz: string, timeframeMs: number): string {
  if (timeframeMs >= DAY_MS) return localDateOf(t, tz)
  const p = utcToLocalParts(t, tz)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${localDateOf(t, tz)} ${two(p.hour)}:${two(p.minute)}${tz === 'UTC' ? ' UTC' : ` ${tz}`}`
}
