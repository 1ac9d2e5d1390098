/**
 * Appending what the live service records: fills, orders, bars, metrics snapshots, events and
 * bot state. Plain functions over one connection inside the caller's transaction. Fills, orders
 * and bars are keyed, so writing the same one twice (re-delivered after a resume) is a no-op.
 */
import type {DuckDBConnection} from '@duckdb/node-api'
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
}

export function insertTrades(conn: DuckDBConnection, trades: TradeRecord[], at: number): Promise<void> {
  return insertRows(conn, 'bot_trades',
    ['bot_id', 'user_id', 'run', 'order_id', 'fill_seq', 'symbol', 'side', 'quantity', 'price', 'commission', ts('fill_time'), ts('recorded_at')],
    trades.map((t) => [t.botId, t.userId, t.run, t.orderId, t.fillSeq, t.symbol, t.side, t.quantity, t.price, t.commission, ms(t.time), ms(at)]))
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
}

export function insertOrders(conn: DuckDBConnection, orders: OrderRecord[]): Promise<void> {
  return insertRows(conn, 'bot_orders',
    ['bot_id', 'user_id', 'run', 'spec_hash', 'order_id', 'symbol', 'side', 'quantity', 'type', 'limit_price', 'stop_price', ts('created_ts')],
    orders.map((o) => [o.botId, o.userId, o.run, o.specHash, o.orderId, o.symbol, o.side, o.quantity, o.type, num(o.limitPrice), num(o.stopPrice), ms(o.createdAt)]))
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
  return insertRows(conn, 'bot_bars',
    ['bot_id', 'user_id', 'run', 'spec_hash', 'symbol', ts('ts'), ts('close_ts'), 'open', 'high', 'low', 'close', 'volume'],
    bars.map((b) => [b.botId, b.userId, b.run, b.specHash, b.symbol, ms(b.time), ms(b.closeTime), b.open, b.high, b.low, b.close, b.volume]))
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
  return insertRows(conn, 'bot_metrics', ['bot_id', 'user_id', ts('ts'), 'equity', 'cash', 'positions', 'pnl'],
    rows.map((m) => [m.botId, m.userId, ms(m.at), num(m.equity) ?? 0, num(m.cash) ?? 0, JSON.stringify(m.positions), num(m.pnl) ?? 0]), '')
}

export type EventKind =
  | 'added' | 'updated' | 'enabled' | 'disabled'
  | 'start' | 'resume' | 'stop' | 'crash' | 'restart' | 'reload' | 'error' | 'feed-stale' | 'feed-end' | 'notify-failed'

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

export function saveStates(conn: DuckDBConnection, states: StateRecord[]): Promise<void> {
  return insertRows(conn, 'bot_state', ['bot_id', 'user_id', 'run', 'spec_hash', 'state', ts('saved_at')],
    states.map((s) => [s.botId, s.userId, s.run, s.specHash, JSON.stringify(s.state), ms(s.at)]),
    'ON CONFLICT (bot_id) DO UPDATE SET run = excluded.run, spec_hash = excluded.spec_hash, state = excluded.state, saved_at = excluded.saved_at')
}

/** The bot's saved state, if any (for this user only). */
export async function loadState(conn: DuckDBConnection, botId: number, userId: number): Promise<{run: number; specHash: string; state: unknown} | undefined> {
  const r = (await conn.runAndReadAll(`SELECT run, spec_hash, state FROM bot_state WHERE bot_id = $bot AND user_id = $user`, {bot: botId, user: userId})).getRowObjectsJS()[0]
  return r ? {run: r.run as number, specHash: String(r.spec_hash), state: JSON.parse(String(r.state))} : undefined
}

/** The highest run a bot has used (0 before any), so a fresh start takes the next one. */
export async function lastRun(conn: DuckDBConnection, botId: number): Promise<number> {
  const r = await conn.runAndReadAll(
    `SELECT greatest(coalesce((SELECT max(run) FROM bot_trades WHERE bot_id = $bot), 0), coalesce((SELECT max(run) FROM bot_state WHERE bot_id = $bot), 0),
       coalesce((SELECT max(run) FROM bot_bars WHERE bot_id = $bot), 0))::INTEGER AS run`, {bot: botId})
  return r.getRowObjectsJS()[0].run as number
}
