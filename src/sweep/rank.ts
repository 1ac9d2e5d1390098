/**
 * Ranking sweep runs by one metric, with arquero (a small table: one row per run). Runs whose
 * metric is undefined (NaN: no trades, no variation) rank last; ties keep the sweep's order.
 */
import * as aq from 'arquero'
import type {StrategyMetrics} from '../metrics/metrics.js'
import {score, type RankKey} from './rank-key.js'

export {RANK_KEYS, RANK_METRIC, score, type RankKey} from './rank-key.js'

/** Indexes of `runs` from best to worst. */
export function rankRuns(runs: ReadonlyArray<{index: number; metrics: StrategyMetrics}>, by: RankKey): number[] {
  if (runs.length === 0) return []
  return aq
    .table({index: runs.map((r) => r.index), score: runs.map((r) => score(r.metrics, by))})
    .orderby(aq.desc('score'), 'index')
    .array('index') as number[]
}
