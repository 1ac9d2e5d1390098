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
    // `name=null` (or `name=`, `name=~`): the spec's value is dropped and the strategy's default applies.
    out[name] = value === null ? UNSET : value
  }
  return out
}

/** A --param whose value is null: the param is removed from the spec's, not set to null. */
export const UNSET: unique symbol = Symbol('unset')

/** The spec's params with the overrides applied: set, or removed (UNSET). */
function withOverrides(params: Record<string, unknown>, overridden: Record<string, unknown>): Record<string, unknown> {
  const out = {...params}
  for (const [name, value] of Object.entries(overridden)) {
    if (value === UNSET) delete out[name]
    else out[name] = value
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
    const {params: checked, problems} = registry.validateParams(strategyName, withOverrides(spec.strategy.params, overridden), spec)
    if (problems.length > 0) {
      const p = problems[0]
      const show = `see \`${strategyShowCommand(strategyName, spec.strategy.path)}\``
      if (p.param === undefined || p.param in overridden) throw new BotsError(`--param ${p.param ?? Object.keys(overridden)[0]}: ${p.message}`, {code: 'flag.param', hint: p.hint ?? show})
      // The problem is with a param the spec set, which the flags met (`-p quantity=5` against the
      // spec's `percent: 90`): named as the flag's problem, with how to drop the spec's value.
      const flags = Object.keys(overridden).map((k) => `--param ${k}`).join(', ')
      const fromSpec = p.param in spec.strategy.params ? `; \`${p.param}\` is the spec's: \`--param ${p.param}=null\` drops it` : ''
      throw new BotsError(`${flags}: ${p.message}`, {code: 'flag.param', hint: `${p.hint ?? show}${fromSpec}`})
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
