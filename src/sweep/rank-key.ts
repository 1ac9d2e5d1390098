/** The metrics a sweep ranks by, and a run's score (no table library: sweep workers import this). */
import type {StrategyMetrics} from '../metrics/metrics.js'

export const RANK_KEYS = ['sharpe', 'sortino', 'calmar', 'total_return', 'cagr', 'max_drawdown', 'volatility', 'profit_factor', 'win_rate', 'expectancy', 'final_value', 'trades'] as const
export type RankKey = (typeof RANK_KEYS)[number]

/** The metric behind each key, and whether smaller is better. */
export const RANK_METRIC: Record<RankKey, {key: keyof StrategyMetrics; ascending: boolean}> = {
  sharpe: {key: 'sharpe', ascending: false},
  sortino: {key: 'sortino', ascending: false},
  calmar: {key: 'calmar', ascending: false},
  total_return: {key: 'totalReturn', ascending: false},
  cagr: {key: 'cagr', ascending: false},
  max_drawdown: {key: 'maxDrawdown', ascending: true},
  volatility: {key: 'volatility', ascending: true},
  profit_factor: {key: 'profitFactor', ascending: false},
  win_rate: {key: 'winRate', ascending: false},
  expectancy: {key: 'expectancy', ascending: false},
  final_value: {key: 'finalValue', ascending: false},
  trades: {key: 'trades', ascending: false},
}

/** A score where larger is better and an undefined metric is -Infinity. */
export function score(m: StrategyMetrics, by: RankKey): number {
  const {key, ascending} = RANK_METRIC[by]
  const v = m[key] as number | null
  if (v === null || v !== v) return -Infinity
  return ascending ? -v : v
}

