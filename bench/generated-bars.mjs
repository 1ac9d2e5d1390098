// Deterministic minute bars for the engine and rules benches: generated once into bench/out/
// by bench/gen-ohlcv.mjs, then read straight into typed arrays.
import {closeSync, existsSync, mkdirSync, openSync, readSync} from 'node:fs'
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

export const MINUTE = 60_000
const here = fileURLToPath(new URL('.', import.meta.url))

/** `rows` bars of symbol BENCH as columns (the engine's `Bars`), one per minute from 2020-01-01 UTC. */
export function generatedBars(rows) {
  const csv = `${here}out/ohlcv-${rows}.csv`
  if (!existsSync(csv)) {
    mkdirSync(`${here}out`, {recursive: true})
    const r = spawnSync(process.execPath, [`${here}gen-ohlcv.mjs`, '--rows', String(rows), '--out', csv], {stdio: 'inherit'})
    if (r.status !== 0) throw new Error('bench/gen-ohlcv.mjs failed')
  }
  return readBars(csv, rows)
}

// Reads in 4 MB chunks and parses bytes (no line strings), so the bench's own memory does not
// hide the engine's. Rows are `YYYY-MM-DD HH:MM:SS,open,high,low,close,volume`, one per minute.
function readBars(file, cap) {
  const fd = openSync(file, 'r')
  const chunk = Buffer.alloc(4 << 20)
  const cols = {time: new Float64Array(cap), open: new Float64Array(cap), high: new Float64Array(cap), low: new Float64Array(cap), close: new Float64Array(cap), volume: new Float64Array(cap)}
  const fields = [cols.open, cols.high, cols.low, cols.close, cols.volume]
  let carry = 0 // bytes of an unfinished line moved to the chunk's start
  let n = 0
  let header = true
  let t0 = 0
  for (;;) {
    const read = readSync(fd, chunk, carry, chunk.length - carry, null)
    const end = carry + read
    let start = 0
    for (let p = 0; p < end; p++) {
      if (chunk[p] !== 10) continue
      if (header) header = false
      else if (n < cap) {
        if (n === 0) t0 = Date.parse(chunk.toString('latin1', start, start + 10) + 'T' + chunk.toString('latin1', start + 11, start + 19) + 'Z')
        parseRow(chunk, start + 19, fields, n)
        cols.time[n] = t0 + n * MINUTE // the generator writes one row per minute, no gaps
        n++
      }
      start = p + 1
    }
    if (read === 0) break
    chunk.copy(chunk, 0, start, end)
    carry = end - start
  }
  closeSync(fd)
  for (const k of Object.keys(cols)) cols[k] = cols[k].subarray(0, n)
  return {symbol: 'BENCH', timeframeMs: MINUTE, length: n, ...cols}
}

function parseRow(buf, p, fields, i) {
  for (let f = 0; f < 5; f++) {
    p++ // the comma
    let v = 0
    let scale = 0
    for (; buf[p] !== 44 && buf[p] !== 10; p++) {
      const c = buf[p]
      if (c === 46) scale = 1
      else {
        v = v * 10 + (c - 48)
        if (scale) scale *= 10
      }
    }
    fields[f][i] = scale ? v / scale : v
  }
}
