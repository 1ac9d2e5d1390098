/** ccxt unified symbols (`BTC/USDT`) and Binance's names for them (`BTCUSDT`, `btcusdt@kline_1m`). */
import {BotsError} from '../core/errors.js'

export interface TwinSymbol {
  /** Unified, as the user wrote it: `BTC/USDT`. */
  readonly symbol: string
  /** Binance's id: `BTCUSDT`. */
  readonly id: string
  readonly base: string
  readonly quote: string
  /** Stream names use it: `btcusdt`. */
  readonly lower: string
}

const ASSET = /^[A-Z0-9]{1,20}$/

export function parseSymbol(text: string): TwinSymbol {
  const parts = text.trim().toUpperCase().split('/')
  if (parts.length !== 2 || !ASSET.test(parts[0]) || !ASSET.test(parts[1]) || parts[0] === parts[1]) {
    throw new BotsError(`"${text}" is not a spot symbol like BTC/USDT`, {code: 'twin.symbols', hint: 'name symbols as ccxt does: BASE/QUOTE'})
  }
  const [base, quote] = parts
  return {symbol: `${base}/${quote}`, id: base + quote, base, quote, lower: (base + quote).toLowerCase()}
}

const MINUTE = 60_000
const INTERVALS: ReadonlyArray<[string, number]> = [
  ['1s', 1000], ['1m', MINUTE], ['3m', 3 * MINUTE], ['5m', 5 * MINUTE], ['15m', 15 * MINUTE], ['30m', 30 * MINUTE],
  ['1h', 60 * MINUTE], ['2h', 120 * MINUTE], ['4h', 240 * MINUTE], ['6h', 360 * MINUTE], ['8h', 480 * MINUTE],
  ['12h', 720 * MINUTE], ['1d', 1440 * MINUTE], ['3d', 3 * 1440 * MINUTE], ['1w', 7 * 1440 * MINUTE],
]

/** Binance's kline interval for a timeframe (`1m`, `1h`, `1d`…); only the ones Binance serves. */
export function binanceInterval(ms: number): string {
  const hit = INTERVALS.find(([, len]) => len === ms)
  if (!hit) {
    throw new BotsError(`Binance has no kline interval of ${ms / 1000} s`, {code: 'twin.timeframe', hint: `use one of ${INTERVALS.map(([n]) => n).join(', ')}`})
  }
  return hit[0]
}
