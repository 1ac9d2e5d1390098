/**
 * An SMA's value at every bar, computed once per distinct period of a sweep and shared by every
 * combination that uses that period. The streaming SMA class itself does the arithmetic, so each
 * value is the double the strategy's own SMA has at that bar.
 */
import {SMA} from '../../indicators/sma.js'

export function smaSeries(close: Float64Array, length: number, period: number, out: Float64Array = new Float64Array(length)): Float64Array {
  const sma = new SMA(period)
  for (let i = 0; i < length; i++) out[i] = sma.add(close[i])
  return out
}
