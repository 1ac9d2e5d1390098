/**
 * A rules block + parameter values → a checked plan the runtime executes, or the list of
 * everything wrong with it. Pure: no I/O, no positions (validate-rules.ts locates the problems).
 */
import {isValidTimeZone} from '../calendar/timezone.js'
import {ExpressionChecker} from './expr/check.js'
import type {CrossSlot, IR} from './expr/ir.js'
import {planIndicators, type IndicatorPlan} from './plan-indicators.js'
import {Problems, type RuleProblem} from './problems.js'
import type {RulesSpec, StopSpec} from './rules-types.js'
import {conditionWarmup} from './warmup.js'
import type {HigherTimeframe} from './timeframes.js'

export type SizingType = 'quantity' | 'percent_equity' | 'cash'

export interface StopPlan {
  kind: 'percent' | 'atr'
  /** Percent of the entry price, or ATR multiples. */
  distance: number
  /** For `atr` stops. */
  atrPeriod?: number
}

export interface RulesPlan {
  indicators: IndicatorPlan[]
  entryLong?: IR
  entryShort?: IR
  exitLong?: IR
  exitShort?: IR
  crosses: CrossSlot[]
  /** Series key → deepest `[n]` offset any expression reads. */
  depth: Map<string, number>
  usesClock: boolean
  sizing: {type: SizingType; value: number}
  stopLoss?: StopPlan
  takeProfit?: StopPlan
  trailingStop?: StopPlan
  timezone?: string
  /** Higher timeframes read (`close@1D`, `timeframe: 1D`), shortest first; each is resampled from the bot's bars. */
  timeframes: HigherTimeframe[]
  /** The bot's timeframe when the plan was made for a known one (warm-up in its bars). */
  baseTimeframeMs?: number
  /** Bars before every condition can be true (the longest warm-up plus offsets). */
  warmup: number
}

export interface PlanOptions {
  /** The bot's timeframe (ms): higher timeframes must be longer and whole multiples of it. Unknown: not checked, warm-up assumes 1-minute bars. */
  timeframeMs?: number
}

const CONDITIONS = [
  ['entry', 'long', 'entryLong'],
  ['entry', 'short', 'entryShort'],
  ['exit', 'long', 'exitLong'],
  ['exit', 'short', 'exitShort'],
] as const

export function planRules(rules: RulesSpec, params: ReadonlyMap<string, unknown> = new Map(), options: PlanOptions = {}): {plan?: RulesPlan; problems: RuleProblem[]} {
  const problems = new Problems(params)
  const baseTimeframeMs = options.timeframeMs
  const indicators = planIndicators(rules.indicators, problems, baseTimeframeMs)
  const checker = new ExpressionChecker({indicators: new Map(Object.entries(rules.indicators ?? {}).map(([n, s]) => [n, indicatorOutputs(indicators, n, s)])), params, baseTimeframeMs})
  const conditions: Partial<Record<'entryLong' | 'entryShort' | 'exitLong' | 'exitShort', IR>> = {}
  for (const [block, side, key] of CONDITIONS) {
    const text = rules[block]?.[side]
    if (text === undefined) continue
    const r = checker.check(String(text), 'boolean')
    for (const p of r.problems) problems.add({path: [block, side], offset: p.offset, code: p.code, message: p.message, hint: p.hint})
    if (r.ir) conditions[key] = r.ir
  }
  if (rules.exit?.long !== undefined && rules.entry?.long === undefined) problems.add({path: ['exit', 'long'], at: 'key', severity: 'warning', code: 'rules.unused', message: '`exit.long` is never used: there is no `entry.long`'})
  if (rules.exit?.short !== undefined && rules.entry?.short === undefined) problems.add({path: ['exit', 'short'], at: 'key', severity: 'warning', code: 'rules.unused', message: '`exit.short` is never used: there is no `entry.short`'})
  const sizing = planSizing(rules.sizing, problems)
  const stopLoss = planStop(rules.stop_loss, 'stop_loss', problems)
  const takeProfit = planStop(rules.take_profit, 'take_profit', problems)
  const trailingStop = planStop(rules.trailing_stop, 'trailing_stop', problems)
  const timezone = rules.timezone === undefined ? undefined : problems.text(rules.timezone, ['timezone'], '`timezone`')
  if (timezone !== undefined && !isValidTimeZone(timezone)) problems.add({path: ['timezone'], code: 'rules.timezone', message: `unknown time zone "${timezone}"`, hint: 'use an IANA name such as America/New_York or Europe/Berlin'})
  if (problems.hasErrors || !indicators || !sizing) return {problems: problems.list}
  const plan: RulesPlan = {
    indicators,
    ...conditions,
    crosses: checker.crosses,
    depth: checker.reads,
    usesClock: checker.usesTime || indicators.some((i) => i.type === 'vwap'),
    sizing,
    stopLoss,
    takeProfit,
    trailingStop,
    timezone,
    timeframes: higherTimeframes(indicators, checker.timeframes),
    ...(baseTimeframeMs !== undefined ? {baseTimeframeMs} : {}),
    warmup: 0,
  }
  plan.warmup = conditionWarmup(plan)
  return {plan, problems: problems.list}
}

function higherTimeframes(indicators: IndicatorPlan[], read: ReadonlyMap<string, HigherTimeframe>): HigherTimeframe[] {
  const all = new Map(read)
  for (const i of indicators) if (i.timeframe) all.set(i.timeframe.text, i.timeframe)
  return [...all.values()].sort((a, b) => a.ms - b.ms)
}

function indicatorOutputs(planned: IndicatorPlan[] | undefined, name: string, spec: {type?: unknown}): readonly string[] {
  return planned?.find((p) => p.name === name)?.kind.outputs ?? (spec?.type === 'macd' ? ['macd', 'signal', 'histogram'] : ['value'])
}

function planSizing(raw: RulesSpec['sizing'], problems: Problems): RulesPlan['sizing'] | undefined {
  if (raw === undefined) return {type: 'quantity', value: 1}
  const value = problems.number(raw.value, ['sizing', 'value'], 'the size')
  if (value === undefined) return undefined
  if (!(value > 0)) return problems.add({path: ['sizing', 'value'], code: 'rules.sizing', message: `the size must be more than 0, not ${value}`})
  if (raw.type === 'percent_equity' && value > 100) problems.add({path: ['sizing', 'value'], severity: 'warning', code: 'rules.sizing', message: `${value}% of equity is more than the account holds; entries will be rejected for lack of cash`})
  return {type: raw.type, value}
}

function planStop(raw: StopSpec | undefined, key: string, problems: Problems): StopPlan | undefined {
  if (raw === undefined) return undefined
  if (raw.percent !== undefined && raw.atr !== undefined) return problems.add({path: [key, 'atr'], at: 'key', code: 'rules.stop', message: `give \`percent\` or \`atr\` in \`${key}\`, not both`})
  if (raw.percent === undefined && raw.atr === undefined) return problems.add({path: [key], at: 'key', code: 'rules.stop', message: `\`${key}\` needs \`percent\` or \`atr\``})
  if (raw.percent !== undefined && raw.atr_period !== undefined) problems.add({path: [key, 'atr_period'], at: 'key', severity: 'warning', code: 'rules.stop', message: '`atr_period` applies only to `atr` distances'})
  const kind = raw.percent !== undefined ? 'percent' : 'atr'
  const distance = problems.number(raw[kind], [key, kind], `\`${kind}\``)
  if (distance === undefined) return undefined
  if (!(distance > 0) || (kind === 'percent' && key !== 'take_profit' && distance >= 100)) {
    return problems.add({path: [key, kind], code: 'rules.stop', message: kind === 'percent' && distance >= 100 ? `a ${distance}% stop can never trigger` : `the distance must be more than 0, not ${distance}`})
  }
  if (kind === 'percent') return {kind, distance}
  const period = raw.atr_period === undefined ? 14 : problems.number(raw.atr_period, [key, 'atr_period'], '`atr_period`')
  if (period === undefined) return undefined
  if (!Number.isInteger(period) || period < 1) return problems.add({path: [key, 'atr_period'], code: 'rules.stop', message: `\`atr_period\` must be a whole number of at least 1, not ${period}`})
  return {kind, distance, atrPeriod: period}
}
