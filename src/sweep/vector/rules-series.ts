/**
 * The series a `rules` sweep reads, each computed once: the bar fields, and every distinct
 * indicator. Two combinations share an indicator when its type, its resolved parameters and its
 * source (recursively: `sma(20) of rsi(14) of close`) are the same, whatever the rules call it,
 * so a golden-cross sweep of 10 fast × 10 slow periods computes 20 SMAs, not 200. An indicator's
 * series comes from the rules' own runtime (a SymbolRuntime fed bar by bar, indicator-series.ts)
 * on a plan holding just that indicator and its sources: the very streaming code and doubles of
 * a backtest (an SMA of positive bar values by sma-series.ts, which gives the SMA class's very
 * doubles faster). Every series is stored after `pad` NaNs, which is what `[n]` reads before bar n.
 */
import type {Bars} from '../../model/bars.js'
import {BAR_FIELDS} from '../../rules/expr/ir.js'
import {rulesIndicatorSeries} from '../../rules/indicator-series.js'
import type {RulesPlan} from '../../rules/plan.js'
import {smaLimbs, smaSeries, type SmaLimbs} from './sma-series.js'

const FIELDS = new Set<string>(BAR_FIELDS)
type RawField = 'open' | 'high' | 'low' | 'close' | 'volume'
const RAW_FIELDS = new Set<string>(['open', 'high', 'low', 'close', 'volume'])

/** A worker's limbs of each bar field (undefined: a field the fast SMA cannot take), computed once. */
export type LimbsCache = Map<string, SmaLimbs | undefined>

/** Per indicator of the plan (by name), what its values depend on: `type{params}(source id)`. */
export function indicatorIds(plan: RulesPlan, timeZone: string): Map<string, string> {
  const ids = new Map<string, string>()
  const sourceId = (key: string): string => {
    if (FIELDS.has(key)) return key
    const dot = key.indexOf('.')
    return dot < 0 ? ids.get(key)! : `${ids.get(key.slice(0, dot))!}${key.slice(dot)}`
  }
  // In dependency order, so a source's id is known before its users'.
  for (const ind of plan.indicators) {
    // String(-0) is '0': -0 is spelled out, so no two different values share an id.
    const params = Object.keys(ind.params).sort().map((k) => `${k}=${Object.is(ind.params[k], -0) ? '-0' : ind.params[k]}`).join(',')
    // VWAP restarts each local day: its zone is part of it.
    const zone = ind.type === 'vwap' ? `@${timeZone}` : ''
    ids.set(ind.name, `${ind.type}{${params}}(${ind.source === undefined ? '' : sourceId(ind.source)})${zone}`)
  }
  return ids
}

/** The series key of each output of indicator `name` (`name`, `name.signal`…), in order. */
export function outputKeys(plan: RulesPlan, name: string): string[] {
  return plan.indicators.find((i) => i.name === name)!.keys
}

/**
 * Indicator `name`'s outputs over the bars, each written after `pad` NaNs into `out` (one array
 * of pad + bars doubles per output), as a backtest computes them.
 */
export function computeIndicatorSeries(plan: RulesPlan, name: string, bars: Bars, timeZone: string, pad: number, out: Float64Array[], limbs?: LimbsCache): void {
  const byName = new Map(plan.indicators.map((i) => [i.name, i]))
  const ind = byName.get(name)!
  // An SMA of a bar field whose values are all positive and finite (never NaN: the runtime's SMA
  // then sees every bar) is the SMA class's series, which sma-series.ts gives faster, exactly.
  if (limbs !== undefined && ind.type === 'sma' && ind.source !== undefined && RAW_FIELDS.has(ind.source)) {
    const field = ind.source as RawField
    if (!limbs.has(field)) limbs.set(field, smaLimbs(bars[field], bars.length))
    const l = limbs.get(field)
    if (l !== undefined) {
      out[0].fill(NaN, 0, pad)
      smaSeries(bars[field], bars.length, ind.params.period, out[0].subarray(pad), l)
      return
    }
  }
  const chain = new Set<string>()
  for (let at: string | undefined = name; at !== undefined && byName.has(at) && !chain.has(at); at = byName.get(at)!.source?.split('.')[0]) chain.add(at)
  const indicators = plan.indicators.filter((i) => chain.has(i.name))
  const only: RulesPlan = {
    indicators, crosses: [], depth: new Map(), ranks: [], symbols: [], timeframes: [], warmup: 0, sizing: plan.sizing,
    usesClock: indicators.some((i) => i.type === 'vwap'),
  }
  const columns = new Map(rulesIndicatorSeries(only, bars, timeZone).map((c) => [c.column, c.values]))
  outputKeys(plan, name).forEach((key, k) => {
    out[k].fill(NaN, 0, pad)
    out[k].set(columns.get(key)!, pad)
  })
}

/** A bar field as the runtime's ring holds it (the derived ones by its expressions), after `pad` NaNs. */
export function barFieldSeries(bars: Bars, field: string, pad: number): Float64Array {
  const n = bars.length
  const out = new Float64Array(pad + n).fill(NaN, 0, pad)
  const {open, high, low, close, volume} = bars
  for (let i = 0; i < n; i++) {
    out[pad + i] = field === 'open' ? open[i] : field === 'high' ? high[i] : field === 'low' ? low[i] : field === 'close' ? close[i] : field === 'volume' ? volume[i]
      : field === 'hl2' ? (high[i] + low[i]) / 2 : field === 'hlc3' ? (high[i] + low[i] + close[i]) / 3 : (open[i] + high[i] + low[i] + close[i]) / 4
  }
  return out
}

/**
 * A combination's series by key (what rules-sim.ts reads): bar fields from `field`, indicator
 * outputs from `indicator`, which gets the indicator's id (shared across combinations) and its
 * name in this plan (to compute it when it is not computed yet).
 */
export function seriesByKey(plan: RulesPlan, timeZone: string, field: (key: string) => Float64Array, indicator: (id: string, name: string) => Float64Array[]): (key: string) => Float64Array {
  const ids = indicatorIds(plan, timeZone)
  const byKey = new Map<string, {name: string; output: number}>()
  for (const ind of plan.indicators) ind.keys.forEach((key, output) => byKey.set(key, {name: ind.name, output}))
  return (key) => {
    if (FIELDS.has(key)) return field(key)
    const at = byKey.get(key)
    if (at === undefined) throw new Error(`bug: no series "${key}" in the plan`)
    return indicator(ids.get(at.name)!, at.name)[at.output]
  }
}

/** The deepest `[n]` a plan reads (the NaNs its series need in front). */
export function planDepth(plan: RulesPlan): number {
  let d = 0
  for (const ago of plan.depth.values()) d = Math.max(d, ago)
  return d
}
