/** A strategy whose hooks see `wrap(ctx)` instead of the engine's context: a broker that refuses what an exchange refuses, for instance. */
import type {StrategyContext, StrategyDefinition} from '../../src/model/strategy.js'

export function withWrappedContext(inner: StrategyDefinition, wrap: (ctx: StrategyContext) => StrategyContext): StrategyDefinition {
  return {...inner, create: (p) => {
    const h = inner.create(p)
    return Object.fromEntries(Object.entries(h).map(([k, f]) => [k, (ctx: StrategyContext, ...rest: unknown[]) => (f as (...a: unknown[]) => void).call(h, wrap(ctx), ...rest)]))
  }}
}
