/**
 * Trend and bar-shape indicators after Backtrader's, line for line: directional movement (DM:
 * +DI, −DI, ADX, ADXR), Aroon up/down and oscillator, Vortex, Ichimoku, Heikin-Ashi, Williams A/D,
 * SumN, UpMove / DownMove. Our own: trading-signals' ADX/DX smooth and seed differently, and the
 * rest it does not have in Backtrader's form.
 */
import {RollingExtreme} from './extremes.js'
import {HLC, ON_SOURCE, onFields, period, single} from './kind-helpers.js'
import {Smoothing, wilderAlpha} from './smoothing.js'
import {ExtremeAge, Lag, RollingSum} from './streams.js'
import type {IndicatorIO, IndicatorKind} from './types.js'

const smma = (p: number) => new Smoothing(p, wilderAlpha(p))

export const TREND: Record<string, IndicatorKind> = {
  dm: {
    ...HLC,
    description: "Directional movement (Wilder): +DI and −DI (100 × SMMA of ±DM / ATR), ADX = 100 × SMMA of |+DI − −DI| / (+DI + −DI), ADXR = (ADX + ADX[period]) / 2.",
    outputs: ['plus_di', 'minus_di', 'adx', 'adxr'],
    params: {period: period('Bars of every smoothing.', 14)},
    warmup: (p) => 3 * p.period,
    reference: 'Backtrader DirectionalMovement (DM): lines plusDI, minusDI, adx, adxr',
    create: (p, io) => {
      const [atr, plusAv, minusAv, adxAv] = [smma(p.period), smma(p.period), smma(p.period), smma(p.period)]
      const adxLag = new Lag(p.period)
      const [plusOut, minusOut, adxOut, adxrOut] = io.out
      let prevHigh = NaN
      let prevLow = NaN
      let prevClose = NaN
      return onFields(io, HLC.fields, (v) => {
        const high = v[0]
        const low = v[1]
        const close = v[2]
        const ph = prevHigh
        const pl = prevLow
        const pc = prevClose
        prevHigh = high
        prevLow = low
        prevClose = close
        if (pc !== pc) {
          plusOut.push(NaN)
          minusOut.push(NaN)
          adxOut.push(NaN)
          return adxrOut.push(NaN)
        }
        const tr = (high > pc ? high : pc) - (low < pc ? low : pc)
        const up = high - ph
        const down = pl - low
        const a = atr.add(tr)
        const plus = (100.0 * plusAv.add(up > down && up > 0.0 ? up : 0.0)) / a
        const minus = (100.0 * minusAv.add(down > up && down > 0.0 ? down : 0.0)) / a
        // No directional movement at all (+DI = −DI = 0): DX 0, as TA-Lib has it, where Backtrader
        // would divide 0 by 0 (and raise); a NaN would stay in the ADX's smoothing for good.
        const sum = plus + minus
        const adx = plus === plus ? 100.0 * adxAv.add(sum === 0 ? 0.0 : Math.abs(plus - minus) / sum) : NaN
        plusOut.push(plus)
        minusOut.push(minus)
        adxOut.push(adx)
        adxrOut.push(adx === adx ? (adx + adxLag.add(adx)) / 2.0 : NaN)
      })
    },
  },
  aroon: {
    usesSource: false,
    fields: ['high', 'low'],
    description: 'Aroon up and down: 100 / period × (period − bars since the highest high / lowest low of the last period + 1 bars).',
    outputs: ['aroonup', 'aroondown'],
    params: {period: period('Bars looked back.', 14)},
    warmup: (p) => p.period + 1,
    reference: 'Backtrader AroonUpDown',
    create: (p, io) => aroonUpdate(io, p.period, false),
  },
  aroon_osc: {
    usesSource: false,
    fields: ['high', 'low'],
    description: 'Aroon oscillator: Aroon up − Aroon down, −100…100.',
    outputs: ['value'],
    params: {period: period('Bars looked back.', 14)},
    warmup: (p) => p.period + 1,
    reference: 'Backtrader AroonOscillator',
    create: (p, io) => aroonUpdate(io, p.period, true),
  },
  vortex: {
    ...HLC,
    description: 'Vortex: Σ|high − low[1]| / Σ true range (vi_plus) and Σ|low − high[1]| / Σ true range (vi_minus) over `period` bars.',
    outputs: ['vi_plus', 'vi_minus'],
    params: {period: period('Bars summed.', 14)},
    warmup: (p) => p.period + 1,
    reference: 'Backtrader Vortex',
    create: (p, io) => {
      const [plusSum, minusSum, trSum] = [new RollingSum(p.period), new RollingSum(p.period), new RollingSum(p.period)]
      const [plusOut, minusOut] = io.out
      let prevHigh = NaN
      let prevLow = NaN
      let prevClose = NaN
      return onFields(io, HLC.fields, (v) => {
        const high = v[0]
        const low = v[1]
        const close = v[2]
        const ph = prevHigh
        const pl = prevLow
        const pc = prevClose
        prevHigh = high
        prevLow = low
        prevClose = close
        if (pc !== pc) {
          plusOut.push(NaN)
          return minusOut.push(NaN)
        }
        const vmPlus = plusSum.add(Math.abs(high - pl))
        const vmMinus = minusSum.add(Math.abs(low - ph))
        const tr = trSum.add(Math.max(Math.abs(high - low), Math.abs(high - pc), Math.abs(low - pc)))
        plusOut.push(vmPlus / tr)
        minusOut.push(vmMinus / tr)
      })
    },
  },
  ichimoku: {
    ...HLC,
    description:
      'Ichimoku: tenkan_sen and kijun_sen (mid-range over tenkan and kijun bars), senkou_span_a ((tenkan + kijun) / 2) and senkou_span_b (mid-range over senkou bars), both as they were senkou_lead bars ago; chikou_span is the current close (Backtrader shows it chikou bars back, which would read the future).',
    outputs: ['tenkan_sen', 'kijun_sen', 'senkou_span_a', 'senkou_span_b', 'chikou_span'],
    params: {
      tenkan: period('Bars of the tenkan-sen.', 9),
      kijun: period('Bars of the kijun-sen.', 26),
      senkou: period('Bars of senkou span B.', 52),
      senkou_lead: period('Bars the senkou spans are shifted forward.', 26),
      chikou: period('Bars the chikou span is shown back (no effect on the value).', 26),
    },
    warmup: (p) => Math.max(p.tenkan, p.kijun, p.senkou) + p.senkou_lead,
    reference: 'Backtrader Ichimoku (chikou_span: the close, not shifted back)',
    create: (p, io) => {
      const [tHi, tLo] = [new RollingExtreme(p.tenkan, true), new RollingExtreme(p.tenkan, false)]
      const [kHi, kLo] = [new RollingExtreme(p.kijun, true), new RollingExtreme(p.kijun, false)]
      const [sHi, sLo] = [new RollingExtreme(p.senkou, true), new RollingExtreme(p.senkou, false)]
      const [leadA, leadB] = [new Lag(p.senkou_lead), new Lag(p.senkou_lead)]
      const [tenkanOut, kijunOut, spanAOut, spanBOut, chikouOut] = io.out
      return onFields(io, HLC.fields, (v) => {
        const high = v[0]
        const low = v[1]
        const tenkan = (tHi.add(high) + tLo.add(low)) / 2.0
        const kijun = (kHi.add(high) + kLo.add(low)) / 2.0
        const a = (tenkan + kijun) / 2.0
        const b = (sHi.add(high) + sLo.add(low)) / 2.0
        tenkanOut.push(tenkan)
        kijunOut.push(kijun)
        spanAOut.push(a === a ? leadA.add(a) : NaN)
        spanBOut.push(b === b ? leadB.add(b) : NaN)
        chikouOut.push(v[2])
      })
    },
  },
  heikin_ashi: {
    usesSource: false,
    fields: ['open', 'high', 'low', 'close'],
    description: 'Heikin-Ashi candles: ha_close = (o + h + l + c) / 4, ha_open = (ha_open[1] + ha_close[1]) / 2 (first: (open + close) / 2), ha_high / ha_low = max / min of high / low, ha_open, ha_close.',
    outputs: ['ha_open', 'ha_high', 'ha_low', 'ha_close'],
    params: {},
    warmup: () => 2,
    reference: 'Backtrader HeikinAshi',
    create: (_p, io) => {
      const [openOut, highOut, lowOut, closeOut] = io.out
      let prevOpen = NaN
      let prevClose = NaN
      return onFields(io, ['open', 'high', 'low', 'close'], (v) => {
        const o = v[0]
        const h = v[1]
        const l = v[2]
        const c = v[3]
        const haClose = (o + h + l + c) / 4.0
        const haOpen = prevOpen === prevOpen ? (prevOpen + prevClose) / 2.0 : NaN
        const first = haOpen !== haOpen
        prevOpen = first ? (o + c) / 2.0 : haOpen
        prevClose = haClose
        if (first) {
          openOut.push(NaN)
          highOut.push(NaN)
          lowOut.push(NaN)
          return closeOut.push(NaN)
        }
        openOut.push(haOpen)
        highOut.push(Math.max(h, haOpen, haClose))
        lowOut.push(Math.min(l, haOpen, haClose))
        closeOut.push(haClose)
      })
    },
  },
  williams_ad: {
    ...HLC,
    description: 'Williams accumulation/distribution: running sum from 0 of close − true low on up closes and close − true high on down closes.',
    outputs: ['value'],
    params: {},
    warmup: () => 2,
    reference: 'Backtrader WilliamsAD (line ad)',
    create: (_p, io) => {
      const out = io.out[0]
      let prevClose = NaN
      let acc = 0.0
      return onFields(io, HLC.fields, (v) => {
        const high = v[0]
        const low = v[1]
        const close = v[2]
        const pc = prevClose
        prevClose = close
        if (pc !== pc) return out.push(NaN)
        const up = close - pc > 0.0 ? close - (low < pc ? low : pc) : 0.0
        const down = pc - close > 0.0 ? close - (high > pc ? high : pc) : 0.0
        out.push((acc = acc + (up + down)))
      })
    },
  },
  sum_n: {
    ...ON_SOURCE,
    description: 'Sum of the last `period` values (current included), exactly rounded.',
    outputs: ['value'],
    params: {period: period('Bars summed.')},
    warmup: (p) => p.period,
    reference: 'Backtrader SumN (math.fsum)',
    create: (p, io) => single(io, new RollingSum(p.period)),
  },
  up_move: {
    ...ON_SOURCE,
    description: 'Up move: x − x[1].',
    outputs: ['value'],
    params: {},
    warmup: () => 2,
    reference: 'Backtrader UpMove',
    create: (_p, io) => {
      const lag = new Lag(1)
      return single(io, {add: (x) => x - lag.add(x)})
    },
  },
  down_move: {
    ...ON_SOURCE,
    description: 'Down move: x[1] − x.',
    outputs: ['value'],
    params: {},
    warmup: () => 2,
    reference: 'Backtrader DownMove',
    create: (_p, io) => {
      const lag = new Lag(1)
      return single(io, {add: (x) => lag.add(x) - x})
    },
  },
}

/** Aroon up/down (two outputs) or the oscillator (one). */
function aroonUpdate(io: IndicatorIO, p: number, osc: boolean): () => void {
  const up = new ExtremeAge(p + 1, true)
  const down = new ExtremeAge(p + 1, false)
  const k = 100.0 / p
  const [first, second] = io.out
  return onFields(io, ['high', 'low'], (v) => {
    const u = k * (p - up.add(v[0]))
    const d = k * (p - down.add(v[1]))
    if (osc) return first.push(u - d)
    first.push(u)
    second.push(d)
  })
}
