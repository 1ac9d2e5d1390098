/**
 * The metrics as labelled, formatted rows: one list shared by the terminal table, the HTML report
 * and `bots runs compare`, so every view names and formats a figure the same way.
 */
import type {BenchmarkMetrics, Metrics, StrategyMetrics} from './metrics.js'
import {fixedNumber, localeNumber} from '../core/fixed-number.js'

export type MetricFormat = 'pct' | 'ratio' | 'money' | 'count' | 'duration' | 'time'

export interface MetricRow {
  key: keyof StrategyMetrics
  label: string
  format: MetricFormat
  /** Also shown for buy-and-hold (an equity-curve figure). */
  benchmark: boolean
}

const row = (key: keyof StrategyMetrics, label: string, format: MetricFormat, benchmark = false): MetricRow => ({key, label, format, benchmark})

export const METRIC_ROWS: readonly MetricRow[] = [
  row('finalValue', 'final equity', 'money', true),
  row('totalReturn', 'total return', 'pct', true),
  row('cagr', 'CAGR', 'pct', true),
  row('volatility', 'volatility (ann.)', 'pct', true),
  row('sharpe', 'Sharpe', 'ratio', true),
  row('sortino', 'Sortino', 'ratio', true),
  row('calmar', 'Calmar', 'ratio', true),
  row('maxDrawdown', 'max drawdown', 'pct', true),
  row('maxDrawdownPeak', 'max drawdown peak', 'time', true),
  row('maxDrawdownTrough', 'max drawdown trough', 'time', true),
  row('maxDrawdownRecovery', 'max drawdown recovery', 'time', true),
  row('maxDrawdownDurationMs', 'max drawdown duration', 'duration', true),
  row('longestDrawdownMs', 'longest drawdown', 'duration', true),
  row('exposure', 'exposure (time in market)', 'pct', true),
  row('trades', 'trades', 'count'),
  row('winRate', 'win rate', 'pct'),
  row('avgWin', 'average win', 'money'),
  row('avgLoss', 'average loss', 'money'),
  row('profitFactor', 'profit factor', 'ratio'),
  row('expectancy', 'expectancy (per trade)', 'money'),
  row('bestTradePnl', 'best trade', 'money'),
  row('worstTradePnl', 'worst trade', 'money'),
  row('bestTradeReturn', 'best trade return', 'pct'),
  row('worstTradeReturn', 'worst trade return', 'pct'),
  row('avgHoldingMs', 'average holding time', 'duration'),
  row('turnover', 'turnover', 'ratio'),
  row('commissions', 'commissions', 'money'),
]

export function metricValue(m: StrategyMetrics | BenchmarkMetrics, key: keyof StrategyMetrics): number | null | undefined {
  const v = (m as Partial<StrategyMetrics>)[key]
  return v === undefined ? undefined : (v as number | null)
}

/** `fmtTime` turns an instant into market-local text (the caller knows the time zone). */
export function formatMetric(v: number | null | undefined, format: MetricFormat, fmtTime: (t: number) => string): string {
  if (v === undefined) return ''
  if (v === null || Number.isNaN(v)) return format === 'time' ? '—' : 'n/a'
  if (v === Infinity) return '∞'
  if (v === -Infinity) return '-∞'
  switch (format) {
    case 'pct':
      // Thousands separated, as money and counts are (buy & hold's 2,023.95%).
      return `${fixedNumber(v * 100, 2)}%`
    case 'ratio':
      return v.toFixed(2)
    case 'money':
      return fixedNumber(v, 2)
    case 'count':
      return localeNumber(v)
    case 'duration':
      return formatSpan(v)
    case 'time':
      return fmtTime(v)
  }
}

/** 3d 4h, 5h 30m, 45m: the largest unit and the next one (when not zero). */
export function formatSpan(ms: number): string {
  if (ms <= 0) return '0'
  // To the second: a close fill is dated at its bar's last millisecond (simulated-broker.ts), so
  // a stop filled at a bar's open and closed at that bar's close held 1 ms short of a whole bar.
  if (ms >= 1000) ms = Math.round(ms / 1000) * 1000
  // Beyond a week, whole days: hours there are DST noise between bar times.
  if (ms >= 7 * 86_400_000) return `${localeNumber(Math.round(ms / 86_400_000))}d`
  const units: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]]
  const first = units.findIndex(([, size]) => ms >= size)
  if (first < 0) return `${Math.round(ms)} ms`
  const [name, size] = units[first]
  const whole = Math.floor(ms / size)
  const next = units[first + 1]
  const part = next ? Math.floor((ms - whole * size) / next[1]) : 0
  return part > 0 ? `${whole}${name} ${part}${next[0]}` : `${whole}${name}`
}

export type {Metrics}
