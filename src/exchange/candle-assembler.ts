/**
 * Candles of several symbols in, closed bar batches out: the bookkeeping of the exchange feed,
 * synchronous and free of I/O and time (the feed says what is final).
 *
 * Per symbol it keeps:
 * - `resolved`: every open time up to this one is settled: its bar is known final (queued) or
 *   known not to exist. Starts at the delivery floor (the bot's last bar, or "now − timeframe").
 * - a queue of final bars not yet delivered, sorted by open time;
 * - `latest`: the newest candle seen that is not final yet (the forming bar), and where its
 *   values came from: REST (`session` 0) or a watch session (a WebSocket connection's life).
 *
 * A watch session sees every update of a bar in order, so the candle it had when a newer one
 * arrives holds the bar's final values. A candle seen by REST or by an earlier session does not:
 * the feed fills that gap by REST before it takes the new candle (`gapBefore`).
 *
 * A batch for open time T goes out when every symbol is resolved through T; symbols with no bar
 * at T get `null`.
 */
import type {BarBatch, BarValues} from '../live/feed-types.js'
import type {Candle} from './ohlcv-source.js'

interface Forming extends Candle {
  /** 0: REST; otherwise the watch session that last updated it. */
  session: number
}

export class CandleAssembler {
  /** Open time of the last batch taken (or the floor: nothing at or before it is delivered). */
  cursor: number
  private readonly resolvedThrough: number[]
  private readonly queues: Candle[][]
  private readonly heads: number[]
  private readonly latest: (Forming | undefined)[]

  constructor(
    readonly count: number,
    readonly timeframeMs: number,
    floor: number,
  ) {
    this.cursor = floor
    this.resolvedThrough = Array.from({length: count}, () => floor)
    this.queues = Array.from({length: count}, () => [])
    this.heads = Array.from({length: count}, () => 0)
    this.latest = Array.from({length: count}, () => undefined)
  }

  resolved(k: number): number {
    return this.resolvedThrough[k]
  }

  /** The forming candle of symbol k (open time), if one is known. */
  formingTime(k: number): number | undefined {
    return this.latest[k]?.time
  }

  /**
   * Candles from REST, fetched from a `since` no later than `resolved(k) + 1` (so they cover every
   * bar from there to the last row). `final(i)` says whether candle i is final (the feed decides:
   * a newer row exists, or its period plus the grace has passed). A final candle resolves the
   * symbol through its open; a forming one resolves it through the moment before its open and
   * becomes `latest`. Returns the open times whose values had to come from an earlier forming
   * candle because REST had no row for them (a lagging exchange).
   */
  ingestRest(k: number, candles: readonly Candle[], final: (i: number) => boolean): number[] {
    const fallbacks: number[] = []
    for (let i = 0; i < candles.length; i++) {
      const c = candles[i]
      if (c.time <= this.resolvedThrough[k]) continue
      // a newer candle is known (the watch is ahead of REST): this one is closed
      if (final(i) || (this.latest[k] !== undefined && this.latest[k]!.time > c.time)) {
        const f = this.resolveThrough(k, c.time - 1)
        if (f !== undefined) fallbacks.push(f)
        this.enqueue(k, c)
        this.resolvedThrough[k] = c.time
        if (this.latest[k] !== undefined && this.latest[k]!.time <= c.time) this.latest[k] = undefined
      } else {
        const f = this.resolveThrough(k, c.time - 1)
        if (f !== undefined) fallbacks.push(f)
        const lt = this.latest[k]
        if (lt === undefined) this.latest[k] = {...c, session: 0}
        else if (lt.time === c.time && lt.session === 0) lt.values = c.values
        // a watch's values for the same bar are at least as fresh: keep them
      }
    }
    return fallbacks
  }

  /**
   * Where a gap must be filled by REST before these watch candles are taken: the open time of the
   * first candle newer than anything known, when the candle before it was not seen by this same
   * session and a bar could lie between (undefined: no gap).
   */
  gapBefore(k: number, candles: readonly Candle[], session: number): number | undefined {
    const lt = this.latest[k]
    for (const c of candles) {
      if (c.time <= this.resolvedThrough[k] || (lt !== undefined && c.time <= lt.time)) continue
      if (lt !== undefined && lt.session === session) return undefined
      return c.time - this.timeframeMs > this.resolvedThrough[k] ? c.time : undefined
    }
    return undefined
  }

  /**
   * Candles from watch session `session` (> 0), gaps already filled. An update of the forming bar
   * replaces its values; a newer candle closes it with the values it has.
   */
  ingestWatch(k: number, candles: readonly Candle[], session: number): void {
    for (const c of candles) {
      if (c.time <= this.resolvedThrough[k]) continue
      const lt = this.latest[k]
      if (lt === undefined) this.latest[k] = {...c, session}
      else if (c.time === lt.time) {
        lt.values = c.values
        lt.session = session
      } else if (c.time > lt.time) {
        this.enqueue(k, lt)
        this.resolvedThrough[k] = c.time - 1
        this.latest[k] = {...c, session}
      }
      // an older candle than the forming one: stale, ignored
    }
  }

  /**
   * Symbol k is settled through `t` (REST covered it, or the grace passed and REST was asked):
   * a forming candle at or before `t` is final with the values it has. Returns its open time when
   * that happened (its values are the last seen, not confirmed by REST).
   */
  resolveThrough(k: number, t: number): number | undefined {
    let fallback: number | undefined
    const lt = this.latest[k]
    if (lt !== undefined && lt.time <= t) {
      if (lt.time > this.resolvedThrough[k]) {
        this.enqueue(k, lt)
        fallback = lt.time
      }
      this.latest[k] = undefined
    }
    if (t > this.resolvedThrough[k]) this.resolvedThrough[k] = t
    return fallback
  }

  /** The earliest open time after the cursor with a bar known for some symbol (final or forming). */
  nextTime(): number | undefined {
    let t = Infinity
    for (let k = 0; k < this.count; k++) {
      const q = this.queues[k]
      const h = this.heads[k]
      if (h < q.length && q[h].time < t) t = q[h].time
      const lt = this.latest[k]
      if (lt !== undefined && lt.time < t) t = lt.time
    }
    return t === Infinity ? undefined : t
  }

  /** Symbols not yet resolved through `t`. */
  unresolved(t: number): number[] {
    const out: number[] = []
    for (let k = 0; k < this.count; k++) if (this.resolvedThrough[k] < t) out.push(k)
    return out
  }

  /** The next batch when every symbol is resolved through its open time; it is then consumed. */
  take(): BarBatch | undefined {
    for (;;) {
      const t = this.nextTime()
      if (t === undefined || this.unresolved(t).length > 0) return undefined
      const bars: (BarValues | null)[] = []
      for (let k = 0; k < this.count; k++) {
        const q = this.queues[k]
        const h = this.heads[k]
        if (h < q.length && q[h].time === t) {
          bars.push(q[h].values)
          this.heads[k] = h + 1
          if (this.heads[k] > 1024 && this.heads[k] * 2 > q.length) {
            q.splice(0, this.heads[k])
            this.heads[k] = 0
          }
        } else bars.push(null)
      }
      this.cursor = t
      if (bars.some((b) => b !== null)) return {time: t, close: t + this.timeframeMs, bars}
    }
  }

  /** Adds a final bar to symbol k's queue (after the cursor; a bar already queued for that time is replaced). */
  private enqueue(k: number, c: Candle): void {
    if (c.time <= this.cursor) return
    const q = this.queues[k]
    const h = this.heads[k]
    const item = {time: c.time, values: c.values}
    if (q.length === h || q[q.length - 1].time < c.time) return void q.push(item)
    let lo = h
    let hi = q.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (q[mid].time < c.time) lo = mid + 1
      else hi = mid
    }
    if (q[lo].time === c.time) q[lo] = item
    else q.splice(lo, 0, item)
  }
}
