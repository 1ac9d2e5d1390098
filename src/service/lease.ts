/**
 * One service per user. Two `bots live` for the same user would run every bot twice (two sets of
 * orders), so a service holds a lease on its user: a row with its pid, host and a heartbeat it
 * renews. Another service for that user refuses to start while the lease is alive. A lease is
 * dead when its process is gone (same host) or its heartbeat is older than `staleMs` (elsewhere),
 * so a service killed with SIGKILL is replaced at once on the same machine. Table: schema.ts.
 */
import {hostname} from 'node:os'
import type {DuckDBConnection} from '@duckdb/node-api'
import {BotsError} from '../core/errors.js'

export interface Lease {
  userId: number
  pid: number
  host: string
}

export const ownLease = (userId: number): Lease => ({userId, pid: process.pid, host: hostname()})

export async function acquireLease(conn: DuckDBConnection, lease: Lease, now: number, staleMs: number): Promise<void> {
  const rows = (await conn.runAndReadAll(`SELECT pid, host, epoch_ms(heartbeat_at)::DOUBLE AS hb FROM service_leases WHERE user_id = $user`, {user: lease.userId})).getRowObjectsJS()
  for (const r of rows) {
    const mine = r.pid === lease.pid && r.host === lease.host
    if (mine || !alive(r.pid as number, String(r.host), r.hb as number, now, staleMs, lease.host)) continue
    const ago = Math.round((now - (r.hb as number)) / 1000)
    throw new BotsError(`user ${lease.userId}'s bots are already run by another \`bots live\` (PID ${r.pid} on ${r.host}, heartbeat ${ago} s ago)`, {
      code: 'service.running',
      hint: r.host === lease.host ? `stop it first (kill ${r.pid})` : `stop it first; if it died, its lease expires ${Math.round(staleMs / 1000)} s after its last heartbeat`,
    })
  }
  await conn.run(`DELETE FROM service_leases WHERE user_id = $user`, {user: lease.userId})
  await conn.run(`INSERT INTO service_leases VALUES ($user, $pid, $host, make_timestamp_ms($now::BIGINT), make_timestamp_ms($now::BIGINT))`, {user: lease.userId, pid: lease.pid, host: lease.host, now})
}

export async function renewLease(conn: DuckDBConnection, lease: Lease, now: number): Promise<void> {
  await conn.run(`UPDATE service_leases SET heartbeat_at = make_timestamp_ms($now::BIGINT) WHERE user_id = $user AND pid = $pid AND host = $host`, {user: lease.userId, pid: lease.pid, host: lease.host, now})
}

export async function releaseLease(conn: DuckDBConnection, lease: Lease): Promise<void> {
  await conn.run(`DELETE FROM service_leases WHERE user_id = $user AND pid = $pid AND host = $host`, {user: lease.userId, pid: lease.pid, host: lease.host})
}

function alive(pid: number, host: string, heartbeat: number, now: number, staleMs: number, myHost: string): boolean {
  if (host === myHost) {
    try {
      process.kill(pid, 0)
    } catch (e) {
      // ESRCH: no such process. EPERM: it exists (another user's): alive.
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false
    }
  }
  return now - heartbeat < staleMs
}
