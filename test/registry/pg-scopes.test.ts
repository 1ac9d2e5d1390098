/**
 * Processes of different scopes on one PostgreSQL registry: `bots live --all-users` beside
 * `bots live --user-id N`. Every enabled bot must end up held by some process that may run it,
 * whichever starts first. (Regression: an all-users process counted the user's process in its
 * fair share although that process can run only its own user's bots, so it stopped claiming at
 * half of all bots and the other user's bots were never run by anyone.)
 */
import assert from 'node:assert/strict'
import {before, describe, it} from 'node:test'
import {SimulatedClock} from '../../src/core/clock.js'
import {PgOwnership} from '../../src/service/registry/pg/pg-ownership.js'
import type {Scope} from '../../src/service/registry/registry.js'
import {pgSkip} from '../helpers/pg-cluster.mjs'
import {LEASE_TTL as TTL, pgInProcess, quietLog as quiet, SIM_T0 as T0} from './pg-helpers.js'

describe('PostgreSQL leases across scopes (simulated clock)', {skip: pgSkip()}, () => {
  const pg = pgInProcess()
  const clock = new SimulatedClock(T0)

  before(async () => {
    for (const user of [1, 2]) {
      for (let i = 1; i <= 6; i++) await pg.registry.addBot({userId: user, name: `u${user}-${i}`, spec: 'name: b', specFile: '/x.yaml', specHash: `h${user}${i}`, enabled: true, now: T0})
    }
  })

  const processFor = (scope: Scope) => new PgOwnership(pg.db, {scope, clock, ttlMs: TTL, heartbeatMs: 5_000, log: quiet})
  const enabledIn = (scope: Scope) => pg.registry.listBots({userId: scope.userId}).then((r) => r.filter((b) => b.enabled))

  for (const order of [['all users', 'user 1'], ['user 1', 'all users']]) {
    it(`every bot is held when ${order[0]} starts first`, async () => {
      await clock.advanceTo(clock.now() + 10 * TTL) // every earlier lease has expired
      const scopes: Record<string, Scope> = {'all users': {}, 'user 1': {userId: 1}}
      const ps = order.map((name) => ({scope: scopes[name], p: processFor(scopes[name])}))
      for (const {p} of ps) await p.open()
      for (let round = 0; round < 4; round++) {
        for (const {scope, p} of ps) {
          const b = await p.balance(await enabledIn(scope))
          if (b.surplus.length) await p.release(b.surplus)
        }
      }
      const all = await enabledIn({})
      const unheld = all.filter((b) => !ps.some(({p}) => p.holds(b.id))).map((b) => b.name)
      assert.deepEqual(unheld, [], 'bots no process runs')
      const user1 = ps.find(({scope}) => scope.userId === 1)!.p
      assert.ok(all.every((b) => !user1.holds(b.id) || b.userId === 1), 'the user 1 process holds only its user\'s bots')
      for (const {p} of ps) await p.close()
    })
  }
})
