/**
 * Bars for a twin without a store: one geometric random walk per symbol, seeded (mulberry32) from
 * the seed and the symbol's name, so the same options give the same bars on every run. Bars are
 * generated on demand and kept, so the walk has no end. Prices sit on the symbol's tick grid.
 */
import type {Bar, MarketData} from './market-data.js'

export interface WalkOptions {
  symbols: string[]
  tickSizes: number[]
  timeframeMs: number
  /** Open time of bar 0. */
  start: number
  seed?: number
  price?: number
}

/** Per-bar volatility: about 0.2% a bar. */
const SIGMA = 0.002

export class RandomWalk implements MarketData {
  readonly timeframeMs: number
  readonly length = Infinity
  private readonly start: number
  private readonly series: {rand: () => number; tick: number; bars: Bar[]; price: number}[]

  constructor(o: WalkOptions) {
    this.timeframeMs = o.timeframeMs
    this.start = o.start
    this.series = o.symbols.map((s, i) => ({
      rand: mulberry32(hash(`${o.seed ?? 1}:${s}`)),
      tick: o.tickSizes[i],
      bars: [],
      price: o.price ?? 100,
    }))
  }

  time(k: number): number {
    return this.start + k * this.timeframeMs
  }

  bar(s: number, k: number): Bar | undefined {
    if (k < 0) return undefined
    const ser = this.series[s]
    while (ser.bars.length <= k) ser.bars.push(this.next(ser, ser.bars.length))
    return ser.bars[k]
  }

  indexAtOrAfter(t: number): number {
    return Math.max(0, Math.ceil((t - this.start) / this.timeframeMs))
  }

  private next(ser: (typeof this.series)[number], k: number): Bar {
    const onTick = (p: number) => Math.max(ser.tick, Math.round(p / ser.tick) * ser.tick)
    const round = (p: number) => Number(onTick(p).toFixed(10))
    const open = round(ser.price)
    const close = round(open * Math.exp(SIGMA * gauss(ser.rand)))
    const high = round(Math.max(open, close) * (1 + Math.abs(gauss(ser.rand)) * SIGMA * 0.5))
    const low = round(Math.min(open, close) * (1 - Math.abs(gauss(ser.rand)) * SIGMA * 0.5))
    ser.price = close
    const volume = Number((10 + ser.rand() * 90).toFixed(3))
    return {time: this.time(k), open, high, low, close, volume}
  }
}

function gauss(rand: () => number): number {
  const u = 1 - rand()
  const v = rand()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function hash(text: string): number {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619)
  return h >>> 0
}
