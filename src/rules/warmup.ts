import type {RulesPlan} from './plan.js'
import {barsPerHigherBar, timeframeOfKey} from './timeframes.js'

/**
 * Bars a symbol needs before every condition can be true: for each series read, the bar of its
 * first value plus the deepest `[n]` read of it; one more when a crossover is judged (it needs
 * the difference on an earlier bar); and the ATR of ATR-based stops, which must exist at entry.
 * A series of a higher timeframe (`close@1D`, an indicator with `timeframe: 1D`) counts in its own
 * bars, then one more (the first higher bar may be partial) times the bot bars per higher bar —
 * the timeframe ratio, which is more than a session holds (conservative); 1-minute bots assumed
 * when the bot's timeframe is not known.
 * Used for reports and live warm-up; the run itself needs no count (NaN propagates).
 */
export function conditionWarmup(plan: Pick<RulesPlan, 'indicators' | 'depth' | 'crosses' | 'stopLoss' | 'takeProfit' | 'trailingStop'> & Partial<Pick<RulesPlan, 'baseTimeframeMs' | 'timeframes'>>): number {
  const first = new Map<string, number>()
  for (const ind of plan.indicators) {
    const base = ind.source === undefined ? 1 : (first.get(ind.source) ?? 1)
    const bar = base + ind.kind.warmup(ind.params) - 1
    for (const key of ind.keys) first.set(key, bar)
  }
  const tfOf = new Map<string, number>()
  for (const ind of plan.indicators) if (ind.timeframe) for (const key of ind.keys) tfOf.set(key, ind.timeframe.ms)
  for (const tf of plan.timeframes ?? []) tfOf.set(tf.text, tf.ms)
  let warmup = 1
  for (const [key, ago] of plan.depth) {
    const bars = (first.get(key) ?? 1) + ago
    const tfText = timeframeOfKey(key)
    const tfMs = tfText !== undefined ? tfOf.get(tfText) : tfOf.get(key)
    warmup = Math.max(warmup, tfMs === undefined ? bars : (bars + 1) * barsPerHigherBar(tfMs, plan.baseTimeframeMs))
  }
  if (plan.crosses.length > 0) warmup++
  for (const stop of [plan.stopLoss, plan.takeProfit, plan.trailingStop]) {
    if (stop?.atrPeriod !== undefined) warmup = Math.max(warmup, stop.atrPeriod + 1)
  }
  return warmup
}
