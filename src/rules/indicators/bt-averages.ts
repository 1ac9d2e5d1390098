/**
 * Moving averages after Backtrader's: DEMA, TEMA, SMMA, ZLEMA, HMA, KAMA. Our own (not
 * trading-signals') because Backtrader's EMAs are seeded with the SMA of their first `period`
 * values, which the library's are not, and its KAMA seeds its own way; the library's HMA and WSMA
 * agree with these but push into arrays on every update.
 */
import {SMA} from '../../indicators/sma.js'
import {ON_SOURCE, period, single} from './kind-helpers.js'
import {emaAlpha, Smoothing, wilderAlpha} from './smoothing.js'
import {Lag, RollingSum, Wma} from './streams.js'
import type {IndicatorKind} from './types.js'

const ema = (p: number) => new Smoothing(p, emaAlpha(p))

/** EMAs chained: `add` returns the weighted combination once the last one has a value. */
class ChainedEma {
  private readonly e1: Smoothing
  private readonly e2: Smoothing
  private readonly e3: Smoothing | undefined
  constructor(p: number, triple: boolean) {
    this.e1 = ema(p)
    this.e2 = ema(p)
    this.e3 = triple ? ema(p) : undefined
  }
  add(x: number): number {
    const a = this.e1.add(x)
    if (a !== a) return NaN
    const b = this.e2.add(a)
    if (this.e3 === undefined) return 2.0 * a - b
    if (b !== b) return NaN
    const c = this.e3.add(b)
    return 3.0 * a - 3.0 * b + c
  }
}

/** ZLEMA: EMA of 2x − x[lag], lag = (period − 1) // 2. */
class Zlema {
  private readonly lag: Lag
  private readonly ema: Smoothing
  constructor(p: number) {
    this.lag = new Lag(Math.floor((p - 1) / 2))
    this.ema = ema(p)
  }
  add(x: number): number {
    const before = this.lag.add(x)
    return before === before ? this.ema.add(2 * x - before) : NaN
  }
}

/** HMA: WMA(√period) of 2 × WMA(period // 2) − WMA(period). */
class Hma {
  private readonly full: Wma
  private readonly half: Wma
  private readonly root: Wma
  constructor(p: number) {
    this.full = new Wma(p)
    this.half = new Wma(Math.floor(p / 2))
    this.root = new Wma(Math.floor(Math.sqrt(p)))
  }
  add(x: number): number {
    const w = this.full.add(x)
    const w2 = 2.0 * this.half.add(x)
    return w === w ? this.root.add(w2 - w) : NaN
  }
}

/**
 * KAMA as Backtrader's AdaptiveMovingAverage: er = |x − x[period]| / Σ|x − x[1]| over `period`
 * bars, sc = (er × (2/(fast+1) − 2/(slow+1)) + 2/(slow+1))², seeded at bar period + 1 with the SMA
 * of the last `period` values, then prev × (1 − sc) + x × sc.
 */
class Kama {
  private readonly lag: Lag
  private readonly vol: RollingSum
  private readonly seed: SMA
  private readonly fastC: number
  private readonly slowC: number
  private prev = NaN
  private value = NaN
  private n = 0
  constructor(
    private readonly p: number,
    fast: number,
    slow: number,
  ) {
    this.lag = new Lag(p)
    this.vol = new RollingSum(p)
    this.seed = new SMA(p)
    this.fastC = 2.0 / (fast + 1.0)
    this.slowC = 2.0 / (slow + 1.0)
  }
  add(x: number): number {
    const n = ++this.n
    const before = this.lag.add(x)
    const vol = n > 1 ? this.vol.add(Math.abs(x - this.prev)) : NaN
    this.prev = x
    const s = this.seed.add(x)
    if (n <= this.p) return NaN
    if (n === this.p + 1) return (this.value = s)
    // No move at all over the period: efficiency 1, as TA-Lib has it (Backtrader would divide 0
    // by 0 and raise; a NaN would stay in the average for good).
    const er = vol === 0 ? 1.0 : Math.abs((x - before) / vol)
    const r = er * (this.fastC - this.slowC) + this.slowC
    const sc = r * r
    return (this.value = this.value * (1.0 - sc) + x * sc)
  }
}

export const AVERAGES: Record<string, IndicatorKind> = {
  dema: {
    ...ON_SOURCE,
    description: 'Double exponential moving average: 2 × EMA − EMA(EMA).',
    outputs: ['value'],
    params: {period: period('Bars of each EMA.', 30)},
    warmup: (p) => 2 * p.period - 1,
    reference: 'Backtrader DEMA (SMA-seeded EMAs)',
    create: (p, io) => single(io, new ChainedEma(p.period, false)),
  },
  tema: {
    ...ON_SOURCE,
    description: 'Triple exponential moving average: 3 × EMA − 3 × EMA(EMA) + EMA(EMA(EMA)).',
    outputs: ['value'],
    params: {period: period('Bars of each EMA.', 30)},
    warmup: (p) => 3 * p.period - 2,
    reference: 'Backtrader TEMA (SMA-seeded EMAs)',
    create: (p, io) => single(io, new ChainedEma(p.period, true)),
  },
  smma: {
    ...ON_SOURCE,
    description: "Smoothed (Wilder's) moving average: α = 1 / period, seeded with the SMA of the first period values.",
    outputs: ['value'],
    params: {period: period('Bars of the smoothing period.', 30)},
    warmup: (p) => p.period,
    reference: 'Backtrader SMMA',
    create: (p, io) => single(io, new Smoothing(p.period, wilderAlpha(p.period))),
  },
  zlema: {
    ...ON_SOURCE,
    description: 'Zero-lag EMA: the EMA of 2x − x[lag], lag = (period − 1) // 2.',
    outputs: ['value'],
    params: {period: period('Bars of the EMA.', 30)},
    warmup: (p) => Math.floor((p.period - 1) / 2) + p.period,
    reference: 'Backtrader ZLEMA',
    create: (p, io) => single(io, new Zlema(p.period)),
  },
  hma: {
    ...ON_SOURCE,
    description: 'Hull moving average: WMA(⌊√period⌋) of 2 × WMA(period // 2) − WMA(period).',
    outputs: ['value'],
    params: {period: period('Bars of the long WMA (at least 2).', 30, 2)},
    warmup: (p) => p.period + Math.floor(Math.sqrt(p.period)) - 1,
    reference: 'Backtrader HMA',
    create: (p, io) => single(io, new Hma(p.period)),
  },
  kama: {
    ...ON_SOURCE,
    description: "Kaufman's adaptive moving average: smoothing between 2/(fast+1) and 2/(slow+1) by the efficiency ratio over `period` bars.",
    outputs: ['value'],
    params: {period: period('Bars of the efficiency ratio.', 30), fast: period('Fast smoothing period.', 2), slow: period('Slow smoothing period.', 30)},
    warmup: (p) => p.period + 1,
    reference: 'Backtrader KAMA (AdaptiveMovingAverage: SMA seed at bar period + 1)',
    create: (p, io) => single(io, new Kama(p.period, p.fast, p.slow)),
  },
}
