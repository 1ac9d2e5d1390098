/**
 * What `startTwin` accepts, and its normalisation into one checked settings object. Every problem
 * a user can fix (a bad symbol, a negative fee, a zero step) is a BotsError with code `twin.*`.
 */
import type {TimerClock} from '../core/clock.js'
import {BotsError} from '../core/errors.js'
import {parseDateText} from '../core/dates.js'
import {toTimeframe} from '../data/timeframe.js'
import {binanceInterval, parseSymbol, type TwinSymbol} from './symbols.js'

/** A number for every symbol, or per unified symbol (`{'BTC/USDT': 0.01}`; others get the default). */
export type PerSymbol = number | Record<string, number>

export interface TwinFaults {
  /** Close each WebSocket after it has been sent this many messages. */
  dropWsEvery?: number
  /** Every Nth REST request (counting all of them) answers HTTP 429 with Binance's -1003 body. */
  http429Every?: number
  /** Added before every REST answer, on the twin's clock. */
  latencyMs?: number
  /** Each fill is split into this many executions, each with its own trade id. */
  partialFills?: number
}

export interface TwinOptions {
  /** DuckDB store to replay bars from; without it every symbol is a seeded random walk. */
  db?: string
  /** ccxt unified symbols, `BTC/USDT`. */
  symbols: string[]
  /** `1m`, `5m`, `1h`, `1d`… (store timeframes: `1M` = one minute). */
  timeframe: string
  /** Epoch ms or `YYYY-MM-DD[THH:MM…]` (UTC unless an offset is given). Store bars before it are released at start-up; a walk starts there. */
  start?: number | string
  /** Bars released per second on `clock`; 0 = only `advance()` moves the market. */
  speed: number
  /** 0 or absent: any free port. */
  port?: number
  /** Paces the bars and the REST latency. Default: the wall clock. */
  clock?: TimerClock
  apiKey: string
  apiSecret: string
  cash: {asset: string; amount: number}
  /** Percent of the traded value, charged in the quote asset. Default 0.1. */
  commissionPercent?: number
  tickSize?: PerSymbol
  stepSize?: PerSymbol
  minNotional?: PerSymbol
  /** Which filter carries minNotional in exchangeInfo. Default `NOTIONAL` (Binance spot today). */
  notionalFilter?: 'NOTIONAL' | 'MIN_NOTIONAL'
  /** Random walk only: the seed (default 1) and first price (default 100). */
  walk?: {seed?: number; price?: number}
  /** Random walk only: bars released at start-up, so klines have history (default 0). */
  warmupBars?: number
  faults?: TwinFaults
}

export interface SymbolRules {
  tickSize: number
  stepSize: number
  minQty: number
  minNotional: number
}

export interface TwinSettings {
  symbols: TwinSymbol[]
  rules: Map<string, SymbolRules>
  timeframeMs: number
  interval: string
  start?: number
  commissionRate: number
  notionalFilter: 'NOTIONAL' | 'MIN_NOTIONAL'
  faults: Required<TwinFaults>
}

const DEFAULT_RULES: SymbolRules = {tickSize: 0.01, stepSize: 0.00001, minQty: 0.00001, minNotional: 5}

export function normalizeOptions(o: TwinOptions): TwinSettings {
  if (!o.symbols?.length) throw new BotsError('the twin needs at least one symbol', {code: 'twin.symbols', hint: 'e.g. --symbol BTC/USDT'})
  const symbols = o.symbols.map(parseSymbol)
  const ids = new Set(symbols.map((s) => s.id))
  if (ids.size !== symbols.length) throw new BotsError('a symbol is listed twice', {code: 'twin.symbols'})
  const tf = toTimeframe(o.timeframe)
  const interval = binanceInterval(tf.ms)
  if (!(o.speed >= 0) || !Number.isFinite(o.speed)) throw new BotsError(`speed must be a number of bars per second ≥ 0, got ${o.speed}`, {code: 'twin.speed'})
  if (!o.apiKey || !o.apiSecret) throw new BotsError('the twin needs an API key and secret', {code: 'twin.credentials'})
  if (!o.cash?.asset || !(o.cash.amount >= 0)) throw new BotsError('cash needs an asset and an amount ≥ 0', {code: 'twin.cash'})
  const commissionPercent = o.commissionPercent ?? 0.1
  if (!(commissionPercent >= 0 && commissionPercent < 100)) throw new BotsError(`commission must be a percent in [0, 100), got ${commissionPercent}`, {code: 'twin.commission'})
  const rules = new Map<string, SymbolRules>()
  for (const s of symbols) {
    const tickSize = pick(o.tickSize, s.symbol, DEFAULT_RULES.tickSize, 'tickSize')
    const stepSize = pick(o.stepSize, s.symbol, DEFAULT_RULES.stepSize, 'stepSize')
    const minNotional = pick(o.minNotional, s.symbol, DEFAULT_RULES.minNotional, 'minNotional', true)
    rules.set(s.id, {tickSize, stepSize, minQty: stepSize, minNotional})
  }
  const f = o.faults ?? {}
  const faults = {
    dropWsEvery: count(f.dropWsEvery, 'dropWsEvery'),
    http429Every: count(f.http429Every, 'http429Every'),
    latencyMs: count(f.latencyMs, 'latencyMs'),
    partialFills: Math.max(1, count(f.partialFills, 'partialFills')),
  }
  return {
    symbols, rules, timeframeMs: tf.ms, interval,
    start: o.start === undefined ? undefined : parseStart(o.start),
    commissionRate: commissionPercent / 100,
    notionalFilter: o.notionalFilter ?? 'NOTIONAL',
    faults,
  }
}

function pick(v: PerSymbol | undefined, symbol: string, dflt: number, name: string, zeroOk = false): number {
  const x = typeof v === 'number' ? v : (v?.[symbol] ?? dflt)
  if (!Number.isFinite(x) || x < 0 || (!zeroOk && x === 0)) throw new BotsError(`${name} for ${symbol} must be a positive number, got ${x}`, {code: 'twin.filters'})
  return x
}

function count(v: number | undefined, name: string): number {
  if (v === undefined) return 0
  if (!Number.isInteger(v) || v < 0) throw new BotsError(`${name} must be a whole number ≥ 0, got ${v}`, {code: 'twin.faults'})
  return v
}

export function parseStart(v: number | string): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new BotsError(`start must be epoch ms or a date, got ${v}`, {code: 'twin.start'})
    return v
  }
  const d = parseDateText(v)
  if (!d) throw new BotsError(`start "${v}" is not a date (YYYY-MM-DD or ISO 8601)`, {code: 'twin.start'})
  return Date.UTC(d.year, d.month - 1, d.day, d.hour, d.minute, d.second, d.millisecond) - (d.offsetMinutes ?? 0) * 60_000
}
