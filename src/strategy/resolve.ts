/**
 * The strategy a bot spec names: a registered plugin or strategy spec by `name`, or a strategy
 * spec file by `path` (loaded into a registry of its own so its params validate the same way).
 */
import {BotsError} from '../core/errors.js'
import type {BotSpec} from '../model/bot-spec.js'
import type {StrategyDefinition} from '../model/strategy.js'
import type {Discovery} from './discover.js'
import {StrategyRegistry} from './registry.js'

export interface ResolvedStrategy {
  definition: StrategyDefinition
  /** The registry that validates this strategy's params. */
  registry: StrategyRegistry
}

export async function resolveStrategy(spec: BotSpec, discovery: Discovery): Promise<ResolvedStrategy> {
  if (spec.strategy.name !== undefined) {
    return {definition: discovery.registry.get(spec.strategy.name).definition, registry: discovery.registry}
  }
  const {loadStrategySpec} = await import('../rules/strategy-spec.js')
  const loaded = await loadStrategySpec(spec.strategy.path!)
  const definition = loaded.definition
  if (!definition) {
    const first = loaded.diagnostics.find((d) => d.severity === 'error') ?? loaded.diagnostics[0]
    throw BotsError.from(first)
  }
  const registry = new StrategyRegistry()
  registry.register(definition, spec.strategy.path)
  return {definition, registry}
}
