/**
 * Timeframes between a spec's notation and ccxt's. A spec writes a whole number and a unit, the
 * unit case-insensitive, `M` being MINUTES (`1M`, `5m`, `1H`, `1D`, `1W`; see core/duration.ts).
 * ccxt writes `1m` for a minute and `1M` for a MONTH: the two must never be passed through as text.
 * Pure functions: no ccxt here.
 */
import {isDuration, parseDuration} from '../core/duration.js'

const SECOND = 1_000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const WEEK = 7 * DAY

/** ccxt's fixed-length units (its `M` month and `y` year have no fixed length and no spec equivalent). */
const CCXT_UNITS: ReadonlyArray<readonly [unit: string, ms: number]> = [['w', WEEK], ['d', DAY], ['h', HOUR], ['m', MINUTE], ['s', SECOND]]
const SPEC_UNIT: Record<string, string> = {w: 'W', d: 'D', h: 'H', m: 'M', s: 'S'}

/** Length in ms of a ccxt timeframe (`1m`, `4h`, `1d`, `1w`), or undefined for `1M` (month), `1y` and anything else. */
export function ccxtTimeframeMs(tf: string): number | undefined {
  const m = /^([1-9][0-9]*)([smhdw])$/.exec(tf)
  if (!m) return undefined
  return Number(m[1]) * CCXT_UNITS.find(([u]) => u === m[2])![1]
}

/**
 * The ccxt timeframe of a spec timeframe: `1M` → `1m`, `5M` → `5m`, `60M` → `1h`, `1H` → `1h`,
 * `1D` → `1d`, `7D` → `1w`, `30S` → `30s`; undefined for text that is not a spec timeframe.
 * With `supported` (the keys of a ccxt exchange's `timeframes`), the key of that list with the same
 * length, so an exchange that writes `60m` or `7d` gets its own spelling; undefined if none.
 */
export function ccxtTimeframe(timeframe: string, supported?: Iterable<string>): string | undefined {
  const text = typeof timeframe === 'string' ? timeframe.trim() : ''
  if (!isDuration(text) || Number(text.slice(0, -1)) === 0) return undefined
  const ms = parseDuration(text)
  if (supported !== undefined) {
    const list = [...supported]
    const canonical = canonicalCcxt(ms)
    if (list.includes(canonical)) return canonical
    return list.find((k) => ccxtTimeframeMs(k) === ms)
  }
  return canonicalCcxt(ms)
}

/** The spec notation of a ccxt timeframe (`1m` → `1M`, `4h` → `4H`, `1d` → `1D`); undefined for month and year timeframes. */
export function specTimeframe(tf: string): string | undefined {
  const ms = ccxtTimeframeMs(tf)
  if (ms === undefined) return undefined
  const canonical = canonicalCcxt(ms)
  return canonical.slice(0, -1) + SPEC_UNIT[canonical.slice(-1)]
}

/** The largest ccxt unit that divides `ms`: 3_600_000 → `1h`, 90_000 → `90s`. */
function canonicalCcxt(ms: number): string {
  for (const [unit, size] of CCXT_UNITS) if (ms % size === 0) return `${ms / size}${unit}`
  return `${ms / SECOND}s`
}
