/**
 * A process frozen inside a transaction (SIGSTOP, a paused VM) must not hold its row locks forever:
 * another process could then never take over the bots it leased, even after their TTL (the claim
 * skips locked rows; the renewal's upsert waits on them). The registry's sessions end after
 * IDLE_IN_TRANSACTION_MS idle inside a transaction (pg-db.ts). On a real PostgreSQL: a transaction
 * locks a bot's row and then waits, as a frozen process would; another connection's update of
 * that row goes through once the server has ended the frozen session, whose own write is rolled
 * back, and whose pool then works again.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {PgDb} from '../../src/service/registry/pg/pg-db.js'
import {pgSkip} from '../helpers/pg-cluster.mjs'
import {pgInProcess, SIM_T0} from './pg-helpers.js'

describe('a registry session frozen inside a transaction', {skip: pgSkip()}, () => {
  const pg = pgInProcess()

  it('is ended by the server: its locks go, its write is rolled back, the other process goes on', async () => {
    const bot = await pg.registry.addBot({userId: 1, name: 'b', spec: 'name: b', specFile: '/b.yaml', specHash: 'h', enabled: true, now: SIM_T0})
    const frozen = await PgDb.open(pg.cluster.url, {idleInTransactionMs: 200})
    let wake!: () => void
    const asleep = new Promise<void>((resolve) => (wake = resolve))
    try {
      let locked!: () => void
      const holdsLock = new Promise<void>((resolve) => (locked = resolve))
      const tx = frozen.tx(async (c) => {
        await c.query(`UPDATE bots SET name = 'frozen' WHERE id = $1`, [bot.id])
        locked()
        await asleep // idle inside the transaction, holding the row's lock
      })
      tx.catch(() => {}) // awaited below
      await holdsLock

      // Blocked on that lock until the server ends the frozen session. The lock_timeout only turns
      // a hang (no idle-in-transaction timeout) into a failure; it is not a timing.
      const taken = await pg.db.tx(async (c) => {
        await c.query(`SET LOCAL lock_timeout = '120s'`)
        return (await c.query<{name: string}>(`UPDATE bots SET name = 'taken' WHERE id = $1 RETURNING name`, [bot.id])).rows
      })
      assert.deepEqual(taken, [{name: 'taken'}])

      wake()
      await assert.rejects(tx, 'the frozen transaction did not commit')
      const [row] = await pg.cluster.sql<{name: string}>('SELECT name FROM bots WHERE id = $1', [bot.id])
      assert.equal(row.name, 'taken')
      // The ended connection was dropped from the pool, not handed out again.
      const again = await frozen.tx((c) => c.query<{one: number}>('SELECT 1 AS one'))
      assert.equal(again.rows[0].one, 1)
    } finally {
      wake() // when an assertion failed first: lets the pool end
      await frozen.close()
    }
  })
})
