import {emaAlpha, Smoothing} from './smoothing.js'
import type {IndicatorIO} from './types.js'

/**
 * MACD as Backtrader's MACDHisto: macd = EMA(fast) − EMA(slow) from the slow EMA's first value,
 * signal = EMA(signal) of macd (seeded with the SMA of its first `signal` values), histogram =
 * macd − signal. Our own because trading-signals' MACD takes its EMAs, which start from the first
 * price instead of an SMA seed.
 */
export function createMacd(p: Readonly<Record<string, number>>, io: IndicatorIO): () => void {
  const fast = new Smoothing(p.fast, emaAlpha(p.fast))
  const slow = new Smoothing(p.slow, emaAlpha(p.slow))
  const signal = new Smoothing(p.signal, emaAlpha(p.signal))
  const src = io.source
  const [macdOut, signalOut, histOut] = io.out
  return () => {
    const x = src.buf[src.head]
    if (x !== x) {
      macdOut.push(NaN)
      signalOut.push(NaN)
      return histOut.push(NaN)
    }
    const m = fast.add(x) - slow.add(x)
    const s = m === m ? signal.add(m) : NaN
    macdOut.push(m)
    signalOut.push(s)
    histOut.push(m - s)
  }
}
