/**
 * What `bots status`, `bots trades` and `bots logs` read. Read-only queries; callers open the
 * store read-only (several readers may share it while the service is between writes).
 */
import type {DuckDBConnection} from '@duckdb/node-api'
import type {BotState} from '../live/runtime-types.js'
import {accountFigures} from './bot-metrics.js'
import {findBot, getBot, listBots, type BotRow} from './bot-rows.js'

export interface BotStatusView {
  id: number
  userId: number
  name: string
  enabled: boolean
  status: BotRow['status']
  error: string | null
  heartbeatAt: string | null
  updatedAt: string
  equity: number | null
  cash: number | null
  pnl: number | null
  positions: Record<string, number>
  /** When the figures above were saved (the bot's last recorded state). */
  stateAt: string | null
  trades: number
  /** The latest crash or error event, even when the bot has recovered since. */
  lastError: {at: string; kind: string; message: string | null} | null
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

export async function botStatus(conn: DuckDBConnection, id?: number, userId?: number): Promise<BotStatusView[]> {
  const rows = id === undefined ? await listBots(conn, {userId}) : [await getBot(conn, id, userId)]
  const out: BotStatusView[] = []
  for (const b of rows) {
    // The saved state is at most a second or so old while the bot runs; metrics snapshots are sparser.
    const st = (await conn.runAndReadAll(`SELECT state, epoch_ms(saved_at)::DOUBLE AS at FROM bot_state WHERE bot_id = $id`, {id: b.id})).getRowObjectsJS()[0]
    const m = st ? {...accountFigures(JSON.parse(String(st.state)) as BotState), at: st.at as number} : undefined
    const n = (await conn.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM bot_trades WHERE bot_id = $id`, {id: b.id})).getRowObjectsJS()[0].n as number
    const e = (await conn.runAndReadAll(
      `SELECT epoch_ms(ts)::DOUBLE AS at, kind, message FROM bot_events WHERE bot_id = $id AND kind IN ('crash', 'error') ORDER BY id DESC LIMIT 1`, {id: b.id},
    )).getRowObjectsJS()[0]
    out.push({
      id: b.id, userId: b.userId, name: b.name, enabled: b.enabled, status: b.status, error: b.error,
      heartbeatAt: iso(b.heartbeatAt), updatedAt: iso(b.updatedAt)!,
      equity: m?.equity ?? null, cash: m?.cash ?? null, pnl: m?.pnl ?? null,
      positions: m?.positions ?? {}, stateAt: iso(m?.at ?? null),
      trades: n,
      lastError: e ? {at: iso(e.at as number)!, kind: String(e.kind), message: e.message === null ? null : String(e.message)} : null,
    })
  }
  return out
}

export interface TradeView {
  /** A bot's fresh starts are numbered; order ids start over in each (see schema.ts). */
  run: number
  orderId: number
  fillSeq: number
  time: string
  symbol: string
  side: string
  quantity: number
  price: number
  commission: number
}

export async function botTrades(conn: DuckDBConnection, id: number, limit?: number): Promise<TradeView[]> {
  await getBot(conn, id)
  const rows = (await conn.runAndReadAll(
    `SELECT run, order_id::DOUBLE AS o, fill_seq AS s, epoch_ms(fill_time)::DOUBLE AS t, symbol, side, quantity, price, commission
     FROM bot_trades WHERE bot_id = $id ORDER BY run, fill_time, order_id, fill_seq ${limit ? `LIMIT ${Math.trunc(limit)}` : ''}`,
    {id},
  )).getRowObjectsJS()
  return rows.map((r) => ({run: r.run as number, orderId: r.o as number, fillSeq: r.s as number, time: iso(r.t as number)!, symbol: String(r.symbol), side: String(r.side), quantity: r.quantity as number, price: r.price as number, commission: r.commission as number}))
}

export interface EventView {
  at: string
  kind: string
  message: string | null
}

/** The latest `limit` events, oldest first. */
export async function botEvents(conn: DuckDBConnection, id: number, limit = 100): Promise<EventView[]> {
  await getBot(conn, id)
  const rows = (await conn.runAndReadAll(
    `SELECT * FROM (SELECT epoch_ms(ts)::DOUBLE AS at, kind, message, id FROM bot_events WHERE bot_id = $id ORDER BY id DESC LIMIT ${Math.trunc(limit)}) ORDER BY id`,
    {id},
  )).getRowObjectsJS()
  return rows.map((r) => ({at: iso(r.at as number)!, kind: String(r.kind), message: r.message === null ? null : String(r.message)}))
}

export {findBot, listBots}
