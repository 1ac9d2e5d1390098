/**
 * Appending what the live service records: fills, orders, bars, metrics snapshots, events and
 * bot state. Plain functions over one connection inside the caller's transaction. Fills and
 * orders are keyed, so writing the same one twice (re-delivered after a resume) is a no-op.
 */
import type {DuckDBConnection} from '@duckdb/node-api'
import {appendRows} from '../data/append-rows.js'
import {insertRows, ts} from './insert-rows.js'

/** NaN or Infinity (no price seen yet) would poison sums and JSON output; store null. */
const num = (v: number | undefined | null) => (v === undefined || v === null || !Number.isFinite(v) ? null : v)
const ms = (v: number) => Math.round(v)

export interface TradeRecord {
  botId: number
  userId: number
  run: number
  orderId: number
  /** The bot's all-time fill number (BotState.fillCount after the fill): stable across resumes. */
  fillSeq: number
  symbol: string
  side: string
  quantity: number
  price: number
  commission: number
  /** Epoch ms of the fill. */
  time: number
  /** Exchange fills: the exchange's trade id. */
  tradeId?: string
}

export function insertTrades(conn: DuckDBConnection, trades: TradeRecord[], at: number): Promise<void> {
  return insertRows(conn, 'bot_trades',
    ['bot_id', 'user_id', 'run', 'order_id', 'fill_seq', 'symbol', 'side', 'quantity', 'price', 'commission', ts('fill_time'), ts('recorded_at'), 'trade_id'],
    trades.map((t) => [t.botId, t.userId, t.run, t.orderId, t.fillSeq, t.symbol, t.side, t.quantity, t.price, t.commission, ms(t.time), ms(at), t.tradeId ?? null]))
}

export interface OrderRecord {
  botId: number
  userId: number
  run: number
  specHash: string
  orderId: number
  symbol: string
  side: string
  quantity: number
  type: string
  limitPrice?: number
  stopPrice?: number
  createdAt: number
  /** Exchange orders: the client order id it is sent with. */
  clientOrderId?: string
}

export function insertOrders(conn: DuckDBConnection, orders: OrderRecord[]): Promise<void> {
  return insertRows(conn, 'bot_orders',
    ['bot_id', 'user_id', 'run', 'spec_hash', 'order_id', 'symbol', 'side', 'quantity', 'type', 'limit_price', 'stop_price', ts('created_ts'), 'client_order_id'],
    orders.map((o) => [o.botId, o.userId, o.run, o.specHash, o.orderId, o.symbol, o.side, o.quantity, o.type, num(o.limitPrice), num(o.stopPrice), ms(o.createdAt), o.clientOrderId ?? null]))
}

export interface BarRecord {
  botId: number
  userId: number
  run: number
  specHash: string
  symbol: string
  time: number
  closeTime: number
  open: number
  high: number
  low: number
  close: number
  volume: number
}

export function insertBars(conn: DuckDBConnection, bars: BarRecord[]): Promise<void> {
  return appendRows(conn, 'bot_bars', ['bigint', 'bigint', 'int', 'varchar', 'varchar', 'ts', 'ts', 'double', 'double', 'double', 'double', 'double'],
    bars.map((b) => [b.botId, b.userId, b.run, b.specHash, b.symbol, b.time, b.closeTime, b.open, b.high, b.low, b.close, b.volume]))
}

export interface MetricsRecord {
  botId: number
  userId: number
  at: number
  equity: number
  cash: number
  positions: Record<string, number>
  pnl: number
}

export function insertMetrics(conn: DuckDBConnection, rows: MetricsRecord[]): Promise<void> {
  return appendRows(conn, 'bot_metrics', ['bigint', 'bigint', 'ts', 'double', 'double', 'varchar', 'double'],
    rows.map((m) => [m.botId, m.userId, m.at, num(m.equity) ?? 0, num(m.cash) ?? 0, JSON.stringify(m.positions), num(m.pnl) ?? 0]))
}

export type EventKind =
  | 'added' | 'updated' | 'enabled' | 'disabled'
  | 'start' | 'resume' | 'stop' | 'crash' | 'restart' | 'reload' | 'error' | 'feed-stale' | 'feed-end' | 'notify-failed' | 'order-rejected'
  | 'claim' | 'takeover' | 'release'

export interface EventRecord {
  botId: number
  userId: number
  at: number
  kind: EventKind
  message?: string
}

export function appendEvents(conn: DuckDBConnection, events: EventRecord[]): Promise<void> {
  return insertRows(conn, 'bot_events', ['bot_id', 'user_id', ts('ts'), 'kind', 'message'],
    events.map((e) => [e.botId, e.userId, ms(e.at), e.kind, e.message ?? null]), '')
}

export const appendEvent = (conn: DuckDBConnection, e: EventRecord) => appendEvents(conn, [e])

export interface StateRecord {
  botId: number
  userId: number
  run: number
  specHash: string
  /** The runtime's BotState (plain JSON). */
  state: unknown
  at: number
}

/** Replace each bot's saved state (one row per bot: delete, then append). */
export async function saveStates(conn: DuckDBConnection, states: StateRecord[]): Promise<void> {
  if (states.length === 0) return
  const ids = [...new Set(states.map((s) => s.botId))].filter(Number.isInteger)
  await conn.run(`DELETE FROM bot_state WHERE bot_id IN (${ids.join(', ')})`)
  const latest = [...new Map(states.map((s) => [s.botId, s])).values()]
  await appendRows(conn, 'bot_state', ['bigint', 'bigint', 'int', 'varchar', 'varchar', 'ts'],
    latest.map((s) => [s.botId, s.userId, s.run, s.specHash, JSON.stringify(s.state), s.at]))
}
