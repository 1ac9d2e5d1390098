/**
 * One symbol's live state under a rules plan: a ring per series (bar fields, indicator outputs),
 * the indicators' updaters in dependency order, the crossover detectors, the local clock, and the
 * conditions compiled into closures over exactly these buffers. `pushBar` is the per-bar hot path:
 * it writes numbers into preallocated arrays and calls closures, nothing else.
 *
 * Higher timeframes (`close@1D`, indicators with `timeframe: 1D`): one resampler each, fed every
 * bar; their rings (`open@1D` … `volume@1D`, derived fields) and indicators are pushed only when a
 * higher bar has closed (see higher-bars.ts), so `[0]` is always the last *completed* higher bar.
 */
import {CrossDetector} from '../../indicators/crossover.js'
import {compile, type Compiled, type EvalScope} from '../expr/compile.js'
import {crossNeeds} from '../expr/cross-gate.js'
import type {IR} from '../expr/ir.js'
import {INDICATORS} from '../indicators/catalog.js'
import {SmaStep} from '../indicators/kind-helpers.js'
import {asStep} from '../indicators/types.js'
import type {RulesPlan} from '../plan.js'
import {higherKey, type HigherTimeframe} from '../timeframes.js'
import {HigherBars, type SessionSource} from './higher-bars.js'
import {settleSlot} from './cross-slots.js'
import {LocalClock} from './local-clock.js'
import {Ring} from './ring.js'

type Field = 'open' | 'high' | 'low' | 'close' | 'volume'
const DERIVED = ['hl2', 'hlc3', 'ohlc4'] as const
const FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const

type Step = {step(): void}

/** Stands in for a missing first or second updater of a `CloseLoop`. */
const NO_STEP: Step = {step() {}}

/**
 * What the loop of a one-symbol run feeds when the plan reads the close alone, has one crossover,
 * comparing two series as they stand, and no condition can be true without it (a golden cross;
 * rules-hooks.ts, `iterateCloses`): per bar, push the close, step the updaters, settle the
 * crossover's slot from its two rings. The first two updaters are apart from the rest so that
 * the loop can name them: two SMAs then inline side by side (see iterateCloses).
 */
export interface CloseLoop {
  close: Ring
  first: Step
  second: Step
  /** The updaters after the first two, in order. */
  rest: Step[]
  /** The crossover's two rings, its detector and its slots (slot 0). */
  a: Ring
  b: Ring
  detector: CrossDetector
  slots: Float64Array
  /** `first` and `second` when both are SMAs of the close (the golden cross): the loop writes their steps out. */
  smas: {first: SmaStep; second: SmaStep} | undefined
}

/** One higher timeframe of one symbol: its resampler, field rings, clock and indicators. */
interface HigherGroup {
  bars: HigherBars
  fields: Ring[]
  derived: Ring[]
  clock: LocalClock
  updaters: Array<{step(): void}>
}

export class SymbolRuntime implements EvalScope {
  readonly clock: LocalClock
  readonly crosses: Float64Array
  /** Per `rank(x)` slot: this symbol's rank, written by the hooks once every symbol's bars are in. */
  readonly ranks: Float64Array
  /** Per `rank(x)` slot: x on this symbol. */
  readonly rankArgs: Compiled[]
  /** The bot's other symbols' runtimes, for `of("SYM", x)` (set by the hooks before the first bar). */
  peers: ReadonlyMap<string, SymbolRuntime> | undefined
  readonly entryLong?: Compiled
  readonly entryShort?: Compiled
  readonly exitLong?: Compiled
  readonly exitShort?: Compiled
  /** ATR per period used by ATR-based stops. */
  readonly stopAtr = new Map<number, Ring>()
  /** Bar fields the runner must read for this plan. */
  readonly needs: Record<Field | 'time', boolean>
  /** Whether a bar is its close alone (no other field, derived field, clock or higher timeframe): then `feedCloses` is `pushBar`'s loop. */
  readonly closeOnly: boolean
  private readonly rings = new Map<string, Ring>()
  private readonly updaters: Step[] = []
  /** Set for a plan of the CloseLoop shape (a golden cross); undefined otherwise. */
  readonly closeLoop: CloseLoop | undefined
  private readonly detectors: CrossDetector[]
  private readonly crossArgs: Array<[Compiled, Compiled]>
  /**
   * Per crossover, the rings of its two arguments when each is a series as it stands
   * (`crosses_above(fast_ma, slow_ma)`, the usual case): read in place, without calling the
   * compiled closures (a call V8 cannot inline: every symbol's closures share one site).
   */
  private readonly crossRingA: Array<Ring | undefined>
  private readonly crossRingB: Array<Ring | undefined>
  private readonly fieldRings: Record<Field, Ring | undefined>
  private readonly derived: Array<[Ring, (typeof DERIVED)[number]]> = []
  private readonly higher: HigherGroup[] = []
  private readonly usesClock: boolean
  private readonly closeRing: Ring
  /**
   * Slot, direction pairs (flattened) such that no condition can be true unless one of them holds
   * this iteration (see cross-gate.ts); undefined when some condition may be true without one.
   */
  private readonly conditionCrosses: Int32Array | undefined
  private fresh = true
  /**
   * Whether some crossover slot is 1 or -1, i.e. a detector fired among this iteration's bars: most
   * iterations none did. Written here and by the close loop (see CloseLoop), which feeds without `beginIteration`.
   */
  crossed = false

  /** `calendar`: the market's sessions, so a daily bar is complete at the session's close (without: at local midnight or the next day's first bar). */
  constructor(plan: RulesPlan, timeZone: string, calendar?: SessionSource) {
    this.clock = new LocalClock(timeZone)
    for (const [key, ago] of plan.depth) this.rings.set(key, new Ring(ago))
    const timeframes = plan.timeframes ?? []
    const fieldsRead = new Set<string>(plan.indicators.filter((i) => !i.timeframe).flatMap((i) => [...i.kind.fields, ...(i.source ? [i.source] : [])]))
    // A higher timeframe is made of every field of every bar.
    if (timeframes.length > 0) FIELDS.forEach((f) => fieldsRead.add(f))
    for (const key of plan.depth.keys()) fieldsRead.add(key)
    fieldsRead.add('close') // sizing values entries at the close
    if (plan.trailingStop) ['high', 'low'].forEach((f) => fieldsRead.add(f))
    const atrPeriods = [plan.stopLoss, plan.takeProfit, plan.trailingStop].flatMap((s) => (s?.atrPeriod ? [s.atrPeriod] : []))
    if (atrPeriods.length > 0) ['high', 'low', 'close'].forEach((f) => fieldsRead.add(f))
    for (const d of DERIVED) if (fieldsRead.has(d)) ['open', 'high', 'low', 'close'].forEach((f) => fieldsRead.add(f))
    const need = (f: Field) => fieldsRead.has(f)
    this.closeRing = this.ring('close')
    this.fieldRings = {open: need('open') ? this.ring('open') : undefined, high: need('high') ? this.ring('high') : undefined, low: need('low') ? this.ring('low') : undefined, close: this.closeRing, volume: need('volume') ? this.ring('volume') : undefined}
    this.usesClock = plan.usesClock
    this.needs = {open: need('open'), high: need('high'), low: need('low'), close: true, volume: need('volume'), time: plan.usesClock || timeframes.length > 0}
    for (const d of DERIVED) if (fieldsRead.has(d)) this.derived.push([this.ring(d), d])
    this.closeOnly = !this.needs.open && !this.needs.high && !this.needs.low && !this.needs.volume && !this.needs.time && this.derived.length === 0
    const groups = new Map(timeframes.map((tf) => [tf.text, this.higherGroup(tf, timeZone, calendar)]))
    for (const ind of plan.indicators) {
      const group = ind.timeframe && groups.get(ind.timeframe.text)
      if (ind.timeframe && !group) throw new Error(`bug: timeframe ${ind.timeframe.text} of ${ind.name} is not planned`)
      const field = group ? (f: Field) => this.ring(higherKey(f, ind.timeframe!)) : (f: Field) => this.ring(f)
      const io = {source: this.ring(ind.source ?? (group ? higherKey('close', ind.timeframe!) : 'close')), field, out: ind.keys.map((k) => this.ring(k)), clock: group ? group.clock : this.clock}
      ;(group ? group.updaters : this.updaters).push(asStep(ind.kind.create(ind.params, io)))
    }
    for (const period of new Set(atrPeriods)) {
      const out = new Ring(0)
      this.stopAtr.set(period, out)
      this.updaters.push(asStep(INDICATORS.atr.create({period}, {source: this.ring('close'), field: (f: Field) => this.ring(f), out: [out], clock: this.clock})))
    }
    this.crosses = new Float64Array(plan.crosses.length).fill(NaN)
    this.ranks = new Float64Array(plan.ranks?.length ?? 0).fill(NaN)
    this.rankArgs = (plan.ranks ?? []).map((r) => compile(r, this))
    this.detectors = plan.crosses.map(() => new CrossDetector())
    this.crossArgs = plan.crosses.map((c) => [compile(c.a, this), compile(c.b, this)])
    const inPlace = (ir: IR) => (ir.op === 'series' && ir.ago === 0 ? this.ring(ir.key) : undefined)
    this.crossRingA = plan.crosses.map((c) => inPlace(c.a))
    this.crossRingB = plan.crosses.map((c) => inPlace(c.b))
    this.entryLong = plan.entryLong && compile(plan.entryLong, this)
    this.entryShort = plan.entryShort && compile(plan.entryShort, this)
    this.exitLong = plan.exitLong && compile(plan.exitLong, this)
    this.exitShort = plan.exitShort && compile(plan.exitShort, this)
    const needs = [plan.entryLong, plan.entryShort, plan.exitLong, plan.exitShort].flatMap((c) => (c ? [crossNeeds(c)] : []))
    this.conditionCrosses = needs.every((n) => n !== undefined) ? Int32Array.from(needs.flat().flatMap((n) => [n!.slot, n!.dir])) : undefined
    const [a, b] = [this.crossRingA[0], this.crossRingB[0]]
    this.closeLoop = this.closeOnly && plan.crosses.length === 1 && a !== undefined && b !== undefined && this.conditionCrosses !== undefined
      ? {close: this.closeRing, first: this.updaters[0] ?? NO_STEP, second: this.updaters[1] ?? NO_STEP, rest: this.updaters.slice(2), a, b, detector: this.detectors[0], slots: this.crosses, smas: this.smasOfClose()}
      : undefined
  }

  /** The first two updaters when both are SMAs of the close (see CloseLoop.smas). */
  private smasOfClose(): CloseLoop['smas'] {
    const [first, second] = this.updaters
    const ofClose = (u: Step | undefined): u is SmaStep => u instanceof SmaStep && u.src === this.closeRing
    return ofClose(first) && ofClose(second) ? {first, second} : undefined
  }

  private higherGroup(tf: HigherTimeframe, timeZone: string, calendar: SessionSource | undefined): HigherGroup {
    const fields = FIELDS.map((f) => this.ring(higherKey(f, tf)))
    const derived = DERIVED.map((d) => this.ring(higherKey(d, tf)))
    const group: HigherGroup = {fields, derived, clock: new LocalClock(timeZone), updaters: [], bars: undefined as unknown as HigherBars}
    group.bars = new HigherBars(tf.ms, timeZone, (o, h, l, c, v, t) => {
      fields[0].push(o)
      fields[1].push(h)
      fields[2].push(l)
      fields[3].push(c)
      fields[4].push(v)
      derived[0].push((h + l) / 2)
      derived[1].push((h + l + c) / 3)
      derived[2].push((o + h + l + c) / 4)
      group.clock.set(t)
      const up = group.updaters
      for (let i = 0; i < up.length; i++) up[i].step()
    }, calendar)
    this.higher.push(group)
    return group
  }

  peer(symbol: string): SymbolRuntime | undefined {
    return this.peers?.get(symbol)
  }

  ring(key: string): Ring {
    let r = this.rings.get(key)
    if (!r) {
      r = new Ring(0)
      this.rings.set(key, r)
    }
    return r
  }

  /** Call before the bars of a new iteration: crossovers then report the latest among them. */
  beginIteration(): void {
    this.fresh = true
  }

  /**
   * Feeds one bar of this symbol (fields not in `needs` may be NaN). `now`: the run's clock when
   * this is the newest bar of the iteration (a higher bar that has closed by then is published
   * before the conditions are judged); NaN for earlier bars of the same iteration.
   */
  pushBar(open: number, high: number, low: number, close: number, volume: number, time: number, now = NaN): void {
    const f = this.fieldRings
    f.open?.push(open)
    f.high?.push(high)
    f.low?.push(low)
    f.close!.push(close)
    f.volume?.push(volume)
    for (let i = 0; i < this.derived.length; i++) {
      const ring = this.derived[i][0]
      const kind = this.derived[i][1]
      ring.push(kind === 'hl2' ? (high + low) / 2 : kind === 'hlc3' ? (high + low + close) / 3 : (open + high + low + close) / 4)
    }
    if (this.usesClock) this.clock.set(time)
    const hi = this.higher
    for (let i = 0; i < hi.length; i++) hi[i].bars.push(open, high, low, close, volume, time, now)
    const up = this.updaters
    for (let i = 0; i < up.length; i++) up[i].step()
    this.updateCrosses()
  }

  /**
   * `pushBar` for a `closeOnly` plan, over the bars `from` to `n` of a close column (NaN: no bar
   * there, skipped); how many it fed. The loop is here rather than a pushBar call per bar: V8
   * does not inline pushBar, so each bar paid a call with seven arguments and its optional rings.
   */
  feedCloses(close: Float64Array, from: number, n: number): number {
    const ring = this.closeRing
    const up = this.updaters
    let count = 0
    for (let i = from; i < n; i++) {
      const c = close[i]
      if (c !== c) continue
      ring.push(c)
      for (let k = 0; k < up.length; k++) up[k].step()
      this.updateCrosses()
      count++
    }
    return count
  }

  /** False when no condition can be true at this iteration's bars: none of the crossovers they need fired. */
  conditionsMayHold(): boolean {
    const need = this.conditionCrosses
    if (need === undefined) return true
    if (!this.crossed) return false
    const crosses = this.crosses
    for (let i = 0; i < need.length; i += 2) if (crosses[need[i]] === need[i + 1]) return true
    return false
  }

  /**
   * Feeds every detector (they must see every bar). When an iteration covers several new bars,
   * a slot keeps the latest actual cross among them, as the hand-written sma-cross plugin does.
   */
  private updateCrosses(): void {
    const fresh = this.fresh
    this.fresh = false
    // The first bar of an iteration rewrites every slot.
    if (fresh) this.crossed = false
    const slots = this.crosses
    for (let i = 0; i < slots.length; i++) {
      const ra = this.crossRingA[i]
      const rb = this.crossRingB[i]
      const a = ra !== undefined ? ra.buf[ra.head] : this.crossArgs[i][0]()
      const b = rb !== undefined ? rb.buf[rb.head] : this.crossArgs[i][1]()
      const r = a !== a || b !== b ? NaN : this.detectors[i].update(a, b)
      if (settleSlot(slots, i, r, fresh)) this.crossed = true
    }
  }
}
