/**
 * The bars the twin replays, as one time index shared by every symbol: stored bars from a DuckDB
 * store (read with the project's own `loadAlignedBars`), or a seeded random walk (random-walk.ts).
 */
import {existsSync} from 'node:fs'
import {closeStore, openStore} from '../data/store.js'
import {loadAlignedBars} from '../data/load-aligned-bars.js'
import type {AlignedBars} from '../data/load-aligned-bars.js'
import {BotsError} from '../core/errors.js'

export interface Bar {
  time: number
  open: number
  high: number
  low: number
  close: number
  volume: number
}

export interface MarketData {
  readonly timeframeMs: number
  /** Bars on the index; Infinity for a walk, which never ends. */
  readonly length: number
  /** Open time of bar k (epoch ms). */
  time(k: number): number
  /** Symbol `s`'s bar k; undefined where that symbol has no bar (the store's NaN rows). */
  bar(s: number, k: number): Bar | undefined
  /** Index of the first bar opening at or after t (length when none). */
  indexAtOrAfter(t: number): number
}

/** Read every stored bar of the symbols (unified names, as imported) at the timeframe. */
export async function loadStoreMarket(db: string, symbols: string[], timeframeMs: number): Promise<MarketData> {
  if (db !== ':memory:' && !existsSync(db)) throw new BotsError(`no store at ${db}`, {code: 'twin.data', hint: 'import bars first: bots data import FILE --symbol BASE/QUOTE --db PATH'})
  const store = await openStore({path: db, readOnly: true})
  try {
    const aligned = await loadAlignedBars(store, {symbols, timeframe: timeframeMs})
    if (aligned.length === 0) throw new BotsError(`the store ${db} has no bars for ${symbols.join(', ')}`, {code: 'twin.data'})
    return new StoredMarket(aligned, symbols)
  } finally {
    await closeStore(store)
  }
}

class StoredMarket implements MarketData {
  readonly timeframeMs: number
  readonly length: number

  constructor(private readonly a: AlignedBars, private readonly symbols: string[]) {
    this.timeframeMs = a.timeframeMs
    this.length = a.length
  }

  time(k: number): number {
    return this.a.time[k]
  }

  bar(s: number, k: number): Bar | undefined {
    const b = this.a.bars[this.symbols[s]]
    if (k < 0 || k >= this.length || Number.isNaN(b.open[k])) return undefined
    return {time: b.time[k], open: b.open[k], high: b.high[k], low: b.low[k], close: b.close[k], volume: b.volume[k]}
  }

  indexAtOrAfter(t: number): number {
    let lo = 0
    let hi = this.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.a.time[mid] < t) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}
