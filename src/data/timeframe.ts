/**
 * Timeframes as the store keeps them: canonical text from `formatDuration` (`1M`, `5M`, `1H`, `1D`)
 * next to the length in ms. Accepts either form, so `1m`, `60S` and 60000 all mean `1M`.
 */
import {DAY_MS} from '../model/time.js'
import {formatDuration, parseDuration} from '../core/duration.js'
import {BotsError} from '../core/errors.js'

export interface Timeframe {
  readonly ms: number
  readonly text: string
}

export function toTimeframe(input: string | number): Timeframe {
  const ms = typeof input === 'number' ? input : parseDuration(input.trim())
  if (!Number.isInteger(ms) || ms <= 0 || ms % 1000 !== 0) {
    throw new BotsError(`timeframe ${input} is not a whole number of seconds`, {code: 'duration.syntax'})
  }
  return {ms, text: formatDuration(ms)}
}

/** Daily and longer bars are cut at local midnight; shorter ones on the wall clock of their time zone. */
export function isDaily(tf: Timeframe): boolean {
  return tf.ms >= DAY_MS
}

/** Whether `bots data resample` can make `to` bars from `from` bars: `to` longer, and a whole multiple of `from` (days cut at the session day). */
export function canResample(from: Timeframe, to: Timeframe): boolean {
  return to.ms > from.ms && (to.ms < DAY_MS ? to.ms % from.ms === 0 : to.ms % DAY_MS === 0 && (DAY_MS % from.ms === 0 || to.ms % from.ms === 0))
}
