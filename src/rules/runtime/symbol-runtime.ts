/**
 * One symbol's live state under a rules plan: a ring per series (bar fields, indicator outputs),
 * the indicators' updaters in dependency order, the crossover detectors, the local clock, and the
 * conditions compiled into closures over exactly these buffers. `pushBar` is the per-bar hot path:
 * it writes numbers into preallocated arrays and calls closures, nothing else.
 */
import {CrossDetector} from '../../indicators/crossover.js'
import {compile, type Compiled, type EvalScope} from '../expr/compile.js'
import {INDICATORS} from '../indicators/catalog.js'
import type {RulesPlan} from '../plan.js'
import {LocalClock} from './local-clock.js'
import {Ring} from './ring.js'

type Field = 'open' | 'high' | 'low' | 'close' | 'volume'
const DERIVED = ['hl2', 'hlc3', 'ohlc4'] as const

export class SymbolRuntime implements EvalScope {
  readonly clock: LocalClock
  readonly crosses: Float64Array
  readonly entryLong?: Compiled
  readonly entryShort?: Compiled
  readonly exitLong?: Compiled
  readonly exitShort?: Compiled
  /** ATR per period used by ATR-based stops. */
  readonly stopAtr = new Map<number, Ring>()
  /** Bar fields the runner must read for this plan. */
  readonly needs: Record<Field | 'time', boolean>
  private readonly rings = new Map<string, Ring>()
  private readonly updaters: Array<() => void> = []
  private readonly detectors: CrossDetector[]
  private readonly crossArgs: Array<[Compiled, Compiled]>
  private readonly fieldRings: Record<Field, Ring | undefined>
  private readonly derived: Array<[Ring, (typeof DERIVED)[number]]> = []
  private fresh = true

  constructor(plan: RulesPlan, timeZone: string) {
    this.clock = new LocalClock(timeZone)
    for (const [key, ago] of plan.depth) this.rings.set(key, new Ring(ago))
    const fieldsRead = new Set<string>(plan.indicators.flatMap((i) => [...i.kind.fields, ...(i.source ? [i.source] : [])]))
    for (const key of plan.depth.keys()) fieldsRead.add(key)
    fieldsRead.add('close') // sizing values entries at the close
    if (plan.trailingStop) ['high', 'low'].forEach((f) => fieldsRead.add(f))
    const atrPeriods = [plan.stopLoss, plan.takeProfit, plan.trailingStop].flatMap((s) => (s?.atrPeriod ? [s.atrPeriod] : []))
    if (atrPeriods.length > 0) ['high', 'low', 'close'].forEach((f) => fieldsRead.add(f))
    for (const d of DERIVED) if (fieldsRead.has(d)) ['open', 'high', 'low', 'close'].forEach((f) => fieldsRead.add(f))
    const need = (f: Field) => fieldsRead.has(f)
    this.fieldRings = {open: need('open') ? this.ring('open') : undefined, high: need('high') ? this.ring('high') : undefined, low: need('low') ? this.ring('low') : undefined, close: this.ring('close'), volume: need('volume') ? this.ring('volume') : undefined}
    this.needs = {open: need('open'), high: need('high'), low: need('low'), close: true, volume: need('volume'), time: plan.usesClock}
    for (const d of DERIVED) if (fieldsRead.has(d)) this.derived.push([this.ring(d), d])
    for (const ind of plan.indicators) {
      const io = {source: this.ring(ind.source ?? 'close'), field: (f: Field) => this.ring(f), out: ind.keys.map((k) => this.ring(k)), clock: this.clock}
      this.updaters.push(ind.kind.create(ind.params, io))
    }
    for (const period of new Set(atrPeriods)) {
      const out = new Ring(0)
      this.stopAtr.set(period, out)
      this.updaters.push(INDICATORS.atr.create({period}, {source: this.ring('close'), field: (f: Field) => this.ring(f), out: [out], clock: this.clock}))
    }
    this.crosses = new Float64Array(plan.crosses.length).fill(NaN)
    this.detectors = plan.crosses.map(() => new CrossDetector())
    this.crossArgs = plan.crosses.map((c) => [compile(c.a, this), compile(c.b, this)])
    this.entryLong = plan.entryLong && compile(plan.entryLong, this)
    this.entryShort = plan.entryShort && compile(plan.entryShort, this)
    this.exitLong = plan.exitLong && compile(plan.exitLong, this)
    this.exitShort = plan.exitShort && compile(plan.exitShort, this)
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

  /** Feeds one bar of this symbol (fields not in `needs` may be NaN). */
  pushBar(open: number, high: number, low: number, close: number, volume: number, time: number): void {
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
    if (this.needs.time) this.clock.set(time)
    const up = this.updaters
    for (let i = 0; i < up.length; i++) up[i]()
    this.updateCrosses()
  }

  /**
   * Feeds every detector (they must see every bar). When an iteration covers several new bars,
   * a slot keeps the latest actual cross among them, as the hand-written sma-cross plugin does.
   */
  private updateCrosses(): void {
    const fresh = this.fresh
    this.fresh = false
    const slots = this.crosses
    for (let i = 0; i < slots.length; i++) {
      const args = this.crossArgs[i]
      const a = args[0]()
      const b = args[1]()
      const r = a !== a || b !== b ? NaN : this.detectors[i].update(a, b)
      if (fresh || r === 1 || r === -1 || (r === 0 && slots[i] !== 1 && slots[i] !== -1)) slots[i] = r
    }
  }
}
