/**
 * Every indicator the `rules` strategy offers. trading-signals supplies the ones whose numbers
 * match the reference conventions (WMA, RSI, Bollinger, stochastic, OBV, VWAP, ROC); the rest are
 * our own because the library's definition differs (EMA/MACD seeding, ATR's first true range) or
 * is missing (rolling highest/lowest), and the SMA is the exact one shared with `sma-cross`.
 */
import {RollingExtreme} from './extremes.js'
import {tradingSignals} from './library.js'
import {createAtr} from './atr.js'
import {Bollinger, Rsi} from './classic-streams.js'
import {createMacd} from './macd.js'
import {emaAlpha, Smoothing} from './smoothing.js'
import {AVERAGES} from './bt-averages.js'
import {OSCILLATORS} from './bt-oscillators.js'
import {TREND} from './bt-trend.js'
import {ON_SOURCE, period, single, singleSma} from './kind-helpers.js'
import type {IndicatorKind} from './types.js'

export const INDICATORS: Readonly<Record<string, IndicatorKind>> = Object.freeze({
  sma: {
    ...ON_SOURCE,
    description: 'Simple moving average.',
    outputs: ['value'],
    params: {period: period('Bars averaged.')},
    warmup: (p) => p.period,
    reference: 'Backtrader SMA: math.fsum of the window / period, exactly rounded (shared with sma-cross)',
    create: (p, io) => singleSma(io, p.period),
  },
  ema: {
    ...ON_SOURCE,
    description: 'Exponential moving average, α = 2 / (period + 1), seeded with the SMA of the first period values.',
    outputs: ['value'],
    params: {period: period('Bars of the smoothing period.')},
    warmup: (p) => p.period,
    reference: 'Backtrader EMA (SMA seed, prev × (1 − α) + x × α)',
    create: (p, io) => single(io, new Smoothing(p.period, emaAlpha(p.period))),
  },
  wma: {
    ...ON_SOURCE,
    description: 'Linearly weighted moving average (weights 1..period, newest heaviest).',
    outputs: ['value'],
    params: {period: period('Bars averaged.')},
    warmup: (p) => p.period,
    reference: 'trading-signals WMA; equals Backtrader WMA',
    create: (p, io) => single(io, new (tradingSignals().WMA)(p.period)),
  },
  rsi: {
    ...ON_SOURCE,
    description: "Relative strength index, 0–100, Wilder's smoothing of up and down moves.",
    outputs: ['value'],
    params: {period: period('Bars of the smoothing period.', 14)},
    warmup: (p) => p.period + 1,
    reference: 'trading-signals RSI (Wilder smoothing, SMA seed), bit for bit (classic-streams.ts); equals Backtrader RSI',
    create: (p, io) => single(io, new Rsi(p.period)),
  },
  macd: {
    ...ON_SOURCE,
    description: 'MACD: EMA(fast) − EMA(slow); `signal` is its EMA, `histogram` the difference.',
    outputs: ['macd', 'signal', 'histogram'],
    params: {fast: period('Fast EMA period.', 12), slow: period('Slow EMA period.', 26), signal: period('Signal EMA period.', 9)},
    warmup: (p) => p.slow + p.signal - 1,
    reference: 'Backtrader MACDHisto (SMA-seeded EMAs)',
    create: createMacd,
  },
  bbands: {
    ...ON_SOURCE,
    description: 'Bollinger bands: SMA ± stddev × population standard deviation.',
    outputs: ['middle', 'upper', 'lower'],
    params: {period: period('Bars in the average and deviation.', 20), stddev: {default: 2, min: 0, integer: false, description: 'Band width in standard deviations.'}},
    warmup: (p) => p.period,
    reference: 'trading-signals BollingerBands (population deviation), bit for bit (classic-streams.ts); equals Backtrader BBands',
    create: (p, io) => {
      const bb = new Bollinger(p.period, p.stddev)
      const src = io.source
      const [mid, up, lo] = io.out
      return () => {
        const x = src.buf[src.head]
        if (x !== x) {
          mid.push(NaN)
          up.push(NaN)
          lo.push(NaN)
          return
        }
        bb.add(x)
        mid.push(bb.middle)
        up.push(bb.upper)
        lo.push(bb.lower)
      }
    },
  },
  atr: {
    usesSource: false,
    fields: ['high', 'low', 'close'],
    description: "Average true range, Wilder's smoothing; the first true range needs the previous close.",
    outputs: ['value'],
    params: {period: period('Bars of the smoothing period.', 14)},
    warmup: (p) => p.period + 1,
    reference: 'Backtrader ATR (true range from the 2nd bar, SMMA)',
    create: createAtr,
  },
  stoch: {
    usesSource: false,
    fields: ['high', 'low', 'close'],
    description: 'Slow stochastic: `k` is the SMA(k) of raw %K over `period` bars, `d` the SMA(d) of `k`.',
    outputs: ['k', 'd'],
    params: {period: period('Look-back of highest high and lowest low.', 14), k: period('%K smoothing (1: fast stochastic).', 3), d: period('%D smoothing.', 3)},
    warmup: (p) => p.period + p.k + p.d - 2,
    reference: 'trading-signals StochasticOscillator; equals Backtrader Stochastic (SMA smoothing)',
    create: (p, io) => {
      const st = new (tradingSignals().StochasticOscillator)({kPeriod: p.period, kSlowingPeriod: p.k, dPeriod: p.d})
      const [h, l, c] = [io.field('high'), io.field('low'), io.field('close')]
      const [k, d] = io.out
      return () => {
        const high = h.buf[h.head]
        const low = l.buf[l.head]
        const close = c.buf[c.head]
        // The library keeps the candles it is given, so each bar needs its own object.
        const r = high === high && low === low && close === close ? st.add({high, low, close}) : null
        k.push(r ? r.stochK : NaN)
        d.push(r ? r.stochD : NaN)
      }
    },
  },
  obv: {
    usesSource: false,
    fields: ['close', 'volume'],
    description: 'On-balance volume: running sum of volume signed by the close-to-close move, from 0 at the first bar.',
    outputs: ['value'],
    params: {},
    warmup: () => 2,
    reference: 'trading-signals OBV (its Investopedia test vector)',
    create: (_p, io) => {
      const obv = new (tradingSignals().OBV)(2)
      const [c, v] = [io.field('close'), io.field('volume')]
      const out = io.out[0]
      return () => {
        const close = c.buf[c.head]
        const volume = v.buf[v.head]
        if (close !== close || volume !== volume) return out.push(NaN)
        const r = obv.add({open: close, high: close, low: close, close, volume})
        out.push(r === null ? NaN : r)
      }
    },
  },
  vwap: {
    usesSource: false,
    fields: ['high', 'low', 'close', 'volume'],
    description: "Volume-weighted average of the typical price (h+l+c)/3 since the session's first bar; restarts each local day. NaN until some volume traded.",
    outputs: ['value'],
    params: {},
    warmup: () => 1,
    reference: 'trading-signals VWAP, restarted per session day',
    create: (_p, io) => {
      const VWAP = tradingSignals().VWAP
      let vwap = new VWAP()
      let day = NaN
      const [h, l, c, v] = [io.field('high'), io.field('low'), io.field('close'), io.field('volume')]
      const out = io.out[0]
      // VWAP reads the candle at once and keeps it only for `replace`, which is never called: one object serves every bar.
      const candle = {high: 0, low: 0, close: 0, volume: 0}
      return () => {
        const today = io.clock.dayKey
        if (today !== day) {
          vwap = new VWAP()
          day = today
        }
        candle.high = h.buf[h.head]
        candle.low = l.buf[l.head]
        candle.close = c.buf[c.head]
        candle.volume = v.buf[v.head]
        if (candle.high !== candle.high || candle.low !== candle.low || candle.close !== candle.close || !(candle.volume >= 0)) return out.push(NaN)
        vwap.add(candle)
        const r = vwap.getResult()
        out.push(r === null ? NaN : r)
      }
    },
  },
  highest: {
    ...ON_SOURCE,
    description: 'Highest value of the source over the last `period` bars (current included).',
    outputs: ['value'],
    params: {period: period('Bars looked at.')},
    warmup: (p) => p.period,
    reference: 'Backtrader Highest (MaxN)',
    create: (p, io) => single(io, new RollingExtreme(p.period, true)),
  },
  lowest: {
    ...ON_SOURCE,
    description: 'Lowest value of the source over the last `period` bars (current included).',
    outputs: ['value'],
    params: {period: period('Bars looked at.')},
    warmup: (p) => p.period,
    reference: 'Backtrader Lowest (MinN)',
    create: (p, io) => single(io, new RollingExtreme(p.period, false)),
  },
  roc: {
    ...ON_SOURCE,
    description: 'Rate of change as a fraction: (x − x[period]) / x[period] (0.05 is +5%).',
    outputs: ['value'],
    params: {period: period('Bars back compared with.', 12)},
    warmup: (p) => p.period + 1,
    reference: 'trading-signals ROC; equals Backtrader ROC',
    create: (p, io) => single(io, new (tradingSignals().ROC)(p.period)),
  },
  ...AVERAGES,
  ...OSCILLATORS,
  ...TREND,
})

export const INDICATOR_TYPES = Object.keys(INDICATORS)

export function indicatorKind(type: string): IndicatorKind | undefined {
  return Object.hasOwn(INDICATORS, type) ? INDICATORS[type] : undefined
}
