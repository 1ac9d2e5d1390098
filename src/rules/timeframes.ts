/**
 * Higher timeframes in rules: `close@1D` in expressions and `timeframe: 1D` on an indicator. A
 * higher timeframe is resampled from the bot's own bars (src/rules/runtime/higher-bars.ts); here
 * only the words: parsing a suffix, the series key (`close@1D`, canonical, so `@24H` is `@1D`) and
 * whether it fits the bot's timeframe (longer, and a whole multiple — the rule of `bots data resample`).
 */
import {formatDuration, isDuration, parseDuration} from '../core/duration.js'
import {canResample} from '../data/timeframe.js'

/** A higher timeframe: its length and canonical text (`1D`, `1H`, `1W`). */
export interface HigherTimeframe {
  ms: number
  text: string
}

/** `1D`, `1d`, `24H` → {ms, text: '1D'}; undefined for anything that is not a duration. */
export function parseHigherTimeframe(text: string): HigherTimeframe | undefined {
  if (!isDuration(text)) return undefined
  const ms = parseDuration(text)
  return {ms, text: formatDuration(ms)}
}

/** Series key of a bar field on a higher timeframe: `close@1D`. */
export function higherKey(field: string, tf: HigherTimeframe): string {
  return `${field}@${tf.text}`
}

/** The timeframe part of a series key (`close@1D` → `1D`), or undefined for the bot's own timeframe. */
export function timeframeOfKey(key: string): string | undefined {
  const at = key.indexOf('@')
  return at < 0 ? undefined : key.slice(at + 1)
}

/** Why `tf` cannot be read on a bot of `baseMs` bars (message and hint), or undefined when it can. */
export function higherTimeframeProblem(tf: HigherTimeframe, baseMs: number | undefined): {message: string; hint: string} | undefined {
  if (baseMs === undefined || !(baseMs > 0)) return undefined
  const base = formatDuration(baseMs)
  if (tf.ms <= baseMs) {
    return {message: `${tf.text} is not longer than the bot's timeframe ${base}`, hint: `a higher timeframe must be longer than ${base}; the bot's own bars need no \`@\` or \`timeframe:\``}
  }
  if (!canResample({ms: baseMs, text: base}, tf)) {
    return {message: `${tf.text} is not a whole multiple of the bot's timeframe ${base}`, hint: `${base} bars make ${tf.text} bars only when it is a multiple, e.g. ${suggest(baseMs)}`}
  }
  return undefined
}

function suggest(baseMs: number): string {
  const out = [2, 3, 12].map((k) => formatDuration(baseMs * k))
  if (baseMs < 86_400_000 && 86_400_000 % baseMs === 0) out.push('1D')
  return out.join(', ')
}

/** Base bars that may make one higher bar, for warm-up counts: the ratio when the bot's timeframe is known, else as if it were 1 minute (conservative). */
export function barsPerHigherBar(tfMs: number, baseMs: number | undefined): number {
  return Math.ceil(tfMs / (baseMs !== undefined && baseMs > 0 ? baseMs : 60_000))
}
