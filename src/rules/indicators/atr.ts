import {tradingSignals} from './library.js'
import type {IndicatorIO} from './types.js'

/**
 * Average true range as Backtrader defines it: the true range max(high, prev close) −
 * min(low, prev close) exists from the second bar on (trading-signals' TR uses high − low on the
 * first bar, which shifts every later value), smoothed with Wilder's SMMA seeded by the SMA of the
 * first `period` true ranges (trading-signals' WSMA does exactly that).
 */
export function createAtr(p: Readonly<Record<string, number>>, io: IndicatorIO): () => void {
  const smooth = new (tradingSignals().WSMA)(p.period)
  const [h, l, c] = [io.field('high'), io.field('low'), io.field('close')]
  const out = io.out[0]
  let prevClose = NaN
  return () => {
    const high = h.buf[h.head]
    const low = l.buf[l.head]
    const close = c.buf[c.head]
    if (high !== high || low !== low || close !== close) return out.push(NaN)
    const before = prevClose
    prevClose = close
    if (before !== before) return out.push(NaN)
    const tr = (high > before ? high : before) - (low < before ? low : before)
    const v = smooth.add(tr)
    out.push(v === null ? NaN : v)
  }
}
