/** Wraps a strategy definition so tests can watch what it does through the context. */
import type {Order} from '../../src/model/orders.js'
import type {StrategyContext, StrategyHooks, StrategyDefinition} from '../../src/model/strategy.js'

export interface Observed {
  /** Every order the strategy placed, with how many bars it had seen. */
  orders: {order: Order; barCount: number}[]
  /** Position at each afterMarketCloses. */
  closes: number[]
  state: Record<string, unknown> | undefined
}

const PLACING = new Set(['submitOrder', 'buy', 'sell', 'closePosition'])

export function observe(definition: StrategyDefinition): {definition: StrategyDefinition; seen: Observed} {
  const seen: Observed = {orders: [], closes: [], state: undefined}
  const watch = (ctx: StrategyContext): StrategyContext =>
    new Proxy(ctx, {
      get(target, key) {
        const v = Reflect.get(target, key, target)
        if (typeof v !== 'function') return v
        if (!PLACING.has(String(key))) return v.bind(target)
        return (...args: unknown[]) => {
          const order = v.apply(target, args) as Order | undefined
          if (order) seen.orders.push({order, barCount: target.barCount()})
          return order
        }
      },
    })
  const wrapped: StrategyDefinition = {
    ...definition,
    create(params) {
      const inner = definition.create(params)
      const hooks: StrategyHooks = {}
      for (const [name, fn] of Object.entries(inner) as [keyof StrategyHooks, (...a: unknown[]) => void][]) {
        hooks[name] = ((ctx: StrategyContext, ...rest: unknown[]) => fn.call(inner, watch(ctx), ...rest)) as never
      }
      const after = hooks.afterMarketCloses
      hooks.afterMarketCloses = (ctx) => {
        after?.(ctx)
        seen.closes.push(ctx.position())
      }
      const stop = hooks.onStop
      hooks.onStop = (ctx) => {
        stop?.(ctx)
        seen.state = ctx.state
      }
      return hooks
    },
  }
  return {definition: wrapped, seen}
}
