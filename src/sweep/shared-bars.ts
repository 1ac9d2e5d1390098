/**
 * Bars handed to sweep workers. `shared`: each symbol's six columns are copied once into one
 * SharedArrayBuffer that every worker reads in place (no per-worker copy). `copy`: each worker
 * gets its own copy through postMessage's structured clone. bench/sweep.bench.mjs measures both.
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
    const buffer = transport === 'shared' ? new SharedArrayBuffer(6 * n * 8) : new ArrayBuffer(6 * n * 8)
    FIELDS.forEach((f, k) => new Float64Array(buffer, k * n * 8, n).set(b[f].subarray(0, n)))
    return {symbol: b.symbol, timeframeMs: b.timeframeMs, length: n, buffer}
  })
}

export function unpackBars(packed: readonly PackedBars[]): Bars[] {
  return packed.map((p) => {
    const n = p.length
    const col = (k: number) => new Float64Array(p.buffer, k * n * 8, n)
    return {symbol: p.symbol, timeframeMs: p.timeframeMs, length: n, time: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5)}
  })
}
