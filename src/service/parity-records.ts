/**
 * What `bots parity` compares, read from the DuckDB registry: the bars, orders and fills a bot
 * recorded in its current run under its current spec (see parity.ts).
 */
import type {DuckDBConnection} from '@duckdb/node-api'
import type {LiveBar} from '../live/runtime-types.js'
import type {Fill, Order} from '../model/orders.js'
import type {ParityRecords} from './registry/registry.js'
import {getBot} from './bot-rows.js'

export async function parityRecords(conn: DuckDBConnection, id: number): Promise<ParityRecords> {
  const row = await getBot(conn, id)
  const run = await currentRun(conn, id, row.specHash)
  const params = {id, run, hash: row.specHash}
  const state = (await conn.runAndReadAll(`SELECT state FROM bot_state WHERE bot_id = $id AND run = $run AND spec_hash = $hash ORDER BY saved_at DESC LIMIT 1`, params)).getRowObjectsJS()[0]
  return {row, run, ...(await recorded(conn, params)), specsInRun: await distinctSpecs(conn, id, run), ...warmEndOf(state?.state)}
}

/** `warmEnd` of a saved BotState (its JSON text or, from PostgreSQL, its object), when it has one. */
export function warmEndOf(state: unknown): {warmEnd?: number} {
  const s = typeof state === 'string' ? (JSON.parse(state) as {warmEnd?: unknown}) : (state as {warmEnd?: unknown} | undefined)
  return typeof s?.warmEnd === 'number' ? {warmEnd: s.warmEnd} : {}
}

async function currentRun(conn: DuckDBConnection, id: number, hash: string): Promise<number> {
  const r = await conn.runAndReadAll(`SELECT coalesce(max(run), 0)::INTEGER AS run FROM bot_bars WHERE bot_id = $id AND spec_hash = $hash`, {id, hash})
  return r.getRowObjectsJS()[0].run as number
}

async function distinctSpecs(conn: DuckDBConnection, id: number, run: number): Promise<number> {
  const r = await conn.runAndReadAll(`SELECT count(DISTINCT spec_hash)::INTEGER AS n FROM bot_bars WHERE bot_id = $id AND run = $run`, {id, run})
  return r.getRowObjectsJS()[0].n as number
}

async function recorded(conn: DuckDBConnection, p: {id: number; run: number; hash: string}): Promise<{bars: LiveBar[]; orders: Order[]; fills: Fill[]}> {
  const rows = async (sql: string) => (await conn.runAndReadAll(sql, p)).getRowObjectsJS()
  // A bar recorded again after a restart (the process killed before its checkpoint) is one bar: found by an audit counting 258 of 252.
  const bars = (await rows(`SELECT DISTINCT ON (symbol, ts) symbol, epoch_ms(ts)::DOUBLE AS t, epoch_ms(close_ts)::DOUBLE AS c, open, high, low, close, volume
    FROM bot_bars WHERE bot_id = $id AND run = $run AND spec_hash = $hash ORDER BY ts, symbol`))
    .map((r) => ({symbol: String(r.symbol), time: r.t as number, closeTime: r.c as number, open: r.open as number, high: r.high as number, low: r.low as number, close: r.close as number, volume: r.volume as number}))
  const orders = (await rows(`SELECT order_id::DOUBLE AS id, symbol, side, quantity, type, limit_price, stop_price, epoch_ms(created_ts)::DOUBLE AS t
    FROM bot_orders WHERE bot_id = $id AND run = $run AND spec_hash = $hash ORDER BY order_id`))
    .map((r) => ({id: r.id, symbol: r.symbol, side: r.side, quantity: r.quantity, type: r.type, limitPrice: r.limit_price ?? undefined, stopPrice: r.stop_price ?? undefined, createdAt: r.t, timeInForce: 'gtc', status: 'filled'}) as Order)
  const fills = (await rows(`SELECT order_id::DOUBLE AS o, fill_seq, trade_id, symbol, side, quantity, price, commission, epoch_ms(fill_time)::DOUBLE AS t FROM bot_trades
    WHERE bot_id = $id AND run = $run AND order_id IN (SELECT order_id FROM bot_orders WHERE bot_id = $id AND run = $run AND spec_hash = $hash) ORDER BY fill_time, order_id, fill_seq`))
    .map((r) => ({orderId: r.o as number, symbol: String(r.symbol), side: r.side as Fill['side'], quantity: r.quantity as number, price: r.price as number, commission: r.commission as number, time: r.t as number,
      ...(r.trade_id == null ? {} : {tradeId: String(r.trade_id), tradeSeq: Number(r.fill_seq)})}))
  return {bars, orders, fills}
}
