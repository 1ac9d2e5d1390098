/**
 * One flush of the recorder: every queued row, written in one transaction for one user.
 */
import type {DuckDBConnection} from '@duckdb/node-api'
import type {BotStatus} from './bot-rows.js'
import {renewLease, type Lease} from './lease.js'
import {appendEvents, insertBars, insertMetrics, insertOrders, insertTrades, saveStates, type BarRecord, type EventRecord, type MetricsRecord, type OrderRecord, type StateRecord, type TradeRecord} from './records.js'

export interface BotStatusUpdate {
  status?: BotStatus
  /** undefined: leave as is; null: clear. */
  error?: string | null
}

export interface Batch {
  trades: TradeRecord[]
  orders: OrderRecord[]
  bars: BarRecord[]
  metrics: MetricsRecord[]
  events: EventRecord[]
  states: Map<number, StateRecord>
  statuses: Map<number, BotStatusUpdate>
  heartbeats: Set<number>
  /** Renew the service's lease on its user (with each heartbeat). */
  lease?: Lease
}

export const emptyBatch = (): Batch => ({trades: [], orders: [], bars: [], metrics: [], events: [], states: new Map(), statuses: new Map(), heartbeats: new Set()})

export function isEmpty(b: Batch): boolean {
  return !b.lease && !b.trades.length && !b.orders.length && !b.bars.length && !b.metrics.length && !b.events.length && !b.states.size && !b.statuses.size && !b.heartbeats.size
}

export function rowCount(b: Batch): number {
  return b.trades.length + b.orders.length + b.bars.length + b.metrics.length + b.events.length + b.states.size + b.statuses.size + b.heartbeats.size
}

export async function writeBatch(conn: DuckDBConnection, userId: number, b: Batch, now: number): Promise<void> {
  // The user's bots as they are now: rows for anything else (removed meanwhile) are dropped.
  const ids = new Set((await conn.runAndReadAll('SELECT id::DOUBLE AS id FROM bots WHERE user_id = $user', {user: userId})).getRowObjectsJS().map((r) => r.id as number))
  const mine = <T extends {botId: number}>(rows: Iterable<T>) => [...rows].filter((r) => ids.has(r.botId) && (r as {userId?: number}).userId === userId)
  await insertTrades(conn, mine(b.trades), now)
  await insertOrders(conn, mine(b.orders))
  await insertBars(conn, mine(b.bars))
  await insertMetrics(conn, mine(b.metrics))
  await appendEvents(conn, mine(b.events))
  await saveStates(conn, mine(b.states.values()))
  for (const [id, u] of b.statuses) {
    if (!ids.has(id)) continue
    const sets = ['updated_at = make_timestamp_ms($now::BIGINT)']
    const params: Record<string, string | number | null> = {id, user: userId, now}
    if (u.status !== undefined) {
      sets.push('status = $status')
      params.status = u.status
    }
    if (u.error !== undefined) {
      sets.push('error = $error')
      params.error = u.error
    }
    await conn.run(`UPDATE bots SET ${sets.join(', ')} WHERE id = $id AND user_id = $user`, params)
  }
  if (b.lease) await renewLease(conn, b.lease, now)
  const beats = [...b.heartbeats].filter((id) => ids.has(id) && Number.isInteger(id))
  if (beats.length) {
    // Ids are integers from the registry itself, so the list is inlined (one statement for all bots).
    await conn.run(`UPDATE bots SET heartbeat_at = make_timestamp_ms($now::BIGINT) WHERE user_id = $user AND id IN (${beats.join(', ')})`, {user: userId, now})
  }
}
