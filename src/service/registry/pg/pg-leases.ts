/**
 * Bots leased to `bots live` processes. A lease row per bot: the holder (a process), its host and
 * pid, an `epoch` that grows with every claim and never starts over, and an expiry written from the
 * claiming process's clock (machines are expected to keep NTP time; the TTL must exceed their skew).
 *
 * - claim: `SELECT … FOR UPDATE OF bots SKIP LOCKED` picks enabled bots nobody holds (no lease,
 *   a released one, or an expired one); concurrent claimers skip each other's rows instead of
 *   waiting, and the upsert re-checks the lease under its row lock, so a bot is never claimed twice.
 * - renew: only rows still naming this holder, at the epoch it claimed, and not yet expired.
 * - release: the holder is cleared and the expiry set to the epoch start; the epoch stays.
 * - processes: each live process keeps a `service_processes` row alive with its renewals, which is
 *   how the others know how many share the work.
 */
import {notifyChange, type PgDb} from './pg-db.js'
import type {Held, Scope} from '../registry.js'

export interface Holder {
  holder: string
  host: string
  pid: number
}

export interface Claim {
  id: number
  userId: number
  epoch: number
  /** The process that held it before, when its lease had expired (a takeover), else undefined. */
  from?: {holder: string; host: string | null; pid: number | null}
}

export async function joinProcess(db: PgDb, p: Holder, scope: Scope, now: number, ttlMs: number): Promise<void> {
  await db.tx(async (c) => {
    await c.query(`INSERT INTO service_processes (holder, host, pid, user_id, started_at, expires_at) VALUES ($1, $2, $3, $4, to_timestamp($5::float8 / 1000), to_timestamp($6::float8 / 1000))
      ON CONFLICT (holder) DO UPDATE SET expires_at = excluded.expires_at`,
    [p.holder, p.host, p.pid, scope.userId ?? null, now, now + ttlMs])
    // Processes gone for an hour are forgotten.
    await c.query(`DELETE FROM service_processes WHERE expires_at < to_timestamp(($1::float8 - 3600000) / 1000)`, [now])
    await notifyChange(c, {user: scope.userId, what: 'joined'})
  })
}

export async function leaveProcess(db: PgDb, p: Holder, scope: Scope): Promise<void> {
  await db.tx(async (c) => {
    await c.query(`UPDATE bot_leases SET holder = NULL, host = NULL, pid = NULL, expires_at = to_timestamp(0) WHERE holder = $1`, [p.holder])
    await c.query(`DELETE FROM service_processes WHERE holder = $1`, [p.holder])
    await notifyChange(c, {user: scope.userId, what: 'left'})
  })
}

/** Renews the process row and every lease it holds; returns the bots it no longer holds. */
export async function renewLeases(db: PgDb, p: Holder, scope: Scope, held: Held, now: number, ttlMs: number): Promise<number[]> {
  return db.tx(async (c) => {
    await c.query(`INSERT INTO service_processes (holder, host, pid, user_id, started_at, expires_at) VALUES ($1, $2, $3, $4, to_timestamp($5::float8 / 1000), to_timestamp($6::float8 / 1000))
      ON CONFLICT (holder) DO UPDATE SET expires_at = excluded.expires_at`, [p.holder, p.host, p.pid, scope.userId ?? null, now, now + ttlMs])
    if (held.size === 0) return []
    const ids = [...held.keys()]
    const r = await c.query(
      `UPDATE bot_leases l SET expires_at = to_timestamp($4::float8 / 1000)
       FROM unnest($1::bigint[], $2::bigint[]) AS h(id, epoch)
       WHERE l.bot_id = h.id AND l.epoch = h.epoch AND l.holder = $3 AND l.expires_at > to_timestamp($5::float8 / 1000)
       RETURNING l.bot_id`,
      [ids, ids.map((id) => held.get(id)), p.holder, now + ttlMs, now])
    const kept = new Set(r.rows.map((x) => Number(x.bot_id)))
    return ids.filter((id) => !kept.has(id))
  })
}

/** Claims up to `n` enabled bots of the scope that nobody holds. */
export async function claimBots(db: PgDb, p: Holder, scope: Scope, n: number, now: number, ttlMs: number): Promise<Claim[]> {
  if (n <= 0) return []
  return db.tx(async (c) => {
    const free = await c.query(
      `SELECT b.id, b.user_id, l.holder, l.host, l.pid FROM bots b LEFT JOIN bot_leases l ON l.bot_id = b.id
       WHERE b.enabled AND ($1::bigint IS NULL OR b.user_id = $1)
         AND (l.bot_id IS NULL OR l.holder IS NULL OR l.expires_at <= to_timestamp($2::float8 / 1000))
       ORDER BY b.id LIMIT $3 FOR UPDATE OF b SKIP LOCKED`,
      [scope.userId ?? null, now, n])
    if (free.rows.length === 0) return []
    const r = await c.query(
      `INSERT INTO bot_leases (bot_id, holder, host, pid, epoch, claimed_at, expires_at)
       SELECT id, $2, $3, $4, 1, to_timestamp($5::float8 / 1000), to_timestamp($6::float8 / 1000) FROM unnest($1::bigint[]) AS x(id)
       ON CONFLICT (bot_id) DO UPDATE SET holder = excluded.holder, host = excluded.host, pid = excluded.pid,
         epoch = bot_leases.epoch + 1, claimed_at = excluded.claimed_at, expires_at = excluded.expires_at
       WHERE bot_leases.holder IS NULL OR bot_leases.expires_at <= to_timestamp($5::float8 / 1000)
       RETURNING bot_id, epoch`,
      [free.rows.map((x) => Number(x.id)), p.holder, p.host, p.pid, now, now + ttlMs])
    const before = new Map(free.rows.map((x) => [Number(x.id), x]))
    return r.rows.map((x) => {
      const id = Number(x.bot_id)
      const prev = before.get(id)!
      return {id, userId: Number(prev.user_id), epoch: Number(x.epoch), ...(prev.holder ? {from: {holder: prev.holder, host: prev.host, pid: prev.pid === null ? null : Number(prev.pid)}} : {})}
    })
  })
}

export async function releaseBots(db: PgDb, p: Holder, ids: number[], scope: Scope): Promise<void> {
  if (ids.length === 0) return
  await db.tx(async (c) => {
    await c.query(`UPDATE bot_leases SET holder = NULL, host = NULL, pid = NULL, expires_at = to_timestamp(0) WHERE holder = $1 AND bot_id = ANY($2)`, [p.holder, ids])
    await notifyChange(c, {user: scope.userId, what: 'released'})
  })
}

/**
 * How the work is shared now: live processes that can take every bot of this scope, its enabled
 * bots, how many nobody holds, and the fewest bots any of those processes holds (a starved
 * newcomer). For all users that is the other all-users processes only: counting a process of one
 * user, which can take only that user's bots, would cap this one's share below what the other
 * users' bots need, and those would be run by nobody. (Processes of both kinds on one registry: every bot
 * runs, but a user's process may be left with fewer than its share when an all-users one started first.)
 */
export async function share(db: PgDb, scope: Scope, now: number): Promise<{processes: number; enabled: number; free: number; fewest: number}> {
  const capable = (p: string) => `(($1::bigint IS NULL AND ${p}user_id IS NULL) OR ($1::bigint IS NOT NULL AND (${p}user_id IS NULL OR ${p}user_id = $1)))`
  const live = `expires_at > to_timestamp($2::float8 / 1000) AND ${capable('')}`
  const r = await db.pool.query(
    `SELECT
       (SELECT count(*) FROM service_processes WHERE ${live}) AS processes,
       (SELECT count(*) FROM bots WHERE enabled AND ($1::bigint IS NULL OR user_id = $1)) AS enabled,
       (SELECT count(*) FROM bots b LEFT JOIN bot_leases l ON l.bot_id = b.id WHERE b.enabled AND ($1::bigint IS NULL OR b.user_id = $1)
          AND (l.bot_id IS NULL OR l.holder IS NULL OR l.expires_at <= to_timestamp($2::float8 / 1000))) AS free,
       (SELECT min(n) FROM (SELECT p.holder, count(x.bot_id) AS n FROM service_processes p
          LEFT JOIN (SELECT l.bot_id, l.holder FROM bot_leases l JOIN bots b ON b.id = l.bot_id
                     WHERE b.enabled AND ($1::bigint IS NULL OR b.user_id = $1) AND l.expires_at > to_timestamp($2::float8 / 1000)) x ON x.holder = p.holder
          WHERE p.expires_at > to_timestamp($2::float8 / 1000) AND ${capable('p.')} GROUP BY p.holder) h) AS fewest`,
    [scope.userId ?? null, now])
  const x = r.rows[0]
  return {processes: Math.max(1, Number(x.processes)), enabled: Number(x.enabled), free: Number(x.free), fewest: Number(x.fewest ?? 0)}
}

/**
 * How many bots a process should give back (> 0) or may claim (< 0, when some are free), holding
 * `held`: at most ⌈E / P⌉ each (1000 bots over 3 processes: 334/333/333, never 334/334/332).
 * While some process holds fewer than ⌊E / P⌋, free bots are claimed only up to ⌊E / P⌋, and one
 * above it gives the extra back only when no bot is free: so no process takes a bot that another
 * then has to give back. (Claiming up to ⌈E / P⌉ meanwhile made a bot just given back come
 * straight back to the process that gave it, stopping and starting it, for as long as that process
 * polled first.) Bots do not move otherwise: a process that merely comes back is not handed bots
 * another process runs well.
 */
export function rebalance(held: number, s: {processes: number; enabled: number; free: number; fewest: number}): number {
  const floor = Math.floor(s.enabled / s.processes)
  const ceil = Math.ceil(s.enabled / s.processes)
  const someoneShort = s.fewest < floor
  if (held > ceil) return held - ceil
  if (held > floor && someoneShort && s.free === 0) return held - floor
  const target = someoneShort ? floor : ceil
  if (held < target && s.free > 0) return -(target - held)
  return 0
}
