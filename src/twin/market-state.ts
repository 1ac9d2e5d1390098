/**
 * The twin's market clock: which bars are released, and what "now" is. Bar k is released when the
 * twin advances past it; from then on it is the latest closed bar, served by klines and pushed on
 * kline streams. "Now" is the replay's time, never the wall clock: the close of the latest
 * released bar (its open + timeframe), or the first bar's open before any is released.
 */
import type {Bar, MarketData} from './market-data.js'

export class MarketState {
  /** Bars released so far; the latest is `released - 1`. */
  released: number

  constructor(readonly data: MarketData, readonly symbolCount: number, firstReleased: number) {
    this.released = Math.min(firstReleased, data.length)
  }

  get exhausted(): boolean {
    return this.released >= this.data.length
  }

  now(): number {
    if (this.released === 0) return this.data.time(0)
    return this.data.time(this.released - 1) + this.data.timeframeMs
  }

  /** Latest released bar of symbol s (the store may have holes: the last one it has). */
  lastBar(s: number): Bar | undefined {
    for (let k = this.released - 1; k >= 0 && k >= this.released - 10_000; k--) {
      const b = this.data.bar(s, k)
      if (b) return b
    }
    return undefined
  }

  /**
   * Released bars of symbol s, as Binance's klines endpoint selects them: open time in
   * [startTime, endTime]; from startTime onwards when given, else the latest `limit`.
   */
  klines(s: number, q: {startTime?: number; endTime?: number; limit: number}): Bar[] {
    let hi = this.released
    if (q.endTime !== undefined) hi = Math.min(hi, this.data.indexAtOrAfter(q.endTime + 1))
    const out: Bar[] = []
    if (q.startTime !== undefined) {
      for (let k = this.data.indexAtOrAfter(q.startTime); k < hi && out.length < q.limit; k++) {
        const b = this.data.bar(s, k)
        if (b) out.push(b)
      }
      return out
    }
    for (let k = hi - 1; k >= 0 && out.length < q.limit; k--) {
      const b = this.data.bar(s, k)
      if (b) out.push(b)
    }
    return out.reverse()
  }
}
