/**
 * Leases on a real PostgreSQL, in process, on a simulated clock: lease times are written from the
 * process's clock, so moving the clock is how a TTL passes (no waiting). Two `PgOwnership`s are two
 * `bots live` processes.
 */
import assert from 'node:assert/strict'
import {before, describe, it} from 'node:test'
import {SimulatedClock} from '../../src/core/clock.js'
import {PgOwnership} from '../../src/service/registry/pg/pg-ownership.js'
import type {BotRow} from '../../src/service/registry/registry.js'
import {emptyBatch} from '../../src/service/write-batch.js'
import {pgSkip} from '../helpers/pg-cluster.mjs'
import {LEASE_TTL as TTL, pgInProcess, quietLog as quiet, SIM_T0 as T0} from './pg-helpers.js'

describe('PostgreSQL leases (simulated clock)', {skip: pgSkip()}, () => {
  const pg = pgInProcess()
  const clock = new SimulatedClock(T0)
  const bots: BotRow[] = []

  before(async () => {
    for (let i = 1; i <= 6; i++) {
      bots.push(await pg.registry.addBot({userId: 1, name: `b${i}`, spec: 'name: b', specFile: '/x.yaml', specHash: `h${i}`, enabled: true, now: T0}))
    }
    await pg.registry.addBot({userId: 2, name: 'other', spec: 'name: other', specFile: '/y.yaml', specHash: 'h', enabled: true, now: T0})
  })

  const process = () => new PgOwnership(pg.db, {scope: {userId: 1}, clock, ttlMs: TTL, heartbeatMs: 5_000, log: quiet})
  const enabled = () => pg.registry.listBots({userId: 1}).then((r) => r.filter((b) => b.enabled))
  const leases = async () => new Map((await pg.cluster.sql<{bot_id: string; holder: string | null; epoch: string}>('SELECT bot_id, holder, epoch FROM bot_leases')).map((r) => [Number(r.bot_id), r]))

  it('shares fairly, fences writes by holder and epoch, and hands over after the TTL', async () => {
    const a = process()
    await a.open()
    const first = await a.balance(await enabled())
    // Alone: it takes every bot of its user, and only its user's.
    assert.deepEqual(first.claimed.map((c) => c.id), bots.map((b) => b.id))
    assert.ok(first.claimed.every((c) => c.epoch === 1 && c.from === undefined))

    const b = process()
    await b.open()
    // Nothing is free yet; the first process sees a second one and gives back its surplus.
    assert.deepEqual((await b.balance(await enabled())).claimed, [])
    const give = await a.balance(await enabled())
    assert.equal(give.surplus.length, 3)
    await a.release(give.surplus)
    const taken = await b.balance(await enabled())
    assert.deepEqual(taken.claimed.map((c) => c.id).sort(), [...give.surplus].sort())
    // A released lease keeps its epoch: the next claim is a higher one.
    assert.ok(taken.claimed.every((c) => c.epoch === 2))
    const mineA = bots.map((x) => x.id).filter((id) => a.holds(id))
    const mineB = bots.map((x) => x.id).filter((id) => b.holds(id))
    assert.equal(mineA.length, 3)
    assert.equal(mineB.length, 3)

    // The fence: A may write its own bots, not B's.
    const batch = emptyBatch()
    for (const id of [mineA[0], mineB[0]]) batch.events.push({botId: id, userId: 1, at: clock.now(), kind: 'start', message: 'fence'})
    const res = await pg.registry.writeBatch({userId: 1}, batch, clock.now(), a.fence)
    assert.deepEqual(res.fenced, [mineB[0]])
    const written = await pg.cluster.sql<{bot_id: string}>(`SELECT bot_id FROM bot_events WHERE message = 'fence'`)
    assert.deepEqual(written.map((r) => Number(r.bot_id)), [mineA[0]])

    // B keeps renewing; A stops (a dead or frozen process). Past the TTL, A's own clock says it no longer holds its bots…
    await clock.advanceTo(T0 + TTL / 3)
    assert.deepEqual(await b.renew(), [])
    await clock.advanceTo(T0 + TTL + 1)
    assert.deepEqual(await b.renew(), [])
    assert.deepEqual(a.expired().sort(), [...mineA].sort())
    assert.equal(a.valid(mineA[0]), false)
    // …and B takes them over, naming the previous holder, at a higher epoch.
    const over = await b.balance(await enabled())
    assert.deepEqual(over.claimed.map((c) => c.id).sort(), [...mineA].sort())
    assert.ok(over.claimed.every((c) => c.from !== undefined && c.epoch === 2))
    const rows = await leases()
    for (const id of mineA) assert.equal(rows.get(id)!.holder, b.holder)

    // A wakes up: its renewal finds nothing, and its writes are refused.
    assert.deepEqual((await a.renew()).sort(), [...mineA].sort())
    const late = emptyBatch()
    late.trades.push({botId: mineA[0], userId: 1, run: 1, orderId: 1, fillSeq: 1, symbol: 'X', side: 'buy', quantity: 1, price: 1, commission: 0, time: clock.now()})
    late.states.set(mineA[0], {botId: mineA[0], userId: 1, run: 1, specHash: 'h', state: {stale: true}, at: clock.now()})
    assert.deepEqual((await pg.registry.writeBatch({userId: 1}, late, clock.now(), a.fence)).fenced, [mineA[0]])
    assert.equal((await pg.cluster.sql('SELECT * FROM bot_trades')).length, 0)
    assert.equal((await pg.cluster.sql('SELECT * FROM bot_state')).length, 0)

    // A graceful leave hands everything back at once.
    await b.close()
    const after = await leases()
    assert.ok([...after.values()].every((r) => r.holder === null))
    await a.close()
  })

  it('a process that sees no other claims in batches: one that joins meanwhile gets its share, and no bot is handed back', async () => {
    const mine = []
    for (let i = 1; i <= 6; i++) mine.push(await pg.registry.addBot({userId: 3, name: `c${i}`, spec: 'name: c', specFile: '/c.yaml', specHash: `c${i}`, enabled: true, now: clock.now()}))
    const of3 = () => pg.registry.listBots({userId: 3}).then((r) => r.filter((b) => b.enabled))
    const joiner = () => new PgOwnership(pg.db, {scope: {userId: 3}, clock, ttlMs: TTL, heartbeatMs: 5_000, log: quiet, claimBatch: 2})
    const a = joiner()
    await a.open()
    const first = await a.balance(await of3())
    assert.equal(first.claimed.length, 2, 'alone, a batch of 2')
    assert.equal(first.more, true)
    const b = joiner()
    await b.open()
    // A sees B now: it claims up to its share (3 of 6) and B the rest; nobody holds a surplus.
    const rounds = []
    for (let k = 0; k < 3; k++) for (const p of [a, b]) rounds.push(await p.balance(await of3()))
    assert.deepEqual(rounds.flatMap((r) => r.surplus), [])
    assert.equal(mine.filter((x) => a.holds(x.id)).length, 3)
    assert.equal(mine.filter((x) => b.holds(x.id)).length, 3)
    assert.equal(rounds.at(-1)!.more, false)
    await a.close()
    await b.close()
  })

  it('two processes claiming at once never hold the same bot', async () => {
    const t = clock.now() + TTL * 10 // every earlier lease has expired
    await clock.advanceTo(t)
    const ps = [process(), process(), process()]
    for (const p of ps) await p.open()
    const rows = await enabled()
    const claims = await Promise.all(ps.map((p) => p.balance(rows)))
    const all = claims.flatMap((c) => c.claimed.map((x) => x.id))
    assert.equal(new Set(all).size, all.length, 'a bot claimed twice')
    assert.ok(claims.every((c) => c.claimed.length <= 2), 'more than a fair share (⌈6 / 3⌉)')
    for (const p of ps) await p.close()
  })
})
