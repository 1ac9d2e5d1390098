/**
 * One combination of a `rules` sweep without the engine: the plan's conditions, compiled by the
 * rules' own compiler (expr/compile.ts), read precomputed series (bar fields and indicator
 * outputs, each computed once for the sweep by rules-series.ts) through cursors shaped like the
 * runtime's rings; the crossover detectors are fed every bar as SymbolRuntime feeds them; the
 * trader's state machine (runtime/trader.ts) runs at each iteration of the kernel's schedule; and
 * the account (account.ts) fills the orders as the broker does. It reproduces `runBacktest` inside
 * the envelope (envelope.ts): one symbol, no higher timeframes, no other symbols or ranks, no
 * stops, next-open market fills, and a schedule in which every order is filled (or refused)
 * before the next iteration, so no order is ever still working when the trader looks.
 */
import {CrossDetector} from '../../indicators/crossover.js'
import type {StrategyContext} from '../../model/strategy.js'
import {compile, type Compiled, type EvalScope} from '../../rules/expr/compile.js'
import type {IR} from '../../rules/expr/ir.js'
import type {RulesPlan} from '../../rules/plan.js'
import {LocalClock} from '../../rules/runtime/local-clock.js'
import type {Ring} from '../../rules/runtime/ring.js'
import {entryQuantity} from '../../rules/runtime/sizing.js'
import {VectorAccount, type AccountInput, type VectorRunResult} from './account.js'
import type {IterationSchedule} from './schedule.js'

export interface RulesSimInput extends AccountInput {
  timeframeMs: number
  schedule: IterationSchedule
  plan: RulesPlan
  /** A series key (bar field or indicator output) → its values after `pad` NaNs: index pad + i is bar i. */
  series(key: string): Float64Array
  /** NaNs before each series' first bar: at least the deepest `[n]` the plan reads. */
  pad: number
  /** The rules' time zone (the plan's, else the market's): `hour`, `time_between`… */
  timeZone: string
}

/**
 * A Ring's shape over a whole precomputed series: the compiled expressions read `buf`,
 * `(head - ago) & mask` and `at(ago)` as they read a ring, and `head` is moved to the bar being
 * judged. The NaNs in front of the series are what a fresh ring reads before its first bars.
 */
class SeriesCursor {
  readonly mask = -1
  head = 0
  constructor(readonly buf: Float64Array) {}

  at(ago: number): number {
    return this.buf[(this.head - ago) & this.mask]
  }

  push(): void {
    throw new Error('bug: a precomputed series is read, never pushed')
  }
}

/**
 * An entry or exit condition: absent (`fn` and no slot), one crossover (`crosses_above(a, b)`:
 * true exactly when its slot holds `dir`, as the compiled closure says, judged without a call),
 * or any other expression (its compiled closure).
 */
interface Condition {
  fn?: Compiled
  slot: number
  dir: number
}

function condition(ir: IR | undefined, scope: EvalScope): Condition {
  if (ir === undefined) return {slot: -1, dir: 0}
  if (ir.op === 'cross') return {slot: ir.slot, dir: ir.dir}
  return {fn: compile(ir, scope), slot: -1, dir: 0}
}

export function simulateRules(o: RulesSimInput): VectorRunResult {
  const {plan, bars, pad} = o
  const n = bars.length
  for (const [key, ago] of plan.depth) if (ago > pad) throw new Error(`bug: ${key}[${ago}] reads past the series' ${pad} leading NaNs`)
  const cursors: SeriesCursor[] = []
  const byKey = new Map<string, SeriesCursor>()
  const crosses = new Float64Array(plan.crosses.length).fill(NaN)
  const clock = new LocalClock(o.timeZone)
  const scope: EvalScope = {
    ring(key) {
      let c = byKey.get(key)
      if (c === undefined) {
        c = new SeriesCursor(o.series(key))
        byKey.set(key, c)
        cursors.push(c)
      }
      return c as unknown as Ring
    },
    crosses,
    clock,
  }
  const entryLong = condition(plan.entryLong, scope)
  const entryShort = condition(plan.entryShort, scope)
  const exitLong = condition(plan.exitLong, scope)
  const exitShort = condition(plan.exitShort, scope)
  const crossA = plan.crosses.map((c) => compile(c.a, scope))
  const crossB = plan.crosses.map((c) => compile(c.b, scope))
  // A crossover of two series as they stand (`crosses_above(fast_ma, slow_ma)`, the usual case)
  // reads them straight from the arrays: what the compiled closures return, without the calls.
  const direct = (ir: IR): Float64Array | undefined => (ir.op === 'series' && ir.ago === 0 ? (scope.ring(ir.key) as unknown as SeriesCursor).buf : undefined)
  const arrayA = plan.crosses.map((c) => direct(c.a))
  const arrayB = plan.crosses.map((c) => direct(c.b))
  const detectors = plan.crosses.map(() => new CrossDetector())
  const closes = scope.ring('close') as unknown as SeriesCursor
  // The cursors need moving every bar only when a compiled closure may read them (the golden
  // cross's crossover conditions and series arguments do not); sizing moves the close's itself.
  const moveEveryBar = [entryLong, entryShort, exitLong, exitShort].some((c) => c.fn !== undefined) || arrayA.includes(undefined) || arrayB.includes(undefined)
  const truth = (c: Condition): boolean => (c.slot >= 0 ? crosses[c.slot] === c.dir : c.fn !== undefined && c.fn() === 1)
  const account = new VectorAccount(o)
  // What sizing reads of the context: the portfolio value and cash at the signal, the bot's symbols and the symbol's multiplier.
  const sizingCtx = {portfolioValue: 0, cash: 0, symbols: [o.symbol], multiplier: () => account.mult}
  const ctx = sizingCtx as unknown as StrategyContext
  const time = bars.time
  const {fillAt} = o.schedule
  const dense = o.schedule.dense === true
  const usesClock = plan.usesClock
  const slots = crosses.length

  /** SymbolTrader.enter's units: sized at the signal bar's close, in whole units as it rounds them; 0 for no entry. */
  const sizeEntry = (i: number): number => {
    sizingCtx.portfolioValue = account.value(i)
    sizingCtx.cash = account.cash
    closes.head = pad + i
    const quantity = entryQuantity(plan.sizing, ctx, closes as unknown as Ring, closes.at(0), o.symbol)
    return quantity >= 1 ? quantity : 0
  }
  /** ctx.submitOrder: its id, or 0 when the broker refuses the quantity at once (not finite). */
  const submit = (quantity: number): number => {
    const id = account.submit()
    if (quantity < Infinity) return id
    account.refuse()
    return 0
  }

  // Set at the first bar an iteration feeds (SymbolRuntime.beginIteration).
  let fresh = true
  for (let i = 0; i < n; i++) {
    const head = pad + i
    if (moveEveryBar) for (let k = 0; k < cursors.length; k++) cursors[k].head = head
    // SymbolRuntime.updateCrosses: every detector sees every bar; an iteration keeps the latest cross among its bars.
    for (let s = 0; s < slots; s++) {
      const aa = arrayA[s]
      const ab = arrayB[s]
      const a = aa !== undefined ? aa[head] : crossA[s]()
      const b = ab !== undefined ? ab[head] : crossB[s]()
      const r = a !== a || b !== b ? NaN : detectors[s].update(a, b)
      if (fresh || r === 1 || r === -1 || (r === 0 && crosses[s] !== 1 && crosses[s] !== -1)) crosses[s] = r
    }
    fresh = false
    const f = dense ? i + 1 : fillAt[i]
    if (f < 0) continue // no iteration after this bar
    fresh = true
    if (usesClock) clock.set(time[i])
    // SymbolTrader.evaluate (no order is still working: the schedule fills each before the next iteration).
    const q = account.q
    if (q !== 0) {
      const side = q > 0 ? 1 : -1
      const exit = side > 0 ? exitLong : exitShort
      const reverse = side > 0 ? entryShort : entryLong
      const wantsExit = truth(exit)
      const wantsReverse = truth(reverse)
      if (!wantsExit && !wantsReverse) continue
      // closePosition, then on a reversal the other side's entry, sized while the position is open.
      const exitId = account.submit()
      const quantity = wantsReverse ? sizeEntry(i) : 0
      const entryId = quantity > 0 ? submit(quantity) : 0
      if (f >= n) break // still working when the data ends
      account.fill(f, exitId, side < 0, side * q)
      if (entryId !== 0) account.fill(f, entryId, side < 0, quantity)
      continue
    }
    const long = truth(entryLong)
    const short = truth(entryShort)
    if (long === short) continue
    const quantity = sizeEntry(i)
    if (quantity === 0) continue
    const id = submit(quantity)
    if (id === 0) continue
    if (f >= n) break
    account.fill(f, id, long, quantity)
  }
  return account.result(o.schedule, o.timeframeMs)
}
