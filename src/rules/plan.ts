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

export type SizingType = 'quantity' | 'percent_equity' | 'cash' | 'equal_weight' | 'volatility_target'

export interface SizingPlan {
  type: SizingType
  /** Units, cash, percent of equity (`percent_equity`, `equal_weight`), or the annualised volatility target as a fraction (`volatility_target`). */
  value: number
  /** `equal_weight`, `volatility_target`: positions the value is shared among (default: the bot's number of symbols). */
  positions?: number
  /** `volatility_target`: bars of close-to-close log returns (default 20). */
  lookback?: number
  /** `volatility_target`: bars per year, to annualise (default 252: daily bars). */
  periodsPerYear?: number
  /** `volatility_target`: largest share of equity for one position before dividing by `positions`, in percent (default 100). */
  maxPercent?: number
}

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
  sizing: SizingPlan
  /** The argument of each `rank(x)` slot, evaluated on every symbol before any condition is judged. */
  ranks: IR[]
  /** Other symbols read with `of("SYM", …)` / `close_of("SYM")`. */
  symbols: string[]
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
  /** The bot's symbols: `of("SYM", …)` must name one. Unknown: checked when a bot runs the plan. */
  symbols?: readonly string[]
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
  const types = new Map(Object.entries(rules.indicators ?? {}).flatMap(([n, s]) => (typeof (s as {type?: unknown})?.type === 'string' ? [[n, (s as {type: string}).type] as const] : [])))
  const checker = new ExpressionChecker({indicators: new Map(Object.entries(rules.indicators ?? {}).map(([n, s]) => [n, indicatorOutputs(indicators, n, s)])), params, baseTimeframeMs, symbols: options.symbols, types})
  const conditions: Partial<Record<'entryLong' | 'entryShort' | 'exitLong' | 'exitShort', IR>> = {}
  for (const [block, side, key] of CONDITIONS) {
    const text = rules[block]?.[side]
    if (text === undefined) continue
    const r = checker.check(String(text), 'boolean')
    for (const p of r.problems) problems.add({path: [block, side], offset: p.offset, code: p.code, message: p.message, hint: p.hint})
    for (const p of r.warnings) problems.add({path: [block, side], offset: p.offset, severity: 'warning', code: p.code, message: p.message, hint: p.hint})
    if (r.ir) conditions[key] = r.ir
  }
  if (rules.exit?.long !== undefined && rules.entry?.long === undefined) problems.add({path: ['exit', 'long'], at: 'key', severity: 'warning', code: 'rules.unused', message: '`exit.long` is never used: there is no `entry.long`'})
  if (rules.exit?.short !== undefined && rules.entry?.short === undefined) problems.add({path: ['exit', 'short'], at: 'key', severity: 'warning', code: 'rules.unused', message: '`exit.short` is never used: there is no `entry.short`'})
  const sizing = planSizing(rules.sizing, problems, options.symbols)
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
    ranks: checker.ranks,
    symbols: [...checker.symbols],
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
  // Volatility-target sizing reads the last `lookback` closes before it.
  if (sizing.type === 'volatility_target') plan.depth.set('close', Math.max(plan.depth.get('close') ?? 0, sizing.lookback!))
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

const SIZING_OPTIONS = {positions: ['equal_weight', 'volatility_target'], lookback: ['volatility_target'], periods_per_year: ['volatility_target'], max_percent: ['volatility_target']} as const

function planSizing(raw: RulesSpec['sizing'], problems: Problems, symbols: readonly string[] | undefined): SizingPlan | undefined {
  if (raw === undefined) return {type: 'quantity', value: 1}
  const value = problems.number(raw.value, ['sizing', 'value'], 'the size')
  if (value === undefined) return undefined
  if (!(value > 0)) return problems.add({path: ['sizing', 'value'], code: 'rules.sizing', message: `the size must be more than 0, not ${value}`})
  if ((raw.type === 'percent_equity' || raw.type === 'equal_weight') && value > 100) problems.add({path: ['sizing', 'value'], severity: 'warning', code: 'rules.sizing', message: `${value}% of equity is more than the account holds; entries will be rejected for lack of cash`})
  // Found by an audit: 100% with a 0.1% commission had 53 of 142 entries rejected, never retried, without a warning.
  else if ((raw.type === 'percent_equity' || raw.type === 'equal_weight') && value > 98) {
    problems.add({
      path: ['sizing', 'value'], severity: 'warning', code: 'rules.sizing',
      message: `${value}% of equity leaves no room for a gap or the commission: the entry is sized at the signal bar's close and filled at the next open, and the broker rejects a buy the cash does not cover (that entry is not retried)`,
      hint: 'leave room, e.g. 95',
    })
  }
  if (raw.type === 'volatility_target' && value >= 5) problems.add({path: ['sizing', 'value'], severity: 'warning', code: 'rules.sizing', message: `a volatility target of ${value} is ${value * 100}% a year; the target is a fraction (0.15 means 15%)`})
  const sizing: SizingPlan = {type: raw.type, value}
  let ok = true
  for (const [key, types] of Object.entries(SIZING_OPTIONS)) {
    const given = (raw as Record<string, unknown>)[key]
    if (given === undefined) continue
    if (!(types as readonly string[]).includes(raw.type)) {
      problems.add({path: ['sizing', key], at: 'key', code: 'rules.sizing', message: `\`${key}\` applies only to sizing ${types.map((t) => `\`${t}\``).join(' and ')}, not \`${raw.type}\``})
      ok = false
      continue
    }
    const v = problems.number(given, ['sizing', key], `\`${key}\``)
    const whole = key === 'positions' || key === 'lookback'
    const least = key === 'lookback' ? 2 : whole ? 1 : 0
    if (v === undefined) ok = false
    else if (whole ? !Number.isInteger(v) || v < least || v > 100_000 : !(v > least)) {
      ok = false
      problems.add({path: ['sizing', key], code: 'rules.sizing', message: whole ? `\`${key}\` must be a whole number from ${least} to 100000, not ${v}` : `\`${key}\` must be more than 0, not ${v}`})
    } else if (key === 'positions') sizing.positions = v
    else if (key === 'lookback') sizing.lookback = v
    else if (key === 'periods_per_year') sizing.periodsPerYear = v
    else sizing.maxPercent = v
  }
  if (sizing.positions !== undefined && symbols !== undefined && sizing.positions > symbols.length) {
    problems.add({path: ['sizing', 'positions'], severity: 'warning', code: 'rules.sizing', message: `\`positions: ${sizing.positions}\` is more than the bot's ${symbols.length} symbol${symbols.length === 1 ? '' : 's'}; part of the equity is never used`})
  }
  if (raw.type === 'volatility_target') {
    sizing.lookback ??= 20
    sizing.periodsPerYear ??= 252
    sizing.maxPercent ??= 100
  }
  return ok ? sizing : undefined
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
