/**
 * Oscillators after Backtrader's, line for line (same operations in the same order, SMA-seeded
 * EMAs and SMMAs, exact `fsum` sums), so they agree with its test checkpoints: CCI, Williams %R,
 * momentum, TRIX, TSI, ultimate oscillator, PPO, DPO, percent rank, awesome oscillator,
 * acceleration/deceleration, KST, Laguerre RSI, RMI, PGO, DV2. trading-signals has several: its
 * CCI (mean deviation around the current mean), DPO, KST, PGO and EMA-based ones (EMA seeded with
 * the first value) give other numbers; its WilliamsR, AO, AC, RMI and MOM agree to 1e-9 but keep
 * the candle objects they are given or push into arrays per update, and these stream over
 * preallocated windows (the agreement is tested in test/rules/indicators-backtrader.test.ts).
 */
import {SMA} from '../../indicators/sma.js'
import {RollingExtreme} from './extremes.js'
import {HLC, ON_SOURCE, onFields, period, real, single} from './kind-helpers.js'
import {emaAlpha, Smoothing, wilderAlpha} from './smoothing.js'
import {Lag, RollingSum, Window} from './streams.js'
import type {IndicatorIO, IndicatorKind} from './types.js'

const ema = (p: number) => new Smoothing(p, emaAlpha(p))
const smma = (p: number) => new Smoothing(p, wilderAlpha(p))

/** Share of the window's values strictly below its newest value (Backtrader's PercentRank). */
class PercentRank {
  private readonly window: Window
  constructor(private readonly period: number) {
    this.window = new Window(period)
  }
  add(x: number): number {
    if (!this.window.add(x)) return NaN
    // Order does not matter for a count: scan the storage as it lies.
    const values = this.window.values
    let below = 0
    for (let i = 0; i < this.period; i++) below += +(values[i] < x)
    return below / this.period
  }
}

/** Wilder's ATR on defined bars: true range from the second bar, SMMA. */
class Atr {
  private readonly smooth: Smoothing
  private prevClose = NaN
  constructor(p: number) {
    this.smooth = smma(p)
  }
  add(high: number, low: number, close: number): number {
    const before = this.prevClose
    this.prevClose = close
    if (before !== before) return NaN
    return this.smooth.add((high > before ? high : before) - (low < before ? low : before))
  }
}

/** RSI of x against x[lookback], Wilder's smoothing (Backtrader's RSI, whose RMI is lookback 5). */
class LookbackRsi {
  private readonly lag: Lag
  private readonly up: Smoothing
  private readonly down: Smoothing
  constructor(p: number, lookback: number) {
    this.lag = new Lag(lookback)
    this.up = smma(p)
    this.down = smma(p)
  }
  add(x: number): number {
    const before = this.lag.add(x)
    if (before !== before) return NaN
    const d = x - before
    const u = this.up.add(d > 0 ? d : 0.0)
    const w = this.down.add(-d > 0 ? -d : 0.0)
    return 100.0 - 100.0 / (1.0 + u / w)
  }
}

/** Laguerre RSI (Ehlers) as Backtrader's LaguerreRSI: the filter starts at bar `period`. */
class Lrsi {
  private l0 = 0.0
  private l1 = 0.0
  private l2 = 0.0
  private l3 = 0.0
  private n = 0
  constructor(
    private readonly period: number,
    private readonly g: number,
  ) {}
  add(x: number): number {
    if (++this.n < this.period) return NaN
    const g = this.g
    const l0_1 = this.l0
    const l1_1 = this.l1
    const l2_1 = this.l2
    const l0 = (this.l0 = (1.0 - g) * x + g * l0_1)
    const l1 = (this.l1 = -g * l0 + l0_1 + g * l1_1)
    const l2 = (this.l2 = -g * l1 + l1_1 + g * l2_1)
    const l3 = (this.l3 = -g * l2 + l2_1 + g * this.l3)
    let cu = 0.0
    let cd = 0.0
    if (l0 >= l1) cu = l0 - l1
    else cd = l1 - l0
    if (l1 >= l2) cu += l1 - l2
    else cd += l2 - l1
    if (l2 >= l3) cu += l2 - l3
    else cd += l3 - l2
    const den = cu + cd
    return den === 0 ? 1.0 : cu / den
  }
}

/** 100 × (x − x[p]) / x[p], Backtrader's ROC100. */
class Roc100 {
  private readonly lag: Lag
  constructor(p: number) {
    this.lag = new Lag(p)
  }
  add(x: number): number {
    const before = this.lag.add(x)
    return 100.0 * ((x - before) / before)
  }
}

/** Feeds `b` only once `a` gave a value: chains of smoothings that must not see NaN. */
const then = (v: number, next: {add(x: number): number}) => (v === v ? next.add(v) : NaN)

export const OSCILLATORS: Record<string, IndicatorKind> = {
  cci: {
    ...HLC,
    description: 'Commodity channel index: (tp − SMA(tp)) / (factor × mean deviation), tp = (high + low + close) / 3.',
    outputs: ['value'],
    params: {period: period('Bars of the average and the mean deviation.', 20), factor: real('Scale of the mean deviation.', 0.015)},
    warmup: (p) => 2 * p.period - 1,
    reference: "Backtrader CCI (its mean deviation: SMA of |tp − that bar's SMA(tp)|)",
    create: (p, io) => {
      const mean = new SMA(p.period)
      const dev = new SMA(p.period)
      const out = io.out[0]
      const factor = p.factor
      return onFields(io, HLC.fields, (v) => {
        const high = v[0]
        const low = v[1]
        const close = v[2]
        const tp = (high + low + close) / 3.0
        const m = mean.add(tp)
        const d = tp - m
        const md = m === m ? dev.add(Math.abs(d)) : NaN
        out.push(d / (factor * md))
      })
    },
  },
  williams_r: {
    ...HLC,
    description: 'Williams %R: −100 × (highest high − close) / (highest high − lowest low) over `period` bars, −100…0.',
    outputs: ['value'],
    params: {period: period('Bars of the highest high and lowest low.', 14)},
    warmup: (p) => p.period,
    reference: 'Backtrader WilliamsR (line percR)',
    create: (p, io) => {
      const hi = new RollingExtreme(p.period, true)
      const lo = new RollingExtreme(p.period, false)
      const out = io.out[0]
      return onFields(io, HLC.fields, (v) => {
        const high = v[0]
        const low = v[1]
        const close = v[2]
        const h = hi.add(high)
        const l = lo.add(low)
        out.push((-100.0 * (h - close)) / (h - l))
      })
    },
  },
  momentum: {
    ...ON_SOURCE,
    description: 'Momentum: x − x[period].',
    outputs: ['value'],
    params: {period: period('Bars back compared with.', 12)},
    warmup: (p) => p.period + 1,
    reference: 'Backtrader Momentum',
    create: (p, io) => {
      const lag = new Lag(p.period)
      return single(io, {add: (x) => x - lag.add(x)})
    },
  },
  trix: {
    ...ON_SOURCE,
    description: 'TRIX: one-bar percent change of the triple EMA, 100 × (e3 / e3[1] − 1).',
    outputs: ['value'],
    params: {period: period('Bars of each EMA.', 15)},
    warmup: (p) => 3 * p.period - 1,
    reference: 'Backtrader Trix',
    create: (p, io) => {
      const [e1, e2, e3] = [ema(p.period), ema(p.period), ema(p.period)]
      const lag = new Lag(1)
      return single(io, {
        add: (x) => {
          const v = then(then(e1.add(x), e2), e3)
          return v === v ? 100.0 * (v / lag.add(v) - 1.0) : NaN
        },
      })
    },
  },
  tsi: {
    ...ON_SOURCE,
    description: 'True strength index: 100 × EMA(EMA(Δx, period1), period2) / EMA(EMA(|Δx|, period1), period2), Δx = x − x[pchange].',
    outputs: ['value'],
    params: {period1: period('First smoothing period.', 25), period2: period('Second smoothing period.', 13), pchange: period('Bars of the price change.', 1)},
    warmup: (p) => p.pchange + p.period1 + p.period2 - 1,
    reference: 'Backtrader TSI (TrueStrengthIndicator)',
    create: (p, io) => {
      const lag = new Lag(p.pchange)
      const [s1, s12, s2, s22] = [ema(p.period1), ema(p.period2), ema(p.period1), ema(p.period2)]
      return single(io, {
        add: (x) => {
          const before = lag.add(x)
          if (before !== before) return NaN
          const pc = x - before
          const num = then(s1.add(pc), s12)
          const den = then(s2.add(Math.abs(pc)), s22)
          return 100.0 * (num / den)
        },
      })
    },
  },
  ultimate: {
    ...HLC,
    description: 'Ultimate oscillator: weighted 4:2:1 average of Σ buying pressure / Σ true range over p1, p2, p3 bars, 0–100.',
    outputs: ['value'],
    params: {p1: period('Short period.', 7), p2: period('Middle period.', 14), p3: period('Long period.', 28)},
    warmup: (p) => Math.max(p.p1, p.p2, p.p3) + 1,
    reference: 'Backtrader UltimateOscillator (line uo)',
    create: (p, io) => {
      const [b1, b2, b3] = [new RollingSum(p.p1), new RollingSum(p.p2), new RollingSum(p.p3)]
      const [t1, t2, t3] = [new RollingSum(p.p1), new RollingSum(p.p2), new RollingSum(p.p3)]
      const factor = 100.0 / (4.0 + 2.0 + 1.0)
      const out = io.out[0]
      let prevClose = NaN
      return onFields(io, HLC.fields, (v) => {
        const high = v[0]
        const low = v[1]
        const close = v[2]
        const before = prevClose
        prevClose = close
        if (before !== before) return out.push(NaN)
        const tl = low < before ? low : before
        const th = high > before ? high : before
        const bp = close - tl
        const tr = th - tl
        const av7 = b1.add(bp) / t1.add(tr)
        const av14 = b2.add(bp) / t2.add(tr)
        const av28 = b3.add(bp) / t3.add(tr)
        out.push(4.0 * factor * av7 + 2.0 * factor * av14 + factor * av28)
      })
    },
  },
  ppo: {
    ...ON_SOURCE,
    description: 'Percentage price oscillator: 100 × (EMA(period1) − EMA(period2)) / EMA(period2); `signal` is its EMA, `histo` the difference.',
    outputs: ['ppo', 'signal', 'histo'],
    params: {period1: period('Fast EMA period.', 12), period2: period('Slow EMA period.', 26), period_signal: period('Signal EMA period.', 9)},
    warmup: (p) => Math.max(p.period1, p.period2) + p.period_signal - 1,
    reference: 'Backtrader PPO (PercentagePriceOscillator)',
    create: (p, io) => {
      const [ma1, ma2, sig] = [ema(p.period1), ema(p.period2), ema(p.period_signal)]
      const src = io.source
      const [ppoOut, sigOut, histOut] = io.out
      return () => {
        const x = src.buf[src.head]
        if (x !== x) {
          ppoOut.push(NaN)
          sigOut.push(NaN)
          return histOut.push(NaN)
        }
        const a = ma1.add(x)
        const b = ma2.add(x)
        const v = (100.0 * (a - b)) / b
        const s = then(v, sig)
        ppoOut.push(v)
        sigOut.push(s)
        histOut.push(v - s)
      }
    },
  },
  dpo: {
    ...ON_SOURCE,
    description: 'Detrended price oscillator: x − SMA(period) as it was period // 2 − 1 bars ago.',
    outputs: ['value'],
    params: {period: period('Bars of the SMA.', 20)},
    // Backtrader shifts the average by -period // 2 + 1 (Python's floor division).
    warmup: (p) => p.period - (Math.floor(-p.period / 2) + 1),
    reference: 'Backtrader DPO',
    create: (p, io) => {
      const ma = new SMA(p.period)
      const lag = new Lag(-(Math.floor(-p.period / 2) + 1))
      return single(io, {add: (x) => x - then(ma.add(x), lag)})
    },
  },
  percent_rank: {
    ...ON_SOURCE,
    description: 'Share of the last `period` values (current included) that are below the current one, 0–1.',
    outputs: ['value'],
    params: {period: period('Bars ranked against.', 50)},
    warmup: (p) => p.period,
    reference: 'Backtrader PercentRank',
    create: (p, io) => single(io, new PercentRank(p.period)),
  },
  awesome_oscillator: {
    usesSource: false,
    fields: ['high', 'low'],
    description: 'Awesome oscillator: SMA(fast) − SMA(slow) of the median price (high + low) / 2.',
    outputs: ['value'],
    params: {fast: period('Fast SMA period.', 5), slow: period('Slow SMA period.', 34)},
    warmup: (p) => Math.max(p.fast, p.slow),
    reference: 'Backtrader AwesomeOscillator (line ao)',
    create: (p, io) => aoUpdate(io, p.fast, p.slow, undefined),
  },
  accel_decel: {
    usesSource: false,
    fields: ['high', 'low'],
    description: 'Acceleration/deceleration oscillator: the awesome oscillator (5, 34) minus its SMA(period).',
    outputs: ['value'],
    params: {period: period('SMA period of the awesome oscillator.', 5)},
    warmup: (p) => 34 + p.period - 1,
    reference: 'Backtrader AccelerationDecelerationOscillator (line accde)',
    create: (p, io) => aoUpdate(io, 5, 34, new SMA(p.period)),
  },
  kst: {
    ...ON_SOURCE,
    description: 'Know sure thing: 1 × SMA(ROC(rp1)) + 2 × SMA(ROC(rp2)) + 3 × SMA(ROC(rp3)) + 4 × SMA(ROC(rp4)), ROC in percent; `signal` is its SMA(rsignal).',
    outputs: ['kst', 'signal'],
    params: {
      rp1: period('ROC period of the first component.', 10),
      rp2: period('ROC period of the second component.', 15),
      rp3: period('ROC period of the third component.', 20),
      rp4: period('ROC period of the fourth component.', 30),
      rma1: period('SMA period of the first ROC.', 10),
      rma2: period('SMA period of the second ROC.', 10),
      rma3: period('SMA period of the third ROC.', 10),
      rma4: period('SMA period of the fourth ROC.', 10),
      rsignal: period('SMA period of the signal.', 9),
    },
    warmup: (p) => Math.max(p.rp1 + p.rma1, p.rp2 + p.rma2, p.rp3 + p.rma3, p.rp4 + p.rma4) + p.rsignal - 1,
    reference: 'Backtrader KST (KnowSureThing, rfactors 1, 2, 3, 4)',
    create: (p, io) => {
      const rocs = [new Roc100(p.rp1), new Roc100(p.rp2), new Roc100(p.rp3), new Roc100(p.rp4)]
      const mas = [new SMA(p.rma1), new SMA(p.rma2), new SMA(p.rma3), new SMA(p.rma4)]
      const sig = new SMA(p.rsignal)
      const src = io.source
      const [kstOut, sigOut] = io.out
      return () => {
        const x = src.buf[src.head]
        if (x !== x) {
          kstOut.push(NaN)
          return sigOut.push(NaN)
        }
        const r1 = then(rocs[0].add(x), mas[0])
        const r2 = then(rocs[1].add(x), mas[1])
        const r3 = then(rocs[2].add(x), mas[2])
        const r4 = then(rocs[3].add(x), mas[3])
        const k = 1.0 * r1 + 2.0 * r2 + 3.0 * r3 + 4.0 * r4
        kstOut.push(k)
        sigOut.push(then(k, sig))
      }
    },
  },
  lrsi: {
    ...ON_SOURCE,
    description: "Laguerre RSI (Ehlers), 0–1: an RSI of a four-stage Laguerre filter; the filter starts at bar `period`.",
    outputs: ['value'],
    params: {gamma: real('Filter damping, 0–1.', 0.5), period: period('Bar the filter starts at.', 6)},
    warmup: (p) => p.period,
    reference: 'Backtrader LaguerreRSI',
    create: (p, io) => single(io, new Lrsi(p.period, p.gamma)),
  },
  rmi: {
    ...ON_SOURCE,
    description: 'Relative momentum index: an RSI of x − x[lookback] instead of the one-bar change, Wilder-smoothed over `period`.',
    outputs: ['value'],
    params: {period: period('Bars of the smoothing.', 20), lookback: period('Bars of the momentum.', 5)},
    warmup: (p) => p.period + p.lookback,
    reference: 'Backtrader RMI (RSI with lookback)',
    create: (p, io) => single(io, new LookbackRsi(p.period, p.lookback)),
  },
  pgo: {
    ...HLC,
    description: 'Pretty good oscillator: (close − SMA(close, period)) / ATR(period).',
    outputs: ['value'],
    params: {period: period('Bars of the SMA and the ATR.', 14)},
    warmup: (p) => p.period + 1,
    reference: 'Backtrader PGO (PrettyGoodOscillator)',
    create: (p, io) => {
      const ma = new SMA(p.period)
      const atr = new Atr(p.period)
      const out = io.out[0]
      return onFields(io, HLC.fields, (v) => {
        const high = v[0]
        const low = v[1]
        const close = v[2]
        const m = ma.add(close)
        const a = atr.add(high, low, close)
        out.push((close - m) / a)
      })
    },
  },
  dv2: {
    ...HLC,
    description: "DV2 (David Varadi): percent rank (0–100) over `period` bars of the SMA(maperiod) of close / ((high + low) / 2).",
    outputs: ['value'],
    params: {period: period('Bars ranked against.', 252), maperiod: period('SMA period of close / mid-range.', 2)},
    warmup: (p) => p.period + p.maperiod - 1,
    reference: 'Backtrader DV2',
    create: (p, io) => {
      const ma = new SMA(p.maperiod)
      const rank = new PercentRank(p.period)
      const out = io.out[0]
      return onFields(io, HLC.fields, (v) => {
        const high = v[0]
        const low = v[1]
        const close = v[2]
        out.push(then(ma.add(close / ((high + low) / 2.0)), rank) * 100)
      })
    },
  },
}

/** Awesome oscillator; with `smooth`, minus its SMA (acceleration/deceleration). */
function aoUpdate(io: IndicatorIO, fast: number, slow: number, smooth: SMA | undefined): () => void {
  const s1 = new SMA(fast)
  const s2 = new SMA(slow)
  const [h, l] = [io.field('high'), io.field('low')]
  const out = io.out[0]
  return () => {
    const high = h.buf[h.head]
    const low = l.buf[l.head]
    if (high !== high || low !== low) return out.push(NaN)
    const median = (high + low) / 2.0
    const ao = s1.add(median) - s2.add(median)
    out.push(smooth === undefined ? ao : ao - then(ao, smooth))
  }
}
