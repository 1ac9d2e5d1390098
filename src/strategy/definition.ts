/** Helpers for plugin authors and loaders; the definition's type is in src/model/strategy.ts. */
import type {StrategyDefinition} from '../model/strategy.js'

/** Identity function that gives plugin authors type checking and completion. */
export function defineStrategy<P extends object>(definition: StrategyDefinition<P>): StrategyDefinition<P> {
  return definition
}

export function isStrategyDefinition(value: unknown): value is StrategyDefinition {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return (
    typeof v.name === 'string' &&
    typeof v.description === 'string' &&
    typeof v.params === 'object' &&
    v.params !== null &&
    typeof v.create === 'function'
  )
}
