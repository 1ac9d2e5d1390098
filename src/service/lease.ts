/**
 * One service per user. Two `bots live` for the same user would run every bot twice (two sets of
 * orders), so a service holds a lease on its user: a row with its pid, host, process start time
 * and a heartbeat it renews. Another service for that user refuses to start while the lease is
 * alive. On the same host a lease lives exactly as long as its process: the PID runs and started
 * when the lease says (a PID reused by another process does not count). Elsewhere, or without
 * /proc, it lives until its heartbeat is older than the holder's own staleness bound (`stale_ms`:
 * three of its heartbeat intervals, at least 15 s). Found by an audit: the bound was the newcomer's,
 * so a service started with --heartbeat-interval 120 was taken for dead after 15 s by a second one,
 * and both then ran the same bots. Table: schema.ts.
 */
import {hostname} from 'node:os'
import type {DuckDBConnection} from '@duckdb/node-api'
import {BotsError} from '../core/errors.js'
import {isZombie, processStart} from './process-start.js'

export interface Lease {
  userId: number
  pid: number
  host: string
  /** This process's start time (process-start.ts), when the platform says it. */
  start?: string
}

export const ownLease = (userId: number): Lease => ({userId, pid: process.pid, host: hostname(), start: processStart(process.pid)})

/** `staleMs`: this service's own bound (three heartbeats), written in its lease for the others to go by. */
export async function acquireLease(conn: DuckDBConnection, lease: Lease, now: number, staleMs: number): Promise<void> {
  const rows = (await conn.runAndReadAll(
    `SELECT pid, host, epoch_ms(heartbeat_at)::DOUBLE AS hb, stale_ms, proc_start FROM service_leases WHERE user_id = $user`,
    {user: lease.userId},
  )).getRowObjectsJS()
  for (const r of rows) {
    const held: Held = {pid: r.pid as number, host: String(r.host), heartbeat: r.hb as number, staleMs: r.stale_ms === null ? staleMs : Number(r.stale_ms), start: r.proc_start === null ? undefined : String(r.proc_start)}
    const mine = held.pid === lease.pid && held.host === lease.host
    if (mine || !alive(held, now, lease.host)) continue
    const ago = Math.round((now - held.heartbeat) / 1000)
    throw new BotsError(`user ${lease.userId}'s bots are already run by another \`bots live\` (PID ${held.pid} on ${held.host}, heartbeat ${ago} s ago)`, {
      code: 'service.running',
      hint: held.host === lease.host ? `stop it first (kill ${held.pid})` : `stop it first; if it died, its lease expires ${Math.round(held.staleMs / 1000)} s after its last heartbeat`,
    })
  }
  await conn.run(`DELETE FROM service_leases WHERE user_id = $user`, {user: lease.userId})
  await conn.run(
    `INSERT INTO service_leases (user_id, pid, host, started_at, heartbeat_at, stale_ms, proc_start)
     VALUES ($user, $pid, $host, make_timestamp_ms($now::BIGINT), make_timestamp_ms($now::BIGINT), $stale, $start)`,
    {user: lease.userId, pid: lease.pid, host: lease.host, now, stale: staleMs, start: lease.start ?? null},
  )
}

/** A lease row as read: `staleMs` the holder's bound (the reader's for a row written before it was kept). */
interface Held {
  pid: number
  host: string
  heartbeat: number
  staleMs: number
  start: string | undefined
}

export async function renewLease(conn: DuckDBConnection, lease: Lease, now: number): Promise<void> {
  await conn.run(`UPDATE service_leases SET heartbeat_at = make_timestamp_ms($now::BIGINT) WHERE user_id = $user AND pid = $pid AND host = $host`, {user: lease.userId, pid: lease.pid, host: lease.host, now})
}

export async function releaseLease(conn: DuckDBConnection, lease: Lease): Promise<void> {
  await conn.run(`DELETE FROM service_leases WHERE user_id = $user AND pid = $pid AND host = $host`, {user: lease.userId, pid: lease.pid, host: lease.host})
}

function alive(held: Held, now: number, myHost: string): boolean {
  if (held.host === myHost) {
    try {
      process.kill(held.pid, 0)
    } catch (e) {
      // ESRCH: no such process. EPERM: it exists (another user's): alive.
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false
    }
    if (isZombie(held.pid)) return false // exited; its parent has not reaped it yet
    // The very process that took the lease runs, however late its heartbeat; another with its PID is not it.
    const start = held.start === undefined ? undefined : processStart(held.pid)
    if (start !== undefined) return start === held.start
  }
  return now - held.heartbeat < held.staleMs
}
