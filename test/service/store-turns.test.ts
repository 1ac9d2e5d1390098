/**
 * A busy service takes turns on the store file: after it lets the file go it waits `gapMs` before
 * opening it again, and overlapping accesses hold it for at most `maxHoldMs` at a stretch, so
 * another process (a management command) gets in between its writes. On a simulated clock: the
 * test decides when each gap ends, and shows a real `bots list` getting in while one is open.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, it} from 'node:test'
import {SimulatedClock} from '../../src/core/clock.js'
import {closeStore} from '../../src/data/store.js'
import {storeFile, withDb, withDbStore} from '../../src/service/db.js'
import {StoreTurns} from '../../src/service/store-turns.js'
import {runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const T0 = Date.UTC(2025, 0, 6, 12)
const TURNS = {gapMs: 25, maxHoldMs: 250}

/** Whether `p` has settled after the microtasks queued so far (and one macrotask turn). */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false
  void p.then(() => (done = true), () => (done = true))
  await new Promise((r) => setImmediate(r))
  return done
}

describe('StoreTurns', () => {
  it('opens again only a gap after letting the file go', async () => {
    const clock = new SimulatedClock(T0)
    const turns = new StoreTurns('/x.duckdb', clock, TURNS)
    await turns.enter()
    clock.advanceBy(40)
    turns.leave()
    const next = turns.enter()
    assert.equal(await settled(next), false)
    clock.advanceBy(24)
    assert.equal(await settled(next), false)
    clock.advanceBy(1)
    assert.equal(await settled(next), true)
    assert.equal(turns.holding, true)
    turns.leave()
    assert.throws(() => turns.leave(), /without enter/)
  })

  it('lets accesses share a hold, but not past maxHoldMs', async () => {
    const clock = new SimulatedClock(T0)
    const turns = new StoreTurns('/x.duckdb', clock, TURNS)
    await turns.enter()
    clock.advanceBy(100)
    await turns.enter() // joins: the hold is 100 ms old
    clock.advanceBy(200)
    turns.leave()
    const late = turns.enter() // the hold is 300 ms old: waits for the file to be let go, then the gap
    assert.equal(await settled(late), false)
    clock.advanceBy(10)
    turns.leave()
    assert.equal(await settled(late), false)
    await clock.untilTimers(() => clock.nextTimerTime() === T0 + 310 + 25)
    clock.advanceBy(25)
    assert.equal(await settled(late), true)
  })
})

describe('a service writing back to back', () => {
  it('leaves the file free between its writes: a real bots list gets in', async () => {
    const db = path.join(tempDir('bots-turns-'), 'turns.duckdb')
    await withDb({path: db}, async () => {}) // create and migrate
    await closeStore()
    const clock = new SimulatedClock(T0)
    const turns = new StoreTurns(storeFile(db), clock, TURNS)
    let writes = 0
    const service = (async () => {
      for (let i = 0; i < 3; i++) {
        await withDb({path: db, clock, turns}, async (conn) => {
          await conn.run(`INSERT INTO bot_events (bot_id, user_id, ts, kind, message) VALUES (1, 1, TIMESTAMP '2025-01-06 12:00:00', 'test', 'write ${i}')`)
        })
        writes++
      }
    })()
    // The first write is done and the second waits for its turn, on the clock the test holds.
    await clock.untilTimers(() => clock.nextTimerTime() === T0 + TURNS.gapMs)
    assert.equal(writes, 1)
    const list = await runCli(['list', '--db', db, '--json'])
    assert.equal(list.code, 0, list.stderr)
    assert.deepEqual(JSON.parse(list.stdout), [])
    await clock.runUntil(T0 + 1_000, () => Promise.race([clock.untilTimers(), service]))
    await service
    assert.equal(writes, 3)
    const events = await withDb({path: db}, async (conn) => (await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM bot_events WHERE kind = 'test'`)).getRowObjectsJS()[0].n)
    assert.equal(events, 3)
    await closeStore()
  })

  it('a long data import (withDbStore) takes no turn: a write goes on beside it, past maxHoldMs', async () => {
    const db = path.join(tempDir('bots-turns-'), 'import.duckdb')
    await withDb({path: db}, async () => {})
    await closeStore()
    const clock = new SimulatedClock(T0)
    const turns = new StoreTurns(storeFile(db), clock, TURNS)
    let finishImport!: () => void
    const importing = new Promise<void>((resolve) => (finishImport = resolve))
    let opened!: () => void
    const importOpen = new Promise<void>((resolve) => (opened = resolve))
    const longImport = withDbStore({path: db, clock, turns}, async () => {
      opened()
      await importing
    })
    await importOpen
    clock.advanceBy(TURNS.maxHoldMs + 50)
    const write = withDb({path: db, clock, turns}, async (conn) => {
      await conn.run(`INSERT INTO bot_events (bot_id, user_id, ts, kind, message) VALUES (1, 1, TIMESTAMP '2025-01-06 12:00:00', 'test', 'beside the import')`)
    })
    await write // must not wait for the import to end
    assert.equal(turns.holding, false)
    finishImport()
    await longImport
    await closeStore()
  })
})
