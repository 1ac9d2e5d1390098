/**
 * A rules plan as strategy hooks. Each symbol keeps its own runtime (indicator state) and trader.
 * Every iteration feeds each symbol the bars it has not seen yet (a NaN close means that symbol
 * has no bar at that time, and is skipped), then — if it got at least one — evaluates its exits
 * and entries on the newest bar.
 */
import type {Fill, Order} from '../../model/orders.js'
import type {StrategyContext, StrategyHooks} from '../../model/strategy.js'
import type {RulesPlan} from '../plan.js'
import {SymbolRuntime} from './symbol-runtime.js'
import {SymbolTrader} from './trader.js'

/** The market's time zone from the context; UTC for contexts that do not say. */
function marketTimeZone(ctx: StrategyContext): string {
  return typeof ctx.timezone === 'string' && ctx.timezone !== '' ? ctx.timezone : 'UTC'
}

export function createRulesHooks(plan: RulesPlan): StrategyHooks {
  let runtimes: SymbolRuntime[] = []
  let traders: SymbolTrader[] = []
  const bySymbol = new Map<string, SymbolTrader>()
  let seen = 0
  let ready = false

  const setup = (ctx: StrategyContext) => {
    const tz = plan.timezone ?? marketTimeZone(ctx)
    runtimes = ctx.symbols.map(() => new SymbolRuntime(plan, tz))
    traders = ctx.symbols.map((s, k) => new SymbolTrader(s, plan, runtimes[k]))
    traders.forEach((t) => bySymbol.set(t.symbol, t))
    ready = true
  }

  return {
    initialize(ctx) {
      setup(ctx)
    },
    onTradingIteration(ctx) {
      if (!ready) setup(ctx)
      const n = ctx.barCount()
      const symbols = ctx.symbols
      for (let s = 0; s < symbols.length; s++) {
        const symbol = symbols[s]
        const rt = runtimes[s]
        const needs = rt.needs
        rt.beginIteration()
        let fed = 0
        for (let i = seen; i < n; i++) {
          const ago = n - 1 - i
          const close = ctx.close(symbol, ago)
          if (close !== close) continue
          rt.pushBar(
            needs.open ? ctx.open(symbol, ago) : NaN,
            needs.high ? ctx.high(symbol, ago) : NaN,
            needs.low ? ctx.low(symbol, ago) : NaN,
            close,
            needs.volume ? ctx.volume(symbol, ago) : NaN,
            needs.time ? ctx.time(symbol, ago) : NaN,
          )
          fed++
        }
        if (fed > 0) traders[s].evaluate(ctx)
      }
      seen = n
    },
    onFilledOrder(ctx: StrategyContext, order: Order, fill: Fill) {
      bySymbol.get(order.symbol)?.onFilled(ctx, order, fill)
    },
    onCanceledOrder(_ctx: StrategyContext, order: Order) {
      bySymbol.get(order.symbol)?.onCanceled(order)
    },
  }
}
