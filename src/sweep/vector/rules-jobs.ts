/**
 * The `rules` strategy on the vector path. The main thread plans every valid combination as a
 * backtest plans it (the envelope reads the plans), lists the distinct indicators across all of
 * them (rules-series.ts: type, params and source) and gives each a slot of the shared series
 * table; the workers compute each indicator once, then run each combination (rules-sim.ts) from
 * the shared series and the bar fields (each worker's own copy, with the NaNs `[n]` reads in
 * front). Loaded only for a rules sweep: it brings the rules planner and runtime with it.
 */
import {planRules, type RulesPlan} from '../../rules/plan.js'
import type {RulesSpec} from '../../rules/rules-types.js'
import {simulateRules} from './rules-sim.js'
import {barFieldSeries, computeIndicatorSeries, indicatorIds, outputKeys, planDepth, seriesByKey, type LimbsCache} from './rules-series.js'
import type {IterationSchedule} from './schedule.js'
import {SHARED_SERIES_BUDGET, seriesStore, seriesTable, type SeriesTable} from './shared-series.js'
import type {StrategyJobs, VectorContext} from './vector-jobs.js'

/** A combination's rules and the parameter values that fill their `${placeholders}` (what `resolve` gives). */
export interface ResolvedRules {
  rules: RulesSpec
  values: ReadonlyMap<string, unknown>
}

export interface RulesVectorInit extends SeriesTable {
  strategy: 'rules'
  /** Per valid combination (a job's index): its rules. */
  resolved: ResolvedRules[]
  /** The distinct indicators, one job of the table each: its id, and a combination whose plan has it (by name). */
  indicators: Array<{id: string; combo: number; name: string}>
  /** NaNs in front of every series: the deepest `[n]` any combination reads. */
  pad: number
  /** The market's time zone, for rules without a `timezone:` (as the engine's context gives it). */
  marketTimeZone: string
  /** The kernel's schedule (the same for every combination). */
  schedule: IterationSchedule
}

/** Every combination planned as `rulesDefinition` plans it; undefined when one does not plan (the engine then says why). */
export function planCombinations(resolve: (params: Record<string, unknown>) => ResolvedRules, params: ReadonlyArray<Record<string, unknown>>): {resolved: ResolvedRules[]; plans: RulesPlan[]} | undefined {
  const resolved = params.map((p) => resolve(p))
  const plans: RulesPlan[] = []
  for (const r of resolved) {
    const plan = planRules(r.rules, r.values).plan
    if (plan === undefined) return undefined
    plans.push(plan)
  }
  return {resolved, plans}
}

const zoneOf = (plan: RulesPlan, marketTimeZone: string): string => plan.timezone ?? marketTimeZone

export function rulesVectorInit(resolved: ResolvedRules[], plans: readonly RulesPlan[], bars: number, marketTimeZone: string, schedule: IterationSchedule, budget = SHARED_SERIES_BUDGET): RulesVectorInit {
  const indicators: RulesVectorInit['indicators'] = []
  const widths: number[] = []
  const seen = new Set<string>()
  let pad = 0
  plans.forEach((plan, combo) => {
    pad = Math.max(pad, planDepth(plan))
    for (const [name, id] of indicatorIds(plan, zoneOf(plan, marketTimeZone))) {
      if (seen.has(id)) continue
      seen.add(id)
      indicators.push({id, combo, name})
      widths.push(outputKeys(plan, name).length)
    }
  })
  return {strategy: 'rules', resolved, indicators, pad, marketTimeZone, ...seriesTable(widths, pad + bars, budget), schedule}
}

/** A worker's side of a rules sweep. */
export function rulesJobs(ctx: VectorContext, init: RulesVectorInit): StrategyJobs {
  const {spec} = ctx
  const bars = ctx.bars[0]
  const {pad, marketTimeZone} = init
  const slot = new Map(init.indicators.map((x, k) => [x.id, k]))
  const planOf = (combo: number): RulesPlan => planRules(init.resolved[combo].rules, init.resolved[combo].values).plan!
  const limbs: LimbsCache = new Map()
  const store = seriesStore(init, (k, out) => {
    const {combo, name} = init.indicators[k]
    const plan = planOf(combo)
    computeIndicatorSeries(plan, name, bars, zoneOf(plan, marketTimeZone), pad, out, limbs)
  })
  const fields = new Map<string, Float64Array>()
  const field = (key: string): Float64Array => {
    let s = fields.get(key)
    if (s === undefined) fields.set(key, (s = barFieldSeries(bars, key, pad)))
    return s
  }
  return {
    warm: store.warm,
    simulate(index, _params, out) {
      const plan = planOf(index)
      const timeZone = zoneOf(plan, marketTimeZone)
      const series = seriesByKey(plan, timeZone, field, (id) => store.get(slot.get(id)!))
      return simulateRules({...out, bars, symbol: spec.symbols[0], broker: spec.broker, timeframeMs: spec.timeframeMs, schedule: init.schedule, plan, series, pad, timeZone})
    },
  }
}
