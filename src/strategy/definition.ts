import type {StrategyHooks} from './context.js'

/** A JSON Schema (2020-12) object schema for a strategy's params. */
export type ParamsSchema = {
  type: 'object'
  properties?: Record<string, Record<string, unknown>>
  required?: string[]
  additionalProperties?: boolean | Record<string, unknown>
  [keyword: string]: unknown
}

/** A problem the schema cannot express (e.g. `fast < slow`); `param` names the param to point at. */
export interface ParamProblem {
  param?: string
  message: string
  hint?: string
}

/**
 * What a strategy plugin default-exports. `create` builds fresh hooks (and their private state)
 * for one run; it is called once per run, so one definition can serve many bots at once.
 */
export interface StrategyDefinition<P extends object = Record<string, any>> {
  name: string
  description: string
  params: ParamsSchema
  /** Cross-parameter rules beyond the schema. Runs only after the schema passed. */
  check?(params: P): ParamProblem[]
  /** Bars of history the strategy needs before its first decision (used for reports and live warm-up). */
  warmup?(params: P): number
  create(params: P): StrategyHooks
}

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
