/**
 * The typed, defaults-applied form of a bot spec: what every layer above reads. Built from a
 * validated document by `toBotSpec` (src/spec/bot-spec.ts); nothing here knows about YAML.
 */
export interface CustomMarket {
  timezone: string
  open: string
  close: string
  days: string[]
  holidays: string[]
}
export type MarketSpec = '24/7' | 'NYSE' | CustomMarket

export interface CommissionSpec {
  perShare: number
  percent: number
  fixed: number
  minimum: number
}

export interface BrokerSpec {
  cash: number
  commission: CommissionSpec
  slippageBps: number
  allowShort: boolean
  fillPrice: 'next_open' | 'close'
  /**
   * `broker.same_bar`: which leg of an OCO pair (a bracket's stop-loss and take-profit) fills when
   * one bar's range reaches both and neither is reached at the open. Absent: `stop_first`.
   */
  sameBar?: 'stop_first' | 'target_first' | 'open_distance'
  /** `broker.max_volume_share`: at most this share of a bar's volume fills per symbol; the rest on later bars. Absent: no limit. */
  maxVolumeShare?: number
  /**
   * Per-symbol contract terms (the spec's top-level `instruments`), only for the symbols given and
   * only when the spec has the key (specs without it keep the typed shape, and hash, they had).
   */
  instruments?: Record<string, InstrumentSpec>
}

/**
 * How one symbol trades (the spec's `instruments.SYMBOL`); every field optional.
 * - `multiplier`: currency per point per unit (a futures contract's size); P&L, value, notional
 *   and percent commissions follow it. Absent: 1.
 * - `margin`: currency reserved per open contract, long or short. Given, the symbol is
 *   futures-like (Backtrader's `stocklike=False`): no full price is paid, open P&L is settled into
 *   cash at every bar's close, and the account value is cash + margin of the open contracts.
 * - `tickSize`: limit and stop prices round to the nearest multiple. `lotSize`: quantities round
 *   down to a multiple (an order below one lot is rejected).
 */
export interface InstrumentSpec {
  multiplier?: number
  margin?: number
  tickSize?: number
  lotSize?: number
}

export interface ColumnMap {
  datetime?: string
  date?: string
  time?: string
  open?: string
  high?: string
  low?: string
  close?: string
  volume?: string
}

export type DataSpec =
  | {source: 'store'; db?: string}
  | {
      source: 'file'
      db?: string
      /** Absolute path per symbol. */
      files: Record<string, string>
      format?: 'csv' | 'parquet'
      timezone?: string
      columns?: ColumnMap
      timeLabel: 'open' | 'close'
    }

export interface BotSpec {
  name: string
  description?: string
  userId?: number
  /** Absolute path of the spec file, when it came from one. */
  file?: string
  strategy: {name?: string; path?: string; params: Record<string, unknown>}
  symbols: string[]
  timeframe: string
  timeframeMs: number
  sleeptimeMs: number
  market: MarketSpec
  data: DataSpec
  broker: BrokerSpec
  backtest: {start?: string; end?: string}
  /** The HTML report: indicator outputs drawn over the price chart. Presentation only (not in spec_hash). */
  report?: {overlay: string[]}
  live: {
    /** `replay`: bars from the store at `speed` from `start`; `exchange`: the exchange's bars (live.exchange). */
    feed: {type: 'replay' | 'exchange'; speed: number; start?: string; staleAfterMs?: number; clock?: 'wall' | 'bars'}
    /** `paper`: the backtest's simulated broker on the feed's bars; `exchange`: real orders (live.exchange). */
    broker: {type: 'paper' | 'exchange'}
    /** Where `exchange` feeds and brokers connect; required when either is `exchange`. */
    exchange?: ExchangeSpec
    notify?: {webhookEnv?: string; events: string[]}
  }
}

/** A ccxt exchange connection as a spec declares it. Secrets are never here: only env var names. */
export interface ExchangeSpec {
  /** A ccxt exchange id (`binance`). */
  id: string
  /** `sandbox`: the exchange's testnet (ccxt `setSandboxMode(true)`, set before anything else). */
  mode: 'live' | 'sandbox'
  /** Replaces scheme, host and port of every REST URL in ccxt's `urls.api` (paths kept). */
  apiUrl?: string
  /** The same for every WebSocket URL. */
  wsUrl?: string
  /** Names of the environment variables holding the API key and secret (and a passphrase where the exchange has one). */
  credentialsEnv?: {key: string; secret: string; password?: string}
}
