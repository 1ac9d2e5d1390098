/**
 * The report's "Returns" section: yearly returns against buy & hold as bars, the distribution of
 * daily returns (histogram, skew, kurtosis, VaR, CVaR) and the best and worst day and month.
 * Server-rendered HTML and CSS (no chart library), every figure escaped.
 *
 * Daily returns are by calendar day in the market's zone: each day's last value over the previous
 * day's (the initial cash before the first day), so intraday runs are measured by day too.
 */
import {isoDate} from '../calendar/civil-date.js'
import {localDayNumber} from '../calendar/timezone.js'
import type {MonthlyReturn} from '../metrics/monthly.js'
import {yearGrid} from '../metrics/monthly.js'
import {escapeHtml as h} from './escape.js'
import {percent} from './sections.js'
import {dailyLastIndices} from '../metrics/daily-last.js'
import {localeNumber} from '../core/fixed-number.js'

export interface DailyReturn {
  /** Local date, YYYY-MM-DD. */
  date: string
  return: number
}

/**
 * Each calendar day's return in `tz` (last value of the day over the previous day's last, the
 * initial value before the first). `lasts`: each day's last index (dailyLastIndices), when the
 * caller has it already.
 */
export function dailyReturns(initial: number, time: ArrayLike<number>, value: ArrayLike<number>, tz: string, lasts: ArrayLike<number> = dailyLastIndices(time, tz)): DailyReturn[] {
  const out: DailyReturn[] = []
  let previous = initial
  for (let k = 0; k < lasts.length; k++) {
    const i = lasts[k]
    const r = value[i] / previous - 1
    if (Number.isFinite(r)) out.push({date: isoDate(localDayNumber(time[i], tz)), return: r})
    previous = value[i]
  }
  return out
}

export interface Distribution {
  count: number
  mean: number
  /** Sample standard deviation. */
  stdev: number
  /** Sample skewness (adjusted Fisher–Pearson, as Excel's SKEW and pandas). */
  skew: number
  /** Excess kurtosis (sample, as Excel's KURT and pandas; 0 for a normal distribution). */
  kurtosis: number
  /** Historical value at risk at 95%: the 5th percentile of the returns (a loss is negative). */
  var95: number
  /** Conditional VaR (expected shortfall) at 95%: the mean of the returns at or below `var95`. */
  cvar95: number
}

export function distribution(xs: readonly number[]): Distribution {
  const n = xs.length
  if (n === 0) return {count: 0, mean: NaN, stdev: NaN, skew: NaN, kurtosis: NaN, var95: NaN, cvar95: NaN}
  const mean = xs.reduce((s, x) => s + x, 0) / n
  let m2 = 0
  let m3 = 0
  let m4 = 0
  for (const x of xs) {
    const d = x - mean
    m2 += d * d
    m3 += d * d * d
    m4 += d * d * d * d
  }
  const variance = n > 1 ? m2 / (n - 1) : NaN
  const stdev = Math.sqrt(variance)
  const skew = n > 2 && m2 > 0 ? ((n / ((n - 1) * (n - 2))) * m3) / stdev ** 3 : NaN
  const kurtosis =
    n > 3 && m2 > 0 ? ((n * (n + 1)) / ((n - 1) * (n - 2) * (n - 3))) * (m4 / variance ** 2) - (3 * (n - 1) ** 2) / ((n - 2) * (n - 3)) : NaN
  const sorted = [...xs].sort((a, b) => a - b)
  // Linear interpolation between closest ranks (numpy's default percentile).
  const rank = 0.05 * (n - 1)
  const lo = Math.floor(rank)
  const var95 = sorted[lo] + (sorted[Math.min(n - 1, lo + 1)] - sorted[lo]) * (rank - lo)
  const tail = sorted.filter((x) => x <= var95)
  const cvar95 = tail.length ? tail.reduce((s, x) => s + x, 0) / tail.length : var95
  return {count: n, mean, stdev, skew, kurtosis, var95, cvar95}
}

export interface Histogram {
  /** Bin edges: bins[i] covers [edges[i], edges[i+1]) (the last bin includes its upper edge). */
  edges: number[]
  counts: number[]
}

export function histogram(xs: readonly number[], bins = 40): Histogram {
  if (xs.length === 0) return {edges: [], counts: []}
  let lo = Infinity
  let hi = -Infinity
  for (const x of xs) {
    if (x < lo) lo = x
    if (x > hi) hi = x
  }
  if (lo === hi) return {edges: [lo, hi], counts: [xs.length]}
  const width = (hi - lo) / bins
  const counts = new Array<number>(bins).fill(0)
  for (const x of xs) counts[Math.min(bins - 1, Math.floor((x - lo) / width))]++
  return {edges: Array.from({length: bins + 1}, (_, i) => (i === bins ? hi : lo + i * width)), counts}
}

const pct = (v: number, d = 2) => (Number.isFinite(v) ? `${h(percent(v, d))}%` : 'n/a')
const num = (v: number) => (Number.isFinite(v) ? h(v.toFixed(2)) : 'n/a')

export interface ReturnsInput {
  strategyDaily: readonly DailyReturn[]
  benchmarkDaily: readonly DailyReturn[]
  strategyMonthly: readonly MonthlyReturn[]
  benchmarkMonthly: readonly MonthlyReturn[]
}

/** The section's inner HTML. */
export function returnsSection(o: ReturnsInput): string {
  return [yearlyBars(o.strategyMonthly, o.benchmarkMonthly), distributionTable(o), histogramBars(o.strategyDaily.map((d) => d.return))].join('\n')
}

/** One row a year: the strategy's and buy & hold's returns as horizontal bars around a zero line. */
export function yearlyBars(strategy: readonly MonthlyReturn[], benchmark: readonly MonthlyReturn[]): string {
  const s = new Map(yearGrid(strategy).map((y) => [y.year, y.total]))
  const b = new Map(yearGrid(benchmark).map((y) => [y.year, y.total]))
  const years = [...new Set([...s.keys(), ...b.keys()])].sort((x, y) => x - y)
  if (years.length === 0) return '<p class="note">No yearly returns (no bars).</p>'
  const scale = Math.max(1e-9, ...[...s.values(), ...b.values()].filter(Number.isFinite).map(Math.abs))
  const bar = (v: number | undefined, cls: string) => {
    if (v === undefined || !Number.isFinite(v)) return '<td class="bar"></td>'
    const w = ((Math.abs(v) / scale) * 50).toFixed(2)
    const side = v >= 0 ? `left:50%` : `right:50%`
    return `<td class="bar"><span class="${cls}${v < 0 ? ' neg' : ''}" style="${side};width:${w}%"></span></td>`
  }
  const rows = years.map((y) => `<tr><th scope="row">${y}</th><td>${pct(s.get(y) ?? NaN)}</td><td>${pct(b.get(y) ?? NaN)}</td>${bar(s.get(y), 'strategy')}${bar(b.get(y), 'benchmark')}</tr>`)
  return `<h3>Yearly returns</h3><table class="yearly" data-count="${years.length}"><thead><tr><th>year</th><th>strategy</th><th>buy &amp; hold</th><th class="bar">strategy</th><th class="bar">buy &amp; hold</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
}

/** Distribution statistics of daily returns, and the best and worst day and month, strategy beside buy & hold. */
export function distributionTable(o: ReturnsInput): string {
  const ds = distribution(o.strategyDaily.map((d) => d.return))
  const db = distribution(o.benchmarkDaily.map((d) => d.return))
  const extreme = (xs: readonly DailyReturn[], best: boolean) =>
    xs.reduce<DailyReturn | undefined>((a, d) => (a === undefined || (best ? d.return > a.return : d.return < a.return) ? d : a), undefined)
  const month = (xs: readonly MonthlyReturn[], best: boolean) => {
    const m = xs.filter((x) => Number.isFinite(x.return)).reduce<MonthlyReturn | undefined>((a, d) => (a === undefined || (best ? d.return > a.return : d.return < a.return) ? d : a), undefined)
    return m ? {date: `${m.year}-${String(m.month).padStart(2, '0')}`, return: m.return} : undefined
  }
  const cell = (d: {date: string; return: number} | undefined) => (d ? `${pct(d.return)} <span class="sub">${h(d.date)}</span>` : 'n/a')
  const rows: Array<[string, string, string]> = [
    ['days', h(localeNumber(ds.count)), h(localeNumber(db.count))],
    ['mean daily return', pct(ds.mean, 3), pct(db.mean, 3)],
    ['daily volatility', pct(ds.stdev), pct(db.stdev)],
    ['skew', num(ds.skew), num(db.skew)],
    ['kurtosis (excess)', num(ds.kurtosis), num(db.kurtosis)],
    ['daily VaR (95%, historical)', pct(ds.var95), pct(db.var95)],
    ['daily CVaR (95%)', pct(ds.cvar95), pct(db.cvar95)],
    ['best day', cell(extreme(o.strategyDaily, true)), cell(extreme(o.benchmarkDaily, true))],
    ['worst day', cell(extreme(o.strategyDaily, false)), cell(extreme(o.benchmarkDaily, false))],
    ['best month', cell(month(o.strategyMonthly, true)), cell(month(o.benchmarkMonthly, true))],
    ['worst month', cell(month(o.strategyMonthly, false)), cell(month(o.benchmarkMonthly, false))],
  ]
  return `<h3>Daily returns</h3><table class="metrics distribution"><thead><tr><th></th><th>strategy</th><th>buy &amp; hold</th></tr></thead><tbody>${rows
    .map(([k, a, b]) => `<tr><th scope="row">${h(k)}</th><td>${a}</td><td>${b}</td></tr>`)
    .join('')}</tbody></table>`
}

/** The strategy's daily returns as a histogram of CSS bars (a zero return marked). */
export function histogramBars(xs: readonly number[]): string {
  const hist = histogram(xs)
  if (hist.counts.length === 0) return ''
  const top = Math.max(...hist.counts)
  const bars = hist.counts.map((c, i) => {
    const from = hist.edges[i]
    const to = hist.edges[i + 1]
    const cls = to <= 0 ? 'neg' : from >= 0 ? 'pos' : 'zero'
    return `<span class="${cls}" style="height:${((c / top) * 100).toFixed(2)}%" title="${h(percent(from, 2))}% to ${h(percent(to, 2))}%: ${c} day${c === 1 ? '' : 's'}" data-n="${c}"></span>`
  })
  return `<h3>Distribution of the strategy's daily returns</h3><div class="histogram" data-count="${hist.counts.length}" data-days="${xs.length}">${bars.join('')}</div>` +
    `<div class="histogram-axis"><span>${pct(hist.edges[0])}</span><span>${pct(hist.edges[hist.edges.length - 1])}</span></div>`
}
