/** A sweep in the terminal (the top N, best first) and as --json (every run). */
import {paint} from '../color.js'
import {formatMetric, METRIC_ROWS} from '../../metrics/metric-rows.js'
import type {StrategyMetrics} from '../../metrics/metrics.js'
import {RANK_METRIC} from '../../sweep/rank.js'
import {paramsText, type SweepOutcome} from '../../sweep/run-sweep.js'

const COLUMNS: Array<keyof StrategyMetrics> = ['sharpe', 'totalReturn', 'cagr', 'maxDrawdown', 'trades', 'winRate', 'profitFactor']

export function renderSweep(s: SweepOutcome, color: boolean): string {
  const c = paint(color)
  const lines: string[] = []
  const ranked = RANK_METRIC[s.rankBy].key
  const cols = [ranked, ...COLUMNS.filter((k) => k !== ranked)]
  const label = (k: keyof StrategyMetrics) => METRIC_ROWS.find((r) => r.key === k)!.label
  const fmt = (m: StrategyMetrics, k: keyof StrategyMetrics) => formatMetric(m[k] as number, METRIC_ROWS.find((r) => r.key === k)!.format, String)
  lines.push(`${s.spec.name}: ${s.combinations} combinations of ${s.axes.map((a) => `${a.name} (${a.values.length})`).join(' × ')}, ` +
    `${s.runs.length} ran on ${s.workers} worker${s.workers > 1 ? 's' : ''} in ${(s.runMs / 1000).toFixed(1)} s (${s.path.kind === 'vector' ? 'vector path' : `engine path: ${s.path.reason}`}), ${s.skipped.length} skipped as invalid`)
  if (s.skipped.length) {
    const first = s.skipped[0]
    lines.push(c('dim', `skipped e.g. ${paramsText(first.params)}: ${first.message}`))
  }
  const top = s.runs.slice(0, s.top)
  if (top.length === 0) return lines.join('\n')
  const header = ['#', 'run', 'params', ...cols.map(label)]
  const rows = top.map((r) => [String(r.rank), r.runId === undefined ? '-' : String(r.runId), paramsText(pick(r.params, s.axes.map((a) => a.name))), ...cols.map((k) => fmt(r.metrics.strategy, k))])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells: string[]) => cells.map((x, i) => (i === 2 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ')
  lines.push('', c('bold', line(header)), ...rows.map(line))
  lines.push('', c('dim', `ranked by ${s.rankBy}${s.sweepId !== undefined ? ` · recorded as sweep ${s.sweepId} (bots runs list --sweep ${s.sweepId}); equity curves kept for the top ${s.top}` : ' · not recorded'}`))
  return lines.join('\n')
}

export function sweepToJson(s: SweepOutcome): Record<string, unknown> {
  return {
    spec: s.spec.file,
    sweepId: s.sweepId ?? null,
    axes: s.axes,
    combinations: s.combinations,
    valid: s.runs.length,
    skipped: s.skipped,
    rankBy: s.rankBy,
    top: s.top,
    path: s.path,
    workers: s.workers,
    bars: s.bars,
    runMs: s.runMs,
    interrupted: s.interrupted ?? null,
    benchmark: s.runs[0]?.metrics.benchmark ?? null,
    settings: s.runs[0]?.metrics.settings ?? null,
    runs: s.runs.map((r) => ({rank: r.rank, runId: r.runId ?? null, index: r.index, params: r.params, metrics: r.metrics.strategy})),
  }
}

function pick(params: Record<string, unknown>, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((n) => [n, params[n]]))
}
