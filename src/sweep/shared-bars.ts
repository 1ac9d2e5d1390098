/**
 * Bars handed to sweep workers. `shared`: each symbol's six columns are in one SharedArrayBuffer
 * that every worker reads in place (no per-worker copy): the bars' own, when they were loaded so
 * (`emptyBars(…, shared)`: no copy at all), else a copy made once. `copy`: each worker gets its
 * own copy through postMessage's structured clone. bench/sweep.bench.mjs measures both.
 */
import type {Bars} from '../model/bars.js'
import {BAR_COLUMNS, barsInBuffer} from '../core/bars.js'

export type BarsTransport = 'shared' | 'copy'

export interface PackedBars {
  symbol: string
  timeframeMs: number
  length: number
  /** time, open, high, low, close, volume, each `length` doubles, back to back. */
  buffer: SharedArrayBuffer | ArrayBuffer
}

export function packBars(bars: readonly Bars[], transport: BarsTransport): PackedBars[] {
  return bars.map((b) => {
    const n = b.length
    const own = transport === 'shared' ? sharedLayout(b) : undefined
    if (own) return {symbol: b.symbol, timeframeMs: b.timeframeMs, length: n, buffer: own}
    // Fresh memory, 48 MB for a million bars: ~80 ms of page faults here, which sharedLayout spares.
    const bytes = BAR_COLUMNS.length * n * 8
    const buffer = transport === 'shared' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes)
    const copy = barsInBuffer(b.symbol, b.timeframeMs, n, buffer)
    for (const f of BAR_COLUMNS) copy[f].set(b[f].subarray(0, n))
    return {symbol: b.symbol, timeframeMs: b.timeframeMs, length: n, buffer}
  })
}

/** The SharedArrayBuffer the bars' columns are, when they are exactly barsInBuffer's layout of one. */
function sharedLayout(b: Bars): SharedArrayBuffer | undefined {
  const buffer = b.time.buffer
  if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength !== BAR_COLUMNS.length * b.length * 8) return undefined
  const layout = barsInBuffer(b.symbol, b.timeframeMs, b.length, buffer)
  const inPlace = BAR_COLUMNS.every((f) => b[f].buffer === buffer && b[f].byteOffset === layout[f].byteOffset && b[f].length === b.length)
  return inPlace ? buffer : undefined
}

export function unpackBars(packed: readonly PackedBars[]): Bars[] {
  return packed.map((p) => barsInBuffer(p.symbol, p.timeframeMs, p.length, p.buffer))
}
