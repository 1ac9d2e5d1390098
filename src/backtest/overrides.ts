/**
 * Command-line overrides of spec values (`--start`, `--end`, `--cash`, `--param name=value`).
 * Param values are read as YAML scalars, so `fast=20` is the number 20 and `mode=fast` text;
 * overridden params are validated again against the strategy's schema and rules.
 */
import {parse} from '../core/yaml.js'
import {strategyShowCommand} from '../strategy/show-hint.js'
import {BotsError} from '../core/errors.js'
import {parseDateText} from '../core/dates.js'
import type {BotSpec} from '../model/bot-spec.js'
import type {StrategyRegistry} from '../strategy/registry.js'

export interface Overrides {
  start?: string
  end?: string
  cash?: number
  params?: string[]
}

export function parseParamFlags(pairs: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new BotsError(`--param ${pair}: expected name=value`, {code: 'flag.param', hint: 'e.g. --param fast=20'})
    const name = pair.slice(0, eq).trim()
    const text = pair.slice(eq + 1)
    let value: unknown
    try {
      value = parse(text)
    } catch {
      value = text
    }
    out[name] = value ?? text
  }
  return out
}

export function applyOverrides(spec: BotSpec, o: Overrides, registry: StrategyRegistry, strategyName: string): BotSpec {
  for (const [flag, value] of [['--start', o.start], ['--end', o.end]] as const) {
    if (value !== undefined && !parseDateText(value)) throw new BotsError(`${flag} ${value} is not a valid date`, {code: 'flag.date', hint: 'write YYYY-MM-DD or an ISO 8601 date-time'})
  }
  if (o.cash !== undefined && !(o.cash > 0)) throw new BotsError(`--cash must be positive, not ${o.cash}`, {code: 'flag.cash'})
  const overridden = parseParamFlags(o.params)
  let params = spec.strategy.params
  if (Object.keys(overridden).length > 0) {
    const {params: checked, problems} = registry.validateParams(strategyName, {...spec.strategy.params, ...overridden}, spec)
    if (problems.length > 0) {
      const p = problems[0]
      const name = p.param ?? Object.keys(overridden)[0]
      throw new BotsError(`--param ${name}: ${p.message}`, {code: 'flag.param', hint: p.hint ?? `see \`${strategyShowCommand(strategyName, spec.strategy.path)}\``})
    }
    params = checked
  }
  return {
    ...spec,
    strategy: {...spec.strategy, params},
    broker: o.cash === undefined ? spec.broker : {...spec.broker, cash: o.cash},
    backtest: {start: o.start ?? spec.backtest.start, end: o.end ?? spec.backtest.end},
  }
}
