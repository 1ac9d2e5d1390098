/**
 * Bars handed to sweep workers. `shared`: each symbol's six columns are in one SharedArrayBuffer
 * that every worker reads in place (no per-worker copy): the bars' own, when they were loaded so
 * (`emptyBars(…, shared)`: no copy at all), else a copy made once. `copy`: each worker gets its
 * own copy through postMessage's structured clone. bench/sweep.bench.mjs measures both.
 */
import type {Bars} from '../model/bars.js'

export type BarsTransport = 'shared' | 'copy'

export interface PackedBars {
  symbol: string
  timeframeMs: number
  length: number
  /** time, open, high, low, close, volume, each `length` doubles, back to back. */
  buffer: SharedArrayBuffer | ArrayBuffer
}

const FIELDS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const

export function packBars(bars: readonly Bars[], transport: BarsTransport): PackedBars[] {
  return bars.map((b) => {
    const n = b.length
    const own = transport === 'shared' ? sharedLayout(b) : undefined
    if (own) return {symbol: b.symbol, timeframeMs: b.timeframeMs, length: n, buffer: own}
    // Fresh memory, 48 MB for a million bars: ~80 ms of page faults here, which sharedLayout spares.
    const buffer = transport === 'shared' ? new SharedArrayBuffer(6 * n * 8) : new ArrayBuffer(6 * n * 8)
    FIELDS.forEach((f, k) => new Float64Array(buffer, k * n * 8, n).set(b[f].subarray(0, n)))
    return {symbol: b.symbol, timeframeMs: b.timeframeMs, length: n, buffer}
  })
}

/** The SharedArrayBuffer the bars' columns are, when they are exactly unpackBars' layout of one. */
function sharedLayout(b: Bars): SharedArrayBuffer | undefined {
  const buffer = b.time.buffer
  if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength !== 6 * b.length * 8) return undefined
  const inPlace = FIELDS.every((f, k) => b[f].buffer === buffer && b[f].byteOffset === k * b.length * 8 && b[f].length === b.length)
  return inPlace ? buffer : undefined
}

export function unpackBars(packed: readonly PackedBars[]): Bars[] {
  return packed.map((p) => {
    const n = p.length
    const col = (k: number) => new Float64Array(p.buffer, k * n * 8, n)
    return {symbol: p.symbol, timeframeMs: p.timeframeMs, length: n, time: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5)}
  })
}
