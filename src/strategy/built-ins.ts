import type {StrategyRegistry} from './registry.js'

/**
 * Strategies implemented inside bots itself rather than as plugin files. The declarative
 * `rules` strategy registers here.
 */
export function registerBuiltIns(_registry: StrategyRegistry): void {}
