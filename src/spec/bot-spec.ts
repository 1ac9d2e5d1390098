/**
 * The typed, defaults-applied form of a bot spec. Built only from a document that passed the
 * schema (see `validate-spec.ts`), so this module trusts shapes and just converts units.
 */
import path from 'node:path'
import {parseDuration} from '../core/duration.js'

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
  live: {
    feed: {type: 'replay'; speed: number; start?: string; staleAfterMs?: number}
    broker: {type: 'paper'}
    notify?: {webhookEnv?: string; events: string[]}
  }
}

type Raw = Record<string, any>

export function toBotSpec(raw: Raw, file?: string): BotSpec {
  const baseDir = file ? path.dirname(file) : process.cwd()
  const resolve = (p: string) => path.resolve(baseDir, p)
  const timeframeMs = parseDuration(raw.timeframe)
  const symbols: string[] = raw.symbols
  const data: Raw = raw.data ?? {source: 'store'}
  const broker: Raw = raw.broker ?? {}
  const commission: Raw = broker.commission ?? {}
  const live: Raw = raw.live ?? {}
  const feed: Raw = live.feed ?? {}
  const market = raw.market ?? '24/7'

  return {
    name: raw.name,
    description: raw.description,
    userId: raw.user_id,
    file,
    strategy: {
      name: raw.strategy.name,
      path: raw.strategy.path === undefined ? undefined : resolve(raw.strategy.path),
      params: raw.strategy.params ?? {},
    },
    symbols,
    timeframe: raw.timeframe,
    timeframeMs,
    sleeptimeMs: raw.sleeptime === undefined ? timeframeMs : parseDuration(raw.sleeptime),
    market:
      typeof market === 'string'
        ? (market as MarketSpec)
        : {days: ['mon', 'tue', 'wed', 'thu', 'fri'], holidays: [], ...market},
    data:
      (data.source ?? 'store') === 'store'
        ? {source: 'store', db: data.db === undefined ? undefined : resolve(data.db)}
        : {
            source: 'file',
            db: data.db === undefined ? undefined : resolve(data.db),
            files: data.files
              ? Object.fromEntries(Object.entries(data.files as Record<string, string>).map(([s, p]) => [s, resolve(p)]))
              : Object.fromEntries(symbols.map((s) => [s, resolve(data.path)])),
            format: data.format,
            timezone: data.timezone,
            columns: data.columns,
            timeLabel: data.time_label ?? 'open',
          },
    broker: {
      cash: broker.cash ?? 100_000,
      commission: {
        perShare: commission.per_share ?? 0,
        percent: commission.percent ?? 0,
        fixed: commission.fixed ?? 0,
        minimum: commission.minimum ?? 0,
      },
      slippageBps: broker.slippage_bps ?? 0,
      allowShort: broker.allow_short ?? true,
      fillPrice: broker.fill_price ?? 'next_open',
    },
    backtest: {start: raw.backtest?.start, end: raw.backtest?.end},
    live: {
      feed: {
        type: 'replay',
        speed: feed.speed ?? 1,
        start: feed.start,
        staleAfterMs: feed.stale_after === undefined ? undefined : parseDuration(feed.stale_after),
      },
      broker: {type: 'paper'},
      notify: live.notify
        ? {webhookEnv: live.notify.webhook_env, events: live.notify.events ?? ['fill', 'crash', 'error']}
        : undefined,
    },
  }
}

/** Time zone in which a market's dates and naive timestamps are read. */
export function marketTimezone(market: MarketSpec): string {
  if (market === '24/7') return 'UTC'
  if (market === 'NYSE') return 'America/New_York'
  return market.timezone
}
