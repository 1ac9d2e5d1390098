/**
 * A rules plan as strategy hooks. Each symbol keeps its own runtime (indicator state) and trader.
 * Every iteration feeds each symbol the bars it has not seen yet (a NaN close means that symbol
 * has no bar at that time, and is skipped), then — if it got at least one — evaluates its exits
 * and entries on the newest bar.
 *
 * Higher timeframes: the newest bar is fed with the run's clock (`ctx.now`), so a higher bar that
 * has closed by then is visible to the conditions judged now. A context that offers the market's
 * calendar (`ctx.calendar`, optional) lets a daily bar close at the session's close; otherwise it
 * is published when the clock passes local midnight or the next day's first bar arrives.
 */
import type {Fill, Order} from '../../model/orders.js'
import type {StrategyContext, StrategyHooks} from '../../model/strategy.js'
import type {RulesPlan} from '../plan.js'
import type {SessionSource} from './higher-bars.js'
import {SymbolRuntime} from './symbol-runtime.js'
import {SymbolTrader} from './trader.js'

/** The market's time zone from the context; UTC for contexts that do not say. */
function marketTimeZone(ctx: StrategyContext): string {
  return typeof ctx.timezone === 'string' && ctx.timezone !== '' ? ctx.timezone : 'UTC'
}

/** The market's sessions, when the context offers them (duck-typed: not every context does). */
function sessionsOf(ctx: StrategyContext): SessionSource | undefined {
  const c = (ctx as {calendar?: Partial<SessionSource>}).calendar
  return c && typeof c.sessions === 'function' && typeof c.nextSession === 'function' ? (c as SessionSource) : undefined
}

/** Sees each symbol's runtime after its new bars were fed, before its rules are judged (tests, tools). */
export type RuntimeObserver = (ctx: StrategyContext, symbol: string, runtime: SymbolRuntime) => void

export function createRulesHooks(plan: RulesPlan, observe?: RuntimeObserver): StrategyHooks {
  let runtimes: SymbolRuntime[] = []
  let traders: SymbolTrader[] = []
  const bySymbol = new Map<string, SymbolTrader>()
  let seen = 0
  let ready = false
  const higher = (plan.timeframes?.length ?? 0) > 0

  const setup = (ctx: StrategyContext) => {
    const tz = plan.timezone ?? marketTimeZone(ctx)
    const calendar = higher ? sessionsOf(ctx) : undefined
    runtimes = ctx.symbols.map(() => new SymbolRuntime(plan, tz, calendar))
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
        // The symbol's newest bar (it may have none at the last index) is fed with the clock.
        let last = n - 1
        while (higher && last >= seen && ctx.close(symbol, n - 1 - last) !== ctx.close(symbol, n - 1 - last)) last--
        const now = ctx.now
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
            i === last ? now : NaN,
          )
          fed++
        }
        if (fed > 0) {
          observe?.(ctx, symbol, rt)
          traders[s].evaluate(ctx)
        }
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
