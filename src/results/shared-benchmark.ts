/**
 * A sweep's buy-and-hold monthly returns, recorded once (`sweep_benchmarks`) instead of inside
 * every run's metrics: they are the same for every run of a sweep, and were half of each run's
 * metrics text (ORCL daily: 12.9 of 26.5 KB; a 4,988-run sweep wrote 64 MB of copies, most of
 * its recording time). A run so recorded keeps the rest of its metrics text as it was, with
 * `monthly.benchmark` left out, and reads back byte for byte as `--json` wrote it.
 */
import type {Metrics} from '../metrics/metrics.js'
import type {MonthlyReturn} from '../metrics/monthly.js'

/** The text JSON.stringify gives `metrics` without `monthly.benchmark`, or undefined when that cannot be restored exactly (see `restoreSharedBenchmark`). */
export function withoutSharedBenchmark(metrics: Metrics): string | undefined {
  // The restore appends `,"benchmark":…}}`: exact only when `monthly` is the last key and
  // `benchmark` the last of `monthly`, as computeMetrics and the vector sweep build them.
  const keys = Object.keys(metrics)
  const monthly = Object.keys(metrics.monthly)
  if (keys[keys.length - 1] !== 'monthly' || monthly.length !== 2 || monthly[0] !== 'strategy' || monthly[1] !== 'benchmark') return undefined
  return JSON.stringify({...metrics, monthly: {strategy: metrics.monthly.strategy}})
}

/** The metrics text a run wrote, from the text recorded without its sweep's `monthly` (JSON text of `MonthlyReturn[]`). */
export function restoreSharedBenchmark(recorded: string, monthly: string): string {
  if (!recorded.endsWith(']}}')) throw new Error('bug: recorded metrics without a shared benchmark do not end with their monthly table')
  return `${recorded.slice(0, -2)},"benchmark":${monthly}}}`
}

/** Equal tables (the runs of a sweep each carry their own copy of its one table). */
export function sameMonthly(a: readonly MonthlyReturn[], b: readonly MonthlyReturn[]): boolean {
  if (a === b) return true
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) {
    const x = a[i]
    const y = b[i]
    // Object.is: a NaN return (null in the text) equals itself.
    if (x.year !== y.year || x.month !== y.month || !Object.is(x.return, y.return)) return false
  }
  return true
}
