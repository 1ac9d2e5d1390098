/**
 * One service per user (lease.ts). Found by an audit: a service started with
 * --heartbeat-interval 120 was taken for dead 15 s after its last heartbeat by a second one (the
 * bound was the newcomer's three heartbeats), and both then ran the same bots. Now a lease on this
 * host lives as long as its very process, and elsewhere by its holder's own bound.
 */
import assert from 'node:assert/strict'
import {spawn, type ChildProcess} from 'node:child_process'
import {hostname} from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import {BotsError} from '../../src/core/errors.js'
import {withDb} from '../../src/service/db.js'
import {acquireLease, ownLease} from '../../src/service/lease.js'
import {processStart} from '../../src/service/process-start.js'
import {tempDir} from '../helpers/tmp.js'

const NOW = Date.UTC(2026, 11, 8, 12)
const db = {path: path.join(tempDir('bots-lease-'), 'store.duckdb')}

/** A lease row for user 1 as another service would have written it. */
async function held(row: {pid: number; host?: string; heartbeatAgoMs: number; staleMs?: number | null; start?: string | null}): Promise<void> {
  await withDb(db, async (conn) => {
    await conn.run('DELETE FROM service_leases')
    await conn.run(
      `INSERT INTO service_leases (user_id, pid, host, started_at, heartbeat_at, stale_ms, proc_start)
       VALUES (1, $pid, $host, make_timestamp_ms($t::BIGINT), make_timestamp_ms($t::BIGINT), $stale, $start)`,
      {pid: row.pid, host: row.host ?? hostname(), t: NOW - row.heartbeatAgoMs, stale: row.staleMs ?? null, start: row.start ?? null},
    )
  })
}

/** Whether this process gets user 1's lease, its own bound being 15 s (a 5 s heartbeat). */
async function acquired(): Promise<boolean> {
  try {
    await withDb(db, (conn) => acquireLease(conn, {...ownLease(1), pid: process.pid}, NOW, 15_000))
    return true
  } catch (e) {
    if (e instanceof BotsError && e.diagnostic.code === 'service.running') return false
    throw e
  }
}

describe('a service\'s lease on its user', () => {
  let other: ChildProcess
  before(async () => {
    other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], {stdio: 'ignore'})
    await new Promise((resolve) => other.once('spawn', resolve))
  })
  after(() => other.kill('SIGKILL'))

  it('on this host, held by a running process that took it: refused however old its heartbeat', async () => {
    const start = processStart(other.pid!)
    assert.ok(start !== undefined, 'this test runs where /proc says when a process started')
    await held({pid: other.pid!, heartbeatAgoMs: 100_000, staleMs: 360_000, start})
    assert.equal(await acquired(), false)
    await held({pid: other.pid!, heartbeatAgoMs: 10 * 3_600_000, staleMs: 15_000, start})
    assert.equal(await acquired(), false, 'a process that runs is never taken for dead')
  })

  it('on this host, its PID now another process, or gone: taken over', async () => {
    await held({pid: other.pid!, heartbeatAgoMs: 1_000, staleMs: 360_000, start: '1'})
    assert.equal(await acquired(), true, 'a PID reused by another process')
    const gone = spawn(process.execPath, ['-e', '0'], {stdio: 'ignore'})
    await new Promise((resolve) => gone.once('exit', resolve))
    await held({pid: gone.pid!, heartbeatAgoMs: 1_000, staleMs: 360_000, start: null})
    assert.equal(await acquired(), true, 'a process that exited')
  })

  it('on another host: alive until its heartbeat is older than the holder\'s own bound, not the newcomer\'s', async () => {
    await held({pid: 4242, host: 'elsewhere', heartbeatAgoMs: 100_000, staleMs: 360_000})
    assert.equal(await acquired(), false)
    await held({pid: 4242, host: 'elsewhere', heartbeatAgoMs: 400_000, staleMs: 360_000})
    assert.equal(await acquired(), true)
    // A lease written before the bound was kept: the newcomer's bound, as before.
    await held({pid: 4242, host: 'elsewhere', heartbeatAgoMs: 10_000, staleMs: null})
    assert.equal(await acquired(), false)
    await held({pid: 4242, host: 'elsewhere', heartbeatAgoMs: 20_000, staleMs: null})
    assert.equal(await acquired(), true)
  })

  it('the lease taken says its own bound and its process start', async () => {
    await withDb(db, (conn) => conn.run('DELETE FROM service_leases'))
    assert.equal(await acquired(), true)
    const [row] = await withDb(db, async (conn) => (await conn.runAndReadAll('SELECT pid, stale_ms, proc_start FROM service_leases')).getRowObjectsJS())
    assert.deepEqual([row.pid, row.stale_ms, row.proc_start], [process.pid, 15_000, processStart(process.pid)])
  })
})
