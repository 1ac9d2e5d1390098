/**
 * A run's metrics as a sweep worker sends them: the strategy's figures as an object (the sweep
 * ranks by them, prints the top N and lists every run in its --json) and the period, the rest only
 * as the text the results store records (results/record-run.ts), made here, off the main thread.
 * Sent whole, a run's `Metrics` cost the main thread a structured clone of ~500 objects (ORCL's 20
 * years of daily bars: two monthly tables of 240 rows), their garbage collection while the sweep
 * ran, and a JSON.stringify to be recorded. The settings and the benchmark's figures are the
 * sweep's own: the main thread has them already.
 */
import type {BenchmarkPart, Metrics, MetricsSettings, StrategyMetrics} from '../metrics/metrics.js'
import {sameMonthly, withoutSharedBenchmark} from '../results/shared-benchmark.js'

export interface SentMetrics {
  strategy: StrategyMetrics
  period: Metrics['period']
  /** JSON.stringify(metrics); without `monthly.benchmark` when `sharedBenchmark` (withoutSharedBenchmark's text). */
  text: string
  /** The text leaves out `monthly.benchmark`, which is the sweep's buy-and-hold table (WorkerInit.benchmark.monthly). */
  sharedBenchmark: boolean
}

/** What a worker sends of a run's `metrics`, computed with the sweep's `settings` and `benchmark`. */
export function sentMetrics(metrics: Metrics, settings: MetricsSettings, benchmark: BenchmarkPart): SentMetrics {
  if (metrics.settings !== settings || metrics.benchmark !== benchmark.metrics) throw new Error('bug: a sweep run\'s metrics without the sweep\'s settings or benchmark figures')
  const text = sameMonthly(metrics.monthly.benchmark, benchmark.monthly) ? withoutSharedBenchmark(metrics) : undefined
  return {strategy: metrics.strategy, period: metrics.period, text: text ?? JSON.stringify(metrics), sharedBenchmark: text !== undefined}
}
