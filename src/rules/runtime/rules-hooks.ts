/**
 * A rules plan as strategy hooks. Each symbol keeps its own runtime (indicator state) and trader.
 * Every iteration feeds each symbol the bars it has not seen yet (a NaN close means that symbol
 * has no bar at that time, and is skipped), then — if it got at least one — evaluates its exits
 * and entries on the newest bar.
 *
 * Every symbol's new bars are fed before any symbol's rules are judged, so `of("SYM", x)` reads
 * the other symbol as of the same bar, and `rank(x)` ranks every symbol's x at that bar (written
 * into each runtime between feeding and judging). A plan that reads other symbols or ranks judges
 * the symbols holding a position (their exits) before the flat ones (their entries), so a
 * rotation's sell is submitted before its buy.
 *
 * Higher timeframes: the newest bar is fed with the run's clock (`ctx.now`), so a higher bar that
 * has closed by then is visible to the conditions judged now. A context that offers the market's
 * calendar (`ctx.calendar`, optional) lets a daily bar close at the session's close; otherwise it
 * is published when the clock passes local midnight or the next day's first bar arrives.
 */
import {BotsError} from '../../core/errors.js'
import {didYouMeanHint} from '../../core/suggest.js'
import type {Fill, Order} from '../../model/orders.js'
import {BAR_COLUMNS, type StrategyContext, type StrategyHooks} from '../../model/strategy.js'
import type {RulesPlan} from '../plan.js'
import type {SessionSource} from './higher-bars.js'
import {settleSlot} from './cross-slots.js'
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
  const ranks = plan.ranks ?? []
  const crossSymbol = ranks.length > 0 || (plan.symbols?.length ?? 0) > 0
  let fed = new Uint8Array(0)
  let values = new Float64Array(0)
  let alone = false
  /** Whether the run goes through iterateCloses (alone, a CloseLoop plan, a context with the run's columns). */
  let closeLoop = false
  // The symbol key as a local binding: an imported one is a chain of loads on every iteration.
  const columnsOf: typeof BAR_COLUMNS = BAR_COLUMNS

  const setup = (ctx: StrategyContext) => {
    const tz = plan.timezone ?? marketTimeZone(ctx)
    const calendar = higher ? sessionsOf(ctx) : undefined
    for (const symbol of plan.symbols ?? []) {
      if (ctx.symbols.includes(symbol)) continue
      throw new BotsError(`the rules read symbol "${symbol}", which this bot does not trade (its symbols: ${ctx.symbols.join(', ')})`, {code: 'rules.unknown_symbol', hint: didYouMeanHint(symbol, ctx.symbols) ?? `add ${symbol} to the bot's \`symbols:\``})
    }
    runtimes = ctx.symbols.map(() => new SymbolRuntime(plan, tz, calendar))
    const peers = new Map(ctx.symbols.map((s, k) => [s, runtimes[k]]))
    for (const rt of runtimes) rt.peers = peers
    traders = ctx.symbols.map((s, k) => new SymbolTrader(s, plan, runtimes[k]))
    traders.forEach((t) => bySymbol.set(t.symbol, t))
    fed = new Uint8Array(ctx.symbols.length)
    values = new Float64Array(ctx.symbols.length)
    alone = ctx.symbols.length === 1 && !higher && !crossSymbol
    closeLoop = alone && runtimes[0].closeLoop !== undefined && ctx[columnsOf] !== undefined
    ready = true
    // The hook becomes the loop this plan needs, so that the engine calls it directly: called
    // through the general hook, V8 inlined the close loop into it and then had no inlining
    // budget left for the loop's SMA steps.
    if (closeLoop) hooks.onTradingIteration = iterateCloses
    else if (alone) hooks.onTradingIteration = iterateAlone
  }

  /**
   * Each rank slot: every symbol's value, then each symbol's rank (1 = highest, ties share the
   * better rank). Unknown for every symbol while any symbol's value is unknown (warm-up): a rank
   * among some of the symbols would let `rank(x) <= 2` enter early.
   */
  const rankSymbols = () => {
    const m = runtimes.length
    for (let k = 0; k < ranks.length; k++) {
      let known = true
      for (let s = 0; s < m; s++) {
        const v = runtimes[s].rankArgs[k]()
        values[s] = v
        if (v !== v) known = false
      }
      for (let s = 0; s < m; s++) {
        const v = values[s]
        let r = NaN
        if (known) {
          r = 1
          for (let t = 0; t < m; t++) if (values[t] > v) r++
        }
        runtimes[s].ranks[k] = r
      }
    }
  }

  /**
   * onTradingIteration for the common plan (one symbol, no higher timeframe, no other symbol or
   * rank): the same feeding and judging, in a function small enough for V8 to inline the
   * context's accessors into (a rules run's own cost per bar, against the plugin's, is mostly here).
   */
  const iterateAlone = (ctx: StrategyContext) => {
    const n = ctx.barCount()
    const symbol = ctx.symbols[0]
    const rt = runtimes[0]
    rt.beginIteration()
    const count = feed(ctx, symbol, rt, n, -1, NaN)
    seen = n
    if (count === 0) return
    observe?.(ctx, symbol, rt)
    traders[0].evaluate(ctx)
  }

  /**
   * iterateAlone for a plan of the CloseLoop shape (a golden cross): feedCloses and its crossover
   * update written out in one function, as the sma-cross plugin's loop is, small enough for V8 to
   * inline an SMA step into it (the bench's golden cross: ~85 → ~77 ms CPU for 1M bars). In trials,
   * the same loop as a runtime method called from iterateAlone measured ~93 ms (V8 inlined neither
   * SMA step), and with evaluate called on every iteration the steps no longer fitted V8's
   * inlining budget either. close-loop.test.ts holds it to the general path.
   */
  const iterateCloses = (ctx: StrategyContext) => {
    const n = ctx.barCount()
    const rt = runtimes[0]
    const loop = rt.closeLoop!
    const close = ctx[columnsOf]!(ctx.symbols[0]).close
    const ring = loop.close
    const first = loop.first
    const second = loop.second
    const rest = loop.rest
    const ra = loop.a
    const rb = loop.b
    const detector = loop.detector
    const slots = loop.slots
    const smas = loop.smas
    let fresh = true
    let count = 0
    for (let i = seen; i < n; i++) {
      const c = close[i]
      if (c !== c) continue
      ring.push(c)
      if (smas !== undefined) {
        // Two SMAs of the close (a golden cross): their steps written out, c being what each
        // would read. Less to inline than two steps (V8's inlining budget is per function), so
        // both windows' push inline here: ~66 against ~76 ms CPU for the bench's 1M bars.
        const f = smas.first
        f.sum.push(c)
        f.out.push(f.sum.current / f.period)
        const s = smas.second
        s.sum.push(c)
        s.out.push(s.sum.current / s.period)
      } else {
        first.step()
        second.step()
      }
      for (let k = 0; k < rest.length; k++) rest[k].step()
      // The first bar of an iteration rewrites the slot.
      if (fresh) rt.crossed = false
      const a = ra.buf[ra.head]
      const b = rb.buf[rb.head]
      if (settleSlot(slots, 0, a !== a || b !== b ? NaN : detector.update(a, b), fresh)) rt.crossed = true
      fresh = false
      count++
    }
    seen = n
    if (count === 0) return
    observe?.(ctx, ctx.symbols[0], rt)
    // Every condition needs the crossover (CloseLoop) and a close-only plan has no trailing stop
    // to move: with no cross, evaluate would do nothing, unless a stop the broker refused is
    // watched (an exchange broker), which looks at every bar.
    if (rt.crossed || traders[0].watching) traders[0].evaluate(ctx)
  }

  /** Feeds `rt` the symbol's bars from `seen` to `n` (bar `last` with the clock `now`); how many it had. */
  const feed = (ctx: StrategyContext, symbol: string, rt: SymbolRuntime, n: number, last: number, now: number): number => {
    const needs = rt.needs
    let count = 0
    // The run's own columns when the context offers them, else the public history (views made
    // per call): bar i either way.
    const columns = ctx[BAR_COLUMNS]?.(symbol) ?? ctx.history(symbol)
    if (rt.closeOnly) return rt.feedCloses(columns.close, seen, n)
    const {time, open, high, low, close, volume} = columns
    for (let i = seen; i < n; i++) {
      const c = close[i]
      if (c !== c) continue
      rt.pushBar(needs.open ? open[i] : NaN, needs.high ? high[i] : NaN, needs.low ? low[i] : NaN, c, needs.volume ? volume[i] : NaN, needs.time ? time[i] : NaN, i === last ? now : NaN)
      count++
    }
    return count
  }

  const hooks: StrategyHooks = {
    initialize(ctx) {
      setup(ctx)
    },
    onTradingIteration(ctx) {
      if (!ready) {
        setup(ctx)
        return hooks.onTradingIteration!(ctx)
      }
      const n = ctx.barCount()
      const symbols = ctx.symbols
      let any = false
      for (let s = 0; s < symbols.length; s++) {
        const symbol = symbols[s]
        const rt = runtimes[s]
        rt.beginIteration()
        // The symbol's newest bar (it may have none at the last index) is fed with the clock.
        let last = n - 1
        while (higher && last >= seen && ctx.close(symbol, n - 1 - last) !== ctx.close(symbol, n - 1 - last)) last--
        const count = feed(ctx, symbol, rt, n, last, ctx.now)
        fed[s] = count > 0 ? 1 : 0
        if (count > 0) any = true
      }
      seen = n
      if (!any) return
      if (ranks.length > 0) rankSymbols()
      // Holders first (exits), then the flat symbols (entries), when symbols read each other.
      for (let pass = crossSymbol ? 0 : 1; pass < 2; pass++) {
        for (let s = 0; s < symbols.length; s++) {
          if (fed[s] === 0 || (pass === 0 && ctx.position(symbols[s]) === 0)) continue
          fed[s] = 0
          observe?.(ctx, symbols[s], runtimes[s])
          traders[s].evaluate(ctx)
        }
      }
    },
    onFilledOrder(ctx: StrategyContext, order: Order, fill: Fill) {
      bySymbol.get(order.symbol)?.onFilled(ctx, order, fill)
    },
    onCanceledOrder(ctx: StrategyContext, order: Order) {
      bySymbol.get(order.symbol)?.onCanceled(ctx, order)
    },
  }
  return hooks
}
