import {rulesStrategy} from '../rules/rules-strategy.js'
import type {StrategyRegistry} from './registry.js'

/**
 * Strategies implemented inside bots itself rather than as plugin files: the declarative `rules`
 * strategy (indicators, conditions, sizing and stops written in the spec; see src/rules/).
 */
export function registerBuiltIns(registry: StrategyRegistry): void {
  registry.register(rulesStrategy(), 'built-in')
}
