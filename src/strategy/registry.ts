/**
 * The strategy registry ("strategy handler"): every strategy a run may use, by name. Unknown
 * names are errors with a did-you-mean, never a silent fallback; two strategies with one name
 * are an error.
 */
import type {ErrorObject, ValidateFunction} from 'ajv'
import {BotsError} from '../core/errors.js'
import {didYouMeanHint} from '../core/suggest.js'
import {paramsValidator} from './params-validator.js'
import type {ParamProblem, StrategyBot, StrategyDefinition} from '../model/strategy.js'

export interface RegisteredStrategy {
  definition: StrategyDefinition
  /** Where it came from: a file path, or `built-in`. */
  source: string
}

export interface ParamsResult {
  /** Params with schema defaults applied (only meaningful when problems is empty). */
  params: Record<string, unknown>
  problems: Array<ParamProblem & {ajv?: ErrorObject}>
}

export class StrategyRegistry {
  private readonly byName = new Map<string, RegisteredStrategy>()
  private readonly validators = new WeakMap<StrategyDefinition, ValidateFunction>()

  register(definition: StrategyDefinition, source = 'built-in'): void {
    const existing = this.byName.get(definition.name)
    if (existing) {
      throw new BotsError(`two strategies are named "${definition.name}": ${existing.source} and ${source}`, {
        code: 'strategy.duplicate',
        file: source,
        hint: 'rename one of them; strategy names must be unique across all strategy folders',
      })
    }
    this.byName.set(definition.name, {definition, source})
  }

  has(name: string): boolean {
    return this.byName.has(name)
  }

  get(name: string): RegisteredStrategy {
    const found = this.byName.get(name)
    if (!found) {
      throw new BotsError(`unknown strategy "${name}"`, {code: 'strategy.unknown', hint: this.unknownHint(name)})
    }
    return found
  }

  unknownHint(name: string): string {
    return didYouMeanHint(name, this.byName.keys()) ?? 'run `bots strategies list` to see the strategies that were found'
  }

  list(): RegisteredStrategy[] {
    return [...this.byName.values()].sort((a, b) => a.definition.name.localeCompare(b.definition.name))
  }

  /**
   * Check params against the strategy's schema, then its own cross-field rules: `check(params,
   * bot)`. `bot` (a BotSpec will do) is the bot they are for; the strategy gets a copy of just the
   * StrategyBot fields, never the rest of the spec.
   */
  validateParams(name: string, params: Record<string, unknown>, bot?: StrategyBot): ParamsResult {
    const {definition} = this.get(name)
    const copy = structuredClone(params)
    const validate = this.validatorFor(definition)
    if (!validate(copy)) {
      return {params: copy, problems: (validate.errors ?? []).map((e) => ({param: e.instancePath.split('/')[1], message: e.message ?? 'is invalid', ajv: e}))}
    }
    let problems: ParamProblem[] = []
    try {
      problems = definition.check?.(copy, bot && strategyBot(bot)) ?? []
    } catch (error) {
      problems = [{message: `the strategy's check() failed: ${error instanceof Error ? error.message : String(error)}`}]
    }
    return {params: copy, problems}
  }

  private validatorFor(definition: StrategyDefinition): ValidateFunction {
    let fn = this.validators.get(definition)
    if (!fn) {
      try {
        fn = paramsValidator(definition.params)
      } catch (error) {
        throw new BotsError(`strategy "${definition.name}" has an invalid params schema: ${(error as Error).message}`, {code: 'strategy.bad_schema'})
      }
      this.validators.set(definition, fn)
    }
    return fn
  }
}

/** The StrategyBot fields of `bot` (a BotSpec has them), copied: what a strategy's check() gets. */
export function strategyBot(bot: StrategyBot): StrategyBot {
  return structuredClone({symbols: bot.symbols, timeframe: bot.timeframe, timeframeMs: bot.timeframeMs, market: bot.market})
}
