/**
 * Fingerprints of what produced a run, so two runs can be told to be the same experiment, and a
 * recorded run can be matched to a live bot.
 *
 * - `spec_hash` (one meaning for `runs` and for live `bots`): SHA-256, 64 hex digits, of the
 *   canonical JSON (keys sorted at every level, no whitespace, undefined left out) of the typed
 *   spec (`BotSpec`: validated, schema defaults and overrides applied, relative paths resolved
 *   against the spec's folder) without the fields that do not change what the bot does
 *   (`SPEC_HASH_IGNORES`): `file` (where the spec lives), `description` (prose), `report` (how the
 *   report draws it) and `backtest` (the window; the bars it selects are fingerprinted by `bars_hash`). So YAML formatting,
 *   comments, key order and spelled-out defaults never change it; params, symbols, timeframe,
 *   market, data source, broker and live settings always do.
 * - `bars_hash`: SHA-256 over, per symbol in order, its name, its timeframe and the raw bytes of
 *   its time, open, high, low, close and volume Float64Arrays (platform byte order; every
 *   supported platform is little-endian).
 *
 * A run and a bot are the same bot on the same data when both hashes are equal.
 */
import {createHash} from 'node:crypto'
import type {Bars} from '../model/bars.js'
import {BAR_COLUMNS} from '../core/bars.js'
import type {BotSpec} from '../model/bot-spec.js'

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

/** Fields of a BotSpec that `spec_hash` leaves out (see above). */
export const SPEC_HASH_IGNORES = ['file', 'description', 'backtest', 'report'] as const

/** The spec as a run records it: all of it but where its file lives. */
export function specForRecord(spec: BotSpec): Omit<BotSpec, 'file'> {
  const {file: _file, ...rest} = spec
  return rest
}

/** What `spec_hash` is computed from: the typed spec without `SPEC_HASH_IGNORES`. */
export function specIdentity(spec: BotSpec): Omit<BotSpec, (typeof SPEC_HASH_IGNORES)[number]> {
  const {file: _file, description: _description, backtest: _backtest, report: _report, ...rest} = spec
  return rest
}

/** `spec_hash` of a typed spec (runs, sweeps and live bots alike). */
export function specHash(spec: BotSpec): string {
  return sha256(canonicalJson(specIdentity(spec)))
}

export function barsHash(bars: readonly Bars[]): string {
  const h = createHash('sha256')
  for (const b of bars) {
    h.update(`${b.symbol}\0${b.timeframeMs}\0${b.length}\0`)
    for (const field of BAR_COLUMNS) {
      const a = b[field].subarray(0, b.length)
      h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    }
  }
  return h.digest('hex')
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}
