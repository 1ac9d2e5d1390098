import type {RulesPlan} from './plan.js'

/**
 * Bars a symbol needs before every condition can be true: for each series read, the bar of its
 * first value plus the deepest `[n]` read of it; one more when a crossover is judged (it needs
 * the difference on an earlier bar); and the ATR of ATR-based stops, which must exist at entry.
 * Used for reports and live warm-up; the run itself needs no count (NaN propagates).
 */
export function conditionWarmup(plan: Pick<RulesPlan, 'indicators' | 'depth' | 'crosses' | 'stopLoss' | 'takeProfit' | 'trailingStop'>): number {
  const first = new Map<string, number>()
  for (const ind of plan.indicators) {
    const base = ind.source === undefined ? 1 : (first.get(ind.source) ?? 1)
    const bar = base + ind.kind.warmup(ind.params) - 1
    for (const key of ind.keys) first.set(key, bar)
  }
  let warmup = 1
  for (const [key, ago] of plan.depth) warmup = Math.max(warmup, (first.get(key) ?? 1) + ago)
  if (plan.crosses.length > 0) warmup++
  for (const stop of [plan.stopLoss, plan.takeProfit, plan.trailingStop]) {
    if (stop?.atrPeriod !== undefined) warmup = Math.max(warmup, stop.atrPeriod + 1)
  }
  return warmup
}
