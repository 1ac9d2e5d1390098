/**
 * A `bots live` service on a real PostgreSQL registry takes over the bots of a holder that died as
 * soon as their leases run out: within a second, not at its next lease renewal (up to a third of
 * the TTL later). Nothing announces a death (no NOTIFY), so the service looks every second.
 *
 * In process, on a simulated clock: lease times are written from the clock, so moving it is how a
 * TTL passes. The dead holder is a bare `PgOwnership` that claims the bots and is never heard from
 * again; the survivor is a whole `LiveService` with a fake per-bot runtime.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {SimulatedClock} from '../../src/core/clock.js'
import {LiveService} from '../../src/service/live-service.js'
import {addBot} from '../../src/service/manage.js'
import {PgOwnership} from '../../src/service/registry/pg/pg-ownership.js'
import {discoverStrategies, type Discovery} from '../../src/strategy/discover.js'
import {pgSkip} from '../helpers/pg-cluster.mjs'
import {tempDir} from '../helpers/tmp.js'
import {FakeRuntime} from '../service/fake-runtime.js'
import {writeSpec} from '../service/helpers.js'
import {LEASE_TTL as TTL, pgInProcess, quietLog as quiet, SIM_T0 as T0} from './pg-helpers.js'

describe('PostgreSQL registry: a service takes over a dead holder\'s bots (simulated clock)', {skip: pgSkip()}, () => {
  const pg = pgInProcess()
  let discovery: Discovery
  const dir = tempDir('bots-pg-takeover-')

  before(async () => {
    discovery = await discoverStrategies()
  })

  it('within a second of the leases running out, not at the next renewal', async () => {
    const {cluster, db, registry} = pg
    const clock = new SimulatedClock(T0)
    const ids: number[] = []
    for (const name of ['t1', 't2']) ids.push((await addBot(writeSpec(dir, {name, userId: 4}), 4, {path: path.join(dir, 'unused.duckdb'), registry, discovery})).id)

    // The holder that dies: it claims both bots at T0 and is never heard from again.
    const dead = new PgOwnership(db, {scope: {userId: 4}, clock, ttlMs: TTL, heartbeatMs: 5_000, log: quiet})
    await dead.open()
    const enabled = (await registry.listBots({userId: 4})).filter((b) => b.enabled)
    assert.deepEqual((await dead.balance(enabled)).claimed.map((c) => c.id).sort(), [...ids].sort())

    // The survivor starts 3 s later, so its renewals fall at T0 + 8, 13 and 18 s: none when the leases run out at T0 + 15 s.
    await clock.runUntil(T0 + 3_000)
    const runtime = new FakeRuntime()
    const svc = new LiveService({userId: 4, db: {path: path.join(dir, 'bars.duckdb')}, registry, leaseTtlMs: TTL, log: quiet, runtime, discovery, clock, pollMs: 60_000, heartbeatMs: 5_000, metricsMs: 60_000, flushMs: 1_000})
    try {
      const report = await svc.start()
      assert.deepEqual(report.claimed, [], 'both bots are the live holder\'s')
      const running = () => svc.supervisors.filter((s) => s.phase === 'running').map((s) => s.id).sort()

      // Not a moment early: the dead holder's leases are good until T0 + TTL.
      await clock.runUntil(T0 + TTL - 100)
      assert.deepEqual(running(), [])
      // Taken over and running within a second of the expiry (the old check waited for the renewal at T0 + 18 s).
      await clock.runUntil(T0 + TTL + 1_000)
      assert.deepEqual(running(), [...ids].sort())
      const leases = await cluster.sql<{bot_id: string; epoch: string}>('SELECT bot_id, epoch FROM bot_leases WHERE bot_id = ANY($1::bigint[])', [ids])
      assert.ok(leases.every((l) => Number(l.epoch) === 2), 'a new epoch for each bot taken over')
      assert.ok(ids.every((id) => !dead.valid(id)), 'by its own clock, the dead holder no longer holds them')
    } finally {
      await svc.shutdown()
    }
  })
})
