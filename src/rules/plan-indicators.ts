/**
 * The `indicators:` block → a list in dependency order. Each indicator's type, parameters and
 * source are checked (unknown keys with did-you-mean, whole positive periods, `${param}` values);
 * an indicator may be computed on another one's output, and a cycle of such sources is an error.
 */
import {didYouMeanHint} from '../core/suggest.js'
import {FUNCTIONS} from './expr/functions.js'
import {outputKey} from './expr/check.js'
import {BAR_FIELDS, TIME_FIELDS} from './expr/ir.js'
import {INDICATOR_TYPES, indicatorKind} from './indicators/catalog.js'
import type {IndicatorKind} from './indicators/types.js'
import type {Problems} from './problems.js'
import type {IndicatorSpec} from './rules-types.js'
import {higherKey, higherTimeframeProblem, parseHigherTimeframe, type HigherTimeframe} from './timeframes.js'

/** Longest period accepted; longer ones are mistakes and would allocate large windows. */
export const MAX_PERIOD = 100_000

export interface IndicatorPlan {
  name: string
  type: string
  kind: IndicatorKind
  params: Record<string, number>
  /** Series key of the source (`close`, `fast_ma`, `macd.signal`), when the kind takes one. */
  source?: string
  /** Series keys of the outputs, in `kind.outputs` order. */
  keys: string[]
  /** `timeframe: 1D`: computed on that higher timeframe's completed bars (its source and fields are `close@1D`…). */
  timeframe?: HigherTimeframe
}

const RESERVED = new Set<string>([...BAR_FIELDS, ...TIME_FIELDS, ...Object.keys(FUNCTIONS), 'true', 'false', 'and', 'or', 'not'])

export function planIndicators(raw: Record<string, IndicatorSpec> | undefined, problems: Problems, baseTimeframeMs?: number): IndicatorPlan[] | undefined {
  const specs = Object.entries(raw ?? {})
  const planned = new Map<string, IndicatorPlan>()
  const outputsOf = new Map(specs.map(([name, s]) => [name, indicatorKind(String(s?.type))?.outputs ?? ['value']]))
  let ok = true
  for (const [name, spec] of specs) {
    const p = planOne(name, spec, outputsOf, problems, baseTimeframeMs)
    if (p) planned.set(name, p)
    else ok = false
  }
  if (!checkSourceTimeframes(planned, problems)) ok = false
  // Cycles are reported even when other indicators have problems of their own.
  const sorted = sortByDependency(planned, problems)
  return ok ? sorted : undefined
}

function planOne(name: string, spec: IndicatorSpec, outputsOf: Map<string, readonly string[]>, problems: Problems, baseTimeframeMs: number | undefined): IndicatorPlan | undefined {
  const at = ['indicators', name]
  if (RESERVED.has(name) || problems.params.has(name)) {
    const what = problems.params.has(name) ? 'a parameter' : 'a built-in name'
    return problems.add({path: at, at: 'key', code: 'rules.name_taken', message: `\`${name}\` is ${what}; give the indicator another name`})
  }
  const kind = indicatorKind(String(spec?.type))
  if (!kind) return problems.add({path: [...at, 'type'], code: 'rules.indicator', message: `unknown indicator type ${JSON.stringify(spec?.type)}`, hint: didYouMeanHint(String(spec?.type), INDICATOR_TYPES)})
  const allowed = ['type', ...(kind.usesSource ? ['source'] : []), ...Object.keys(kind.params), 'timeframe']
  let ok = true
  for (const key of Object.keys(spec)) {
    if (allowed.includes(key)) continue
    ok = false
    const why = key === 'source' ? `${spec.type} reads the bars' ${kind.fields.join('/')} itself and takes no \`source\`` : `${spec.type} has no parameter \`${key}\``
    problems.add({path: [...at, key], at: 'key', code: 'rules.indicator_param', message: why, hint: key === 'source' ? undefined : didYouMeanHint(key, allowed.slice(1))})
  }
  let timeframe: HigherTimeframe | undefined
  if (spec.timeframe !== undefined) {
    const text = problems.text(spec.timeframe, [...at, 'timeframe'], '`timeframe`')?.trim()
    if (text === undefined) ok = false
    else {
      timeframe = parseHigherTimeframe(text)
      const problem = timeframe ? higherTimeframeProblem(timeframe, baseTimeframeMs) : {message: `unknown timeframe ${JSON.stringify(text)}`, hint: 'a whole number and a unit: 1H, 4H, 1D, 1W'}
      if (problem) {
        ok = false
        problems.add({path: [...at, 'timeframe'], code: 'rules.timeframe', ...problem})
      }
    }
  }
  const params: Record<string, number> = {}
  for (const [key, def] of Object.entries(kind.params)) {
    const raw = spec[key]
    if (raw === undefined) {
      if (def.default === undefined) {
        ok = false
        problems.add({path: at, at: 'key', code: 'rules.indicator_param', message: `${spec.type} \`${name}\` needs \`${key}\``, hint: `add \`${key}:\` (${def.description.replace(/\.$/, '').toLowerCase()})`})
      } else params[key] = def.default
      continue
    }
    const v = problems.number(raw, [...at, key], `\`${key}\``)
    if (v === undefined) ok = false
    else if (def.integer && (!Number.isInteger(v) || v < def.min || v > MAX_PERIOD)) {
      ok = false
      problems.add({path: [...at, key], code: 'rules.indicator_param', message: `\`${key}\` must be a whole number from ${def.min} to ${MAX_PERIOD}, not ${v}`})
    } else if (v < def.min) {
      ok = false
      problems.add({path: [...at, key], code: 'rules.indicator_param', message: `\`${key}\` must be at least ${def.min}, not ${v}`})
    } else params[key] = v
  }
  if (ok && spec.type === 'macd' && params.fast >= params.slow) {
    return problems.add({path: [...at, 'fast'], code: 'rules.indicator_param', message: `macd \`fast\` (${params.fast}) must be smaller than \`slow\` (${params.slow})`})
  }
  let source = kind.usesSource ? resolveSource(spec.source, [...at, 'source'], outputsOf, problems) : undefined
  if (!ok || (kind.usesSource && source === undefined)) return undefined
  // On a higher timeframe a bar-field source is that timeframe's field: `close` → `close@1D`.
  if (timeframe && source !== undefined && (BAR_FIELDS as readonly string[]).includes(source)) source = higherKey(source, timeframe)
  return {name, type: String(spec.type), kind, params, source, keys: kind.outputs.map((o) => outputKey(name, o, kind.outputs)), ...(timeframe ? {timeframe} : {})}
}

function resolveSource(raw: unknown, path: (string | number)[], outputsOf: Map<string, readonly string[]>, problems: Problems): string | undefined {
  if (raw === undefined) return 'close'
  const text = problems.text(raw, path, '`source`')?.trim()
  if (text === undefined) return undefined
  if ((BAR_FIELDS as readonly string[]).includes(text)) return text
  if (text.includes('@')) return problems.add({path, code: 'rules.timeframe', message: `\`source\` cannot name a timeframe (\`${text}\`)`, hint: `give the indicator \`timeframe: ${text.slice(text.indexOf('@') + 1)}\` and \`source: ${text.slice(0, text.indexOf('@'))}\``})
  const [owner, output, extra] = text.split('.')
  const outputs = outputsOf.get(owner)
  if (outputs && extra === undefined && (output === undefined || (outputs.length > 1 && outputs.includes(output)))) return outputKey(owner, output ?? outputs[0], outputs)
  const candidates = [...BAR_FIELDS, ...[...outputsOf].flatMap(([n, o]) => (o.length > 1 ? [n, ...o.map((x) => `${n}.${x}`)] : [n]))]
  return problems.add({path, code: 'rules.source', message: `unknown source \`${text}\``, hint: didYouMeanHint(text, candidates) ?? 'a bar field (close, open, high, low, volume, hl2, hlc3, ohlc4) or an indicator name'})
}

/** An indicator computed on another one's output must be on the same timeframe: one is updated per higher bar, the other per bot bar. */
function checkSourceTimeframes(planned: Map<string, IndicatorPlan>, problems: Problems): boolean {
  let ok = true
  for (const p of planned.values()) {
    const dep = p.source === undefined ? undefined : planned.get(p.source.split('.')[0])
    if (!dep || dep.timeframe?.ms === p.timeframe?.ms) continue
    ok = false
    const of = (x: IndicatorPlan) => (x.timeframe ? `${x.timeframe.text} bars` : "the bot's bars")
    problems.add({path: ['indicators', p.name, 'source'], code: 'rules.timeframe', message: `\`${p.name}\` is computed on ${of(p)} but its source \`${dep.name}\` on ${of(dep)}`, hint: `give both the same \`timeframe:\`, or compare them in a condition`})
  }
  return ok
}

/** Depth-first topological order; reports the first cycle found, naming every member. */
function sortByDependency(planned: Map<string, IndicatorPlan>, problems: Problems): IndicatorPlan[] | undefined {
  const order: IndicatorPlan[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const stack: string[] = []
  const visit = (name: string): boolean => {
    if (state.get(name) === 'done') return true
    if (state.get(name) === 'visiting') {
      const cycle = [...stack.slice(stack.indexOf(name)), name]
      problems.add({path: ['indicators', name, 'source'], code: 'rules.cycle', message: `indicators are computed on each other in a circle: ${cycle.join(' → ')}`, hint: 'one of them must be computed on a bar field'})
      return false
    }
    state.set(name, 'visiting')
    stack.push(name)
    const p = planned.get(name)!
    const dep = p.source?.split('.')[0]
    if (dep !== undefined && planned.has(dep) && !visit(dep)) return false
    stack.pop()
    state.set(name, 'done')
    order.push(p)
    return true
  }
  for (const name of planned.keys()) if (!visit(name)) return undefined
  return order
}
