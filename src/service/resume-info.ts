/**
 * What a service needs to start bots where they left off: each bot's saved state and the highest
 * run it has used (a fresh start takes the next). One query for any number of bots, since a
 * service starting a hundred bots should not open the store a hundred times.
 */
import type {DuckDBConnection} from '@duckdb/node-api'

export interface ResumeInfo {
  saved?: {run: number; specHash: string; state: unknown}
  /** 0 before any run. */
  lastRun: number
  /** The highest order id recorded per run (exchange bots look those orders up before sending them). */
  maxOrderIds: Record<number, number>
  /** PostgreSQL registry: the client order id each recorded order of the latest run was sent with (ids carry the sender's lease epoch). */
  clientIds?: Record<number, Record<number, string[]>>
}

export async function loadResumeInfo(conn: DuckDBConnection, userId: number, ids: number[]): Promise<Map<number, ResumeInfo>> {
  const out = new Map<number, ResumeInfo>(ids.map((id) => [id, {lastRun: 0, maxOrderIds: {}}]))
  if (ids.length === 0) return out
  // Ids are integers from the registry; inlined so one statement serves them all.
  const list = ids.filter(Number.isInteger).join(', ')
  const states = (await conn.runAndReadAll(`SELECT bot_id::DOUBLE AS id, run, spec_hash, state FROM bot_state WHERE user_id = $user AND bot_id IN (${list})`, {user: userId})).getRowObjectsJS()
  for (const r of states) out.get(r.id as number)!.saved = {run: r.run as number, specHash: String(r.spec_hash), state: JSON.parse(String(r.state))}
  const runs = (await conn.runAndReadAll(
    `SELECT bot_id::DOUBLE AS id, max(run)::INTEGER AS run FROM (
       SELECT bot_id, run FROM bot_trades WHERE user_id = $user AND bot_id IN (${list})
       UNION ALL SELECT bot_id, run FROM bot_state WHERE user_id = $user AND bot_id IN (${list})
       UNION ALL SELECT bot_id, max(run) FROM bot_bars WHERE user_id = $user AND bot_id IN (${list}) GROUP BY bot_id
     ) GROUP BY bot_id`, {user: userId})).getRowObjectsJS()
  for (const r of runs) out.get(r.id as number)!.lastRun = r.run as number
  const orders = (await conn.runAndReadAll(
    `SELECT bot_id::DOUBLE AS id, run, max(order_id)::DOUBLE AS top FROM bot_orders WHERE user_id = $user AND bot_id IN (${list}) GROUP BY bot_id, run`, {user: userId})).getRowObjectsJS()
  for (const r of orders) out.get(r.id as number)!.maxOrderIds[r.run as number] = r.top as number
  return out
}
