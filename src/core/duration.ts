import {DAY_MS} from '../model/time.js'
import {BotsError} from './errors.js'

/**
 * Durations and timeframes: `30S`, `1M`, `5M`, `1H`, `1D`, `1W`. The unit letter is
 * case-insensitive (`1m` = `1M` = one minute; months are not a fixed length, so they are not a unit).
 */
const UNIT_MS: Record<string, number> = {s: 1_000, m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS}

export const DURATION_PATTERN = '^[0-9]+[SsMmHhDdWw]$'
const DURATION_RE = new RegExp(DURATION_PATTERN)

export function isDuration(text: string): boolean {
  return DURATION_RE.test(text)
}

/** Milliseconds in a duration string; throws a BotsError for anything else. */
export function parseDuration(text: string): number {
  if (!DURATION_RE.test(text)) {
    throw new BotsError(`"${text}" is not a duration`, {
      code: 'duration.syntax',
      hint: 'write a whole number and a unit: 30S, 1M, 5M, 1H, 1D, 1W (S seconds, M minutes, H hours, D days, W weeks)',
    })
  }
  const n = Number(text.slice(0, -1))
  const ms = n * UNIT_MS[text.slice(-1).toLowerCase()]
  if (ms <= 0) throw new BotsError(`"${text}" is zero; a timeframe must be positive`, {code: 'duration.zero'})
  return ms
}

/** Canonical text for a duration in ms: the largest unit that divides it. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [['W', UNIT_MS.w], ['D', UNIT_MS.d], ['H', UNIT_MS.h], ['M', UNIT_MS.m]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`
  }
  return `${ms / 1000}S`
}
