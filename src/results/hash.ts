/**
 * Fingerprints of what produced a run, so two runs can be told to be the same experiment.
 *
 * - Spec: SHA-256 of the canonical JSON of the validated spec (keys sorted at every level, no
 *   whitespace), without `file` (the same spec moved elsewhere is the same spec).
 * - Bars: SHA-256 over, per symbol in order, its name, its timeframe and the raw bytes of its
 *   time, open, high, low, close and volume Float64Arrays (platform byte order; every supported
 *   platform is little-endian).
 */
import {createHash} from 'node:crypto'
import type {Bars} from '../core/bars.js'
import {BAR_FIELDS} from '../core/bars.js'
import type {BotSpec} from '../spec/bot-spec.js'

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k]
      if (x !== undefined) out[k] = sortKeys(x)
    }
    return out
  }
  return v
}

export function specForHash(spec: BotSpec): Omit<BotSpec, 'file'> {
  const {file: _file, ...rest} = spec
  return rest
}

export function specHash(spec: BotSpec): string {
  return sha256(canonicalJson(specForHash(spec)))
}

export function barsHash(bars: readonly Bars[]): string {
  const h = createHash('sha256')
  for (const b of bars) {
    h.update(`${b.symbol}\0${b.timeframeMs}\0${b.length}\0`)
    for (const field of ['time', ...BAR_FIELDS] as const) {
      const a = b[field].subarray(0, b.length)
      h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    }
  }
  return h.digest('hex')
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}
