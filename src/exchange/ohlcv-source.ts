/**
 * What the exchange bar feed needs from an exchange: a narrow structural slice of a ccxt(.pro)
 * exchange instance, so a `ccxt.pro.binance` satisfies it as is and tests pass a scripted fake.
 */
import type {BarValues} from '../live/feed-types.js'
import {classifyExchangeError, errorClassNames} from './error-kind.js'

/** A ccxt candle row: `[openMs, open, high, low, close, volume]` (ccxt types each as `number | undefined`). */
export type OhlcvRow = readonly (number | undefined)[]

export interface OhlcvSource {
  /** ccxt's exchange id (`binance`); names the feed. */
  readonly id?: string
  /** ccxt's capability map: `fetchOHLCV`, `watchOHLCV`. */
  readonly has: Record<string, boolean | 'emulated' | undefined>
  /** Candles opening at or after `since`, oldest first, at most `limit` (the last one may still be forming). */
  fetchOHLCV(symbol: string, timeframe?: string, since?: number, limit?: number): Promise<OhlcvRow[]>
  /** Resolves with the candles updated since the previous call (ccxt.pro `newUpdates`); throws when the socket drops. */
  watchOHLCV?(symbol: string, timeframe?: string, since?: number, limit?: number): Promise<OhlcvRow[]>
}

/** One candle as the feed keeps it. */
export interface Candle {
  time: number
  values: BarValues
}

/**
 * Rows as candles: invalid rows (a missing time or price) dropped, sorted by open time, one per
 * time (the last row for a time wins: it is the newest update).
 */
export function toCandles(rows: readonly OhlcvRow[]): Candle[] {
  const byTime = new Map<number, Candle>()
  for (const r of rows) {
    const [time, open, high, low, close, volume] = r
    if (!isNum(time) || !isNum(open) || !isNum(high) || !isNum(low) || !isNum(close)) continue
    byTime.set(time, {time, values: {open, high, low, close, volume: isNum(volume) ? volume : 0}})
  }
  const out = [...byTime.values()]
  let sorted = true
  for (let i = 1; i < out.length && sorted; i++) sorted = out[i - 1].time < out[i].time
  if (!sorted) out.sort((a, b) => a.time - b.time)
  return out
}

const isNum = (x: number | undefined): x is number => typeof x === 'number' && Number.isFinite(x)

/**
 * How the feed treats an error from the exchange:
 * - `fatal`: retrying cannot help (bad credentials, unknown symbol, a request the exchange rejects
 *   as malformed, an unsupported call): the bot is told (`listener.error`).
 * - `rate-limit`: ccxt `RateLimitExceeded` / `DDoSProtection`: back off longer.
 * - `transient`: everything else (socket dropped, timeouts, exchange unavailable): back off, retry.
 */
export type OhlcvErrorKind = 'fatal' | 'rate-limit' | 'transient'

/** Beyond the order errors: calls that can never work as made. */
const FATAL = ['NotSupported', 'ArgumentsRequired']

/** Classifies by ccxt error class (see error-kind.ts). */
export function ohlcvErrorKind(e: unknown): OhlcvErrorKind {
  const kind = classifyExchangeError(e)
  if (kind === 'rate-limit') return 'rate-limit'
  // A bad symbol or a malformed request is `invalid-order` there (ccxt's BadRequest).
  if (kind === 'auth' || kind === 'invalid-order') return 'fatal'
  const names = errorClassNames(e)
  return FATAL.some((n) => names.has(n)) ? 'fatal' : 'transient'
}
