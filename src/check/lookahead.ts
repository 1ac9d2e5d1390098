/**
 * The look-ahead check (`bots check`): does any decision of a strategy depend on bars that had not
 * closed when it was made? The `rules` strategy cannot look ahead (its expressions are checked
 * statically), but a code plugin can, for instance by reading past the end of a `history()` view
 * through its buffer, or by loading the data file itself.
 *
 * The way Freqtrade's lookahead analysis works: run the strategy on all the bars, then again on the
 * bars cut after some bar, and compare the orders decided up to that bar. A strategy that only
 * reads the past decides the same; one that peeks decides differently at the cut's last bar, where
 * the future it read is missing. Cuts go right after the bars where the full run decided something
 * (that is where a peek changes an order), plus a few evenly spaced ones (a peek that would have
 * prevented an order shows there). `onStop` is left out of the cut runs: it is an end-of-data hook.
 */
import {createCalendar} from '../calendar/index.js'
import {runBacktest} from '../engine/run-backtest.js'
import type {BacktestResult} from '../engine/result.js'
import type {Bars} from '../model/bars.js'
import type {BotSpec} from '../model/bot-spec.js'
import type {Order} from '../model/orders.js'
import {HOOK_NAMES, type StrategyDefinition, type StrategyHooks} from '../model/strategy.js'

/** What a decision is compared on: everything the strategy chose, and when. */
export interface Decision {
  id: number
  createdAt: number
  symbol: string
  side: string
  quantity: number
  type: string
  limitPrice?: number
  stopPrice?: number
  tag?: string
}

export interface CutOutcome {
  /** Bars kept (of the run's time index). */
  bars: number
  /** Open time of the last bar kept. */
  lastBar: number
  /** Decisions compared (made up to the last bar kept). */
  compared: number
  /** The first decision that differs: what the full run decided, and what the cut run decided instead. */
  differs?: {full?: Decision; cut?: Decision}
}

export interface LookaheadReport {
  strategy: string
  symbols: string[]
  bars: number
  decisions: number
  cuts: CutOutcome[]
  /** The earliest cut with a difference. */
  first?: CutOutcome
  passed: boolean
}

export interface LookaheadOptions {
  spec: BotSpec
  bars: Bars[]
  definition: StrategyDefinition
  params: Record<string, unknown>
  /** How many cuts after decisions, and how many evenly spaced (default 12 and 4). */
  decisionCuts?: number
  evenCuts?: number
  /** Runs the strategy (default in process); `omit` names hooks to leave out. */
  run?: (bars: Bars[], omit: string[]) => Promise<BacktestResult>
  onCut?: (done: number, total: number) => void
}

export async function lookaheadCheck(o: LookaheadOptions): Promise<LookaheadReport> {
  const run = o.run ?? ((bars, omit) => runInProcess(o, bars, omit))
  const full = await run(o.bars, [])
  const times = timeIndex(o.bars)
  const decisions = full.orders.map(decision)
  const cuts = pickCuts(times, decisions, o.decisionCuts ?? 12, o.evenCuts ?? 4)
  const outcomes: CutOutcome[] = []
  for (const [k, keep] of cuts.entries()) {
    const lastBar = times[keep - 1]
    const cutBars = o.bars.map((b) => cutAt(b, times[keep] ?? Infinity))
    const cut = await run(cutBars, ['onStop'])
    const end = cut.end
    const mine = full.orders.filter((x) => x.createdAt <= end).map(decision)
    const theirs = cut.orders.filter((x) => x.createdAt <= end).map(decision)
    outcomes.push({bars: keep, lastBar, compared: mine.length, differs: firstDifference(mine, theirs)})
    o.onCut?.(k + 1, cuts.length)
  }
  const first = outcomes.filter((c) => c.differs).sort((a, b) => a.bars - b.bars)[0]
  return {strategy: o.definition.name, symbols: [...o.spec.symbols], bars: times.length, decisions: decisions.length, cuts: outcomes, first, passed: first === undefined}
}

function runInProcess(o: LookaheadOptions, bars: Bars[], omit: string[]): Promise<BacktestResult> {
  const definition: StrategyDefinition = omit.length === 0 ? o.definition : {...o.definition, create: (p) => without(o.definition.create(p), omit)}
  return runBacktest({spec: o.spec, bars, definition, params: o.params, calendar: createCalendar(o.spec.market)})
}

function without(hooks: StrategyHooks, omit: string[]): StrategyHooks {
  const out: Record<string, unknown> = {}
  // Hooks may be prototype methods (a class instance): bind what is kept.
  for (const name of HOOK_NAMES) {
    const fn = hooks[name] as ((...a: unknown[]) => void) | undefined
    if (typeof fn === 'function' && !omit.includes(name)) out[name] = fn.bind(hooks)
  }
  return out as StrategyHooks
}

export function decision(x: Order): Decision {
  return {id: x.id, createdAt: x.createdAt, symbol: x.symbol, side: x.side, quantity: x.quantity, type: x.type, limitPrice: x.limitPrice, stopPrice: x.stopPrice, tag: x.tag}
}

function firstDifference(full: Decision[], cut: Decision[]): CutOutcome['differs'] {
  const n = Math.max(full.length, cut.length)
  for (let i = 0; i < n; i++) {
    const a = full[i]
    const b = cut[i]
    if (!a || !b || !same(a, b)) return {full: a, cut: b}
  }
  return undefined
}

function same(a: Decision, b: Decision): boolean {
  return a.createdAt === b.createdAt && a.symbol === b.symbol && a.side === b.side && a.quantity === b.quantity && a.type === b.type &&
    Object.is(a.limitPrice, b.limitPrice) && Object.is(a.stopPrice, b.stopPrice) && a.tag === b.tag
}

/** The run's time index: every bar open time of every symbol, sorted, once. */
function timeIndex(bars: Bars[]): Float64Array {
  if (bars.length === 1) return bars[0].time.subarray(0, bars[0].length)
  const all = new Set<number>()
  for (const b of bars) for (let i = 0; i < b.length; i++) all.add(b.time[i])
  return Float64Array.from([...all].sort((a, b) => a - b))
}

/** How many bars to keep for each cut: right after decision bars (sampled evenly among decisions), and evenly spaced. */
function pickCuts(times: Float64Array, decisions: Decision[], byDecision: number, even: number): number[] {
  const n = times.length
  const keep = new Set<number>()
  const step = Math.max(1, decisions.length / byDecision)
  for (let d = 0; d < decisions.length && keep.size < byDecision; d = Math.floor(d + step)) {
    const k = lastBefore(times, decisions[Math.floor(d)].createdAt) // the bar the decision was made on
    if (k >= 0 && k + 1 < n) keep.add(k + 1)
  }
  for (let i = 1; i <= even; i++) {
    const k = Math.floor((n * i) / (even + 1))
    if (k >= 2 && k < n) keep.add(k)
  }
  return [...keep].sort((a, b) => a - b)
}

/** Index of the last bar that opened before `t` (-1 if none). */
function lastBefore(times: Float64Array, t: number): number {
  let lo = 0
  let hi = times.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (times[mid] < t) lo = mid + 1
    else hi = mid
  }
  return lo - 1
}

/** The bars of one series that opened before `t`, as a copy (it may cross to a worker). */
function cutAt(b: Bars, t: number): Bars {
  let n = 0
  while (n < b.length && b.time[n] < t) n++
  return {symbol: b.symbol, timeframeMs: b.timeframeMs, length: n, time: b.time.slice(0, n), open: b.open.slice(0, n), high: b.high.slice(0, n), low: b.low.slice(0, n), close: b.close.slice(0, n), volume: b.volume.slice(0, n)}
}
