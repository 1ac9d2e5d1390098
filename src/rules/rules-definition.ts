/**
 * A StrategyDefinition that runs a rules block: shared by the built-in `rules` strategy (rules in
 * the params) and by strategy specs (rules in a file, params filling its `${placeholders}`).
 * `check` reports what `planRules` finds for the given params; `create` plans once per run.
 */
import {createRequire} from 'node:module'
import {BotsError} from '../core/errors.js'
import type {ParamProblem, ParamsSchema, StrategyDefinition} from '../model/strategy.js'
import type {RulesPlan} from './plan.js'
import type {RuleProblem} from './problems.js'
import type {RulesSpec} from './rules-types.js'
import type * as Machinery from './rules-machinery.js'

let loaded: typeof Machinery | undefined
// From the TypeScript sources (the tests, under tsx) `require` would compile a second, CommonJS
// copy of the rules modules (other class identities): there the machinery is imported up front.
if (import.meta.url.endsWith('.ts')) loaded = await import('./rules-machinery.js')

/**
 * The planner and runtime, loaded on first use: `check` and `create` are synchronous, hence
 * `require` (Node ≥ 20.19 loads ES modules through it, the same instances `import` gives).
 */
function machinery(): typeof Machinery {
  loaded ??= createRequire(import.meta.url)('./rules-machinery.js') as typeof Machinery
  return loaded
}

export interface RulesSource {
  name: string
  description: string
  params: ParamsSchema
  /** The rules and parameter values for a bot's params. */
  resolve(params: Record<string, unknown>): {rules: RulesSpec; values: ReadonlyMap<string, unknown>}
  /** Problems of the parameter values together (a strategy spec's `checks:`), before the rules are planned. */
  checkParams?(values: ReadonlyMap<string, unknown>): ParamProblem[]
  /** Those checks as written, for `bots strategies show`. */
  checks?: readonly ParamCheckText[]
  /** Turns a problem into the param it is about and a message (e.g. with the strategy file's line). */
  describe(problem: RuleProblem, rules: RulesSpec): ParamProblem
}

/** A check on the params together, as a strategy spec writes it (param-checks.ts). */
export interface ParamCheckText {
  condition: string
  message?: string
}

const checkTexts = new WeakMap<StrategyDefinition, readonly ParamCheckText[]>()

/** The checks on its params together of a definition made by `rulesDefinition` (none for any other). */
export function paramChecksOf(definition: StrategyDefinition): readonly ParamCheckText[] {
  return checkTexts.get(definition) ?? []
}

/** The definitions made here, with the resolver of their rules (for the sweep's vector path). */
const sources = new WeakMap<StrategyDefinition, RulesSource['resolve']>()

/**
 * For a definition made by `rulesDefinition` (the built-in `rules`, a strategy spec): how a bot's
 * params become the rules and parameter values it plans; undefined for any other strategy. Kept
 * out of the definition itself, so a plugin cannot claim to be made of rules.
 */
export function rulesResolver(definition: StrategyDefinition): RulesSource['resolve'] | undefined {
  return sources.get(definition)
}

export function rulesDefinition(source: RulesSource): StrategyDefinition {
  const plan = (params: Record<string, unknown>): {plan?: RulesPlan; errors: ParamProblem[]} => {
    const {rules, values} = source.resolve(params ?? {})
    const r = machinery().planRules(rules, values)
    return {plan: r.plan, errors: r.problems.filter((p) => p.severity !== 'warning').map((p) => source.describe(p, rules))}
  }
  const failedChecks = (params: Record<string, unknown>): ParamProblem[] => source.checkParams?.(source.resolve(params ?? {}).values) ?? []
  const definition: StrategyDefinition = {
    name: source.name,
    description: source.description,
    params: source.params,
    check: (params) => {
      const failed = failedChecks(params)
      return failed.length > 0 ? failed : plan(params).errors
    },
    warmup: (params) => plan(params).plan?.warmup ?? 0,
    indicatorSeries(params, bars, timeZone, calendar) {
      const r = plan(params)
      return r.plan ? machinery().rulesIndicatorSeries(r.plan, bars, timeZone, calendar) : []
    },
    create(params) {
      const r = plan(params)
      const failed = failedChecks(params)
      if (!r.plan || failed.length > 0) {
        const first = failed[0] ?? r.errors[0]
        throw new BotsError(`strategy "${source.name}": ${first?.message ?? 'invalid rules'}`, {code: 'rules.invalid', hint: first?.hint ?? 'run `bots validate` on the spec'})
      }
      return machinery().createRulesHooks(r.plan)
    },
  }
  sources.set(definition, source.resolve)
  if (source.checks !== undefined) checkTexts.set(definition, source.checks)
  return definition
}

/** `indicators.fast_ma.period` / `entry.long (character 12)`: where a problem is, in words. */
export function describePath(p: RuleProblem): string {
  const at = p.path.join('.')
  return p.offset !== undefined ? `${at} (character ${p.offset + 1})` : at
}
