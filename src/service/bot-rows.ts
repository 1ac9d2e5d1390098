/**
 * Reading and writing the `bots` registry. Plain functions over one connection; the caller owns
 * the transaction (see `db.ts`). Every lookup can be narrowed to one user, and the service always
 * narrows: a service for user N passes N to every call.
 */
import type {DuckDBConnection} from '@duckdb/node-api'
import {BotsError} from '../core/errors.js'

export type BotStatus = 'stopped' | 'starting' | 'running' | 'error' | 'crashed'

export interface BotRow {
  id: number
  userId: number
  name: string
  spec: string
  specFile: string | null
  specHash: string
  enabled: boolean
  status: BotStatus
  error: string | null
  /** Epoch ms, or null before the first heartbeat. */
  heartbeatAt: number | null
  createdAt: number
  updatedAt: number
}

const COLUMNS = `id::DOUBLE AS id, user_id::DOUBLE AS user_id, name, spec, spec_file, spec_hash, enabled, status, error,
  epoch_ms(heartbeat_at)::DOUBLE AS heartbeat_at, epoch_ms(created_at)::DOUBLE AS created_at, epoch_ms(updated_at)::DOUBLE AS updated_at`

function toRow(r: Record<string, any>): BotRow {
  return {
    id: r.id, userId: r.user_id, name: r.name, spec: r.spec, specFile: r.spec_file, specHash: r.spec_hash, enabled: r.enabled,
    status: r.status, error: r.error, heartbeatAt: r.heartbeat_at, createdAt: r.created_at, updatedAt: r.updated_at,
  }
}

export async function listBots(conn: DuckDBConnection, filter: {userId?: number; enabledOnly?: boolean} = {}): Promise<BotRow[]> {
  const where: string[] = []
  const params: Record<string, number> = {}
  if (filter.userId !== undefined) {
    where.push('user_id = $user')
    params.user = filter.userId
  }
  if (filter.enabledOnly) where.push('enabled')
  const sql = `SELECT ${COLUMNS} FROM bots ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`
  return (await conn.runAndReadAll(sql, params)).getRowObjectsJS().map(toRow)
}

export async function findBot(conn: DuckDBConnection, id: number, userId?: number): Promise<BotRow | undefined> {
  const params: Record<string, number> = {id}
  if (userId !== undefined) params.user = userId
  const sql = `SELECT ${COLUMNS} FROM bots WHERE id = $id ${userId === undefined ? '' : 'AND user_id = $user'}`
  const rows = (await conn.runAndReadAll(sql, params)).getRowObjectsJS()
  return rows.length ? toRow(rows[0]) : undefined
}

/** The bot, or a BotsError that says it does not exist (for that user, when one is given). */
export async function getBot(conn: DuckDBConnection, id: number, userId?: number): Promise<BotRow> {
  const row = await findBot(conn, id, userId)
  if (row) return row
  throw new BotsError(`no bot with id ${id}${userId === undefined ? '' : ` for user ${userId}`}`, {code: 'bot.unknown', hint: '`bots list` shows the bots and their ids'})
}

export interface NewBot {
  userId: number
  name: string
  spec: string
  specFile: string
  specHash: string
  enabled: boolean
  now: number
}

export async function insertBot(conn: DuckDBConnection, b: NewBot): Promise<number> {
  await assertNameFree(conn, b.userId, b.name)
  const r = await conn.runAndReadAll(
    `INSERT INTO bots (user_id, name, spec, spec_file, spec_hash, enabled, status, created_at, updated_at)
     VALUES ($user, $name, $spec, $file, $hash, $enabled, 'stopped', make_timestamp_ms($now::BIGINT), make_timestamp_ms($now::BIGINT))
     RETURNING id::DOUBLE AS id`,
    {user: b.userId, name: b.name, spec: b.spec, file: b.specFile, hash: b.specHash, enabled: b.enabled, now: b.now},
  )
  return r.getRowObjectsJS()[0].id as number
}

/** A new spec for a bot: its name may change, but not to another bot's name of the same user. */
export async function replaceSpec(conn: DuckDBConnection, id: number, b: Omit<NewBot, 'enabled' | 'userId'>): Promise<void> {
  const row = await getBot(conn, id)
  if (row.name !== b.name) await assertNameFree(conn, row.userId, b.name)
  await conn.run(
    `UPDATE bots SET name = $name, spec = $spec, spec_file = $file, spec_hash = $hash, error = NULL,
       updated_at = make_timestamp_ms($now::BIGINT) WHERE id = $id`,
    {id, name: b.name, spec: b.spec, file: b.specFile, hash: b.specHash, now: b.now},
  )
}

export async function setEnabled(conn: DuckDBConnection, id: number, enabled: boolean, now: number): Promise<BotRow> {
  await getBot(conn, id)
  // Enabled again after being disabled: a fresh start, so an old error no longer holds it back.
  await conn.run(
    `UPDATE bots SET enabled = $enabled, updated_at = make_timestamp_ms($now::BIGINT),
       status = CASE WHEN NOT enabled AND $enabled AND status = 'error' THEN 'stopped' ELSE status END,
       error = CASE WHEN NOT enabled AND $enabled THEN NULL ELSE error END
     WHERE id = $id`,
    {id, enabled, now},
  )
  return getBot(conn, id)
}

/** Remove a bot and everything recorded for it. A running service notices at its next poll. */
export async function deleteBot(conn: DuckDBConnection, id: number): Promise<BotRow> {
  const row = await getBot(conn, id)
  for (const table of ['bot_trades', 'bot_metrics', 'bot_events', 'bot_state', 'bot_bars', 'bot_orders', 'bots']) {
    await conn.run(`DELETE FROM ${table} WHERE ${table === 'bots' ? 'id' : 'bot_id'} = $id`, {id})
  }
  return row
}

async function assertNameFree(conn: DuckDBConnection, userId: number, name: string): Promise<void> {
  const r = await conn.runAndReadAll(`SELECT id::DOUBLE AS id FROM bots WHERE user_id = $user AND name = $name`, {user: userId, name})
  const taken = r.getRowObjectsJS()[0]
  if (taken) {
    throw new BotsError(`user ${userId} already has a bot named "${name}" (id ${taken.id})`, {
      code: 'bot.duplicate',
      hint: `change it with \`bots update ${taken.id} SPEC\`, or give this spec another name`,
    })
  }
}
