/**
 * A busy service takes turns on the store file: after it lets the file go it waits `gapMs` before
 * opening it again, and overlapping accesses hold it for at most `maxHoldMs` at a stretch, so
 * another process (a management command) gets in between its writes. On a simulated clock: the
 * test decides when each gap ends, and shows a real `bots list` getting in while one is open.
 */
import assert from 'node:assert/strict'
import {existsSync, watch} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {SimulatedClock} from '../../src/core/clock.js'
import {closeStore} from '../../src/data/store.js'
import {storeFile, withDb, withDbStore} from '../../src/service/db.js'
import {StoreTurns} from '../../src/service/store-turns.js'
import {waitMarkPath, WaitMarkWatch} from '../../src/data/wait-mark.js'
import {runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const T0 = Date.UTC(2025, 0, 6, 12)
const TURNS = {gapMs: 25, maxHoldMs: 250, maxYieldMs: 1_000, yieldStepMs: 20}

/** Whether `p` has settled after the microtasks queued so far (and one macrotask turn). */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false
  void p.then(() => (done = true), () => (done = true))
  await new Promise((r) => setImmediate(r))
  return done
}

/** A promise the test resolves when it chooses. */
function gate(): {wait: Promise<void>; open: () => void} {
  let open!: () => void
  const wait = new Promise<void>((resolve) => (open = resolve))
  return {wait, open}
}

/** Resolves when `file` exists (a watch on its folder, no polling); `close` stops watching. */
function appears(file: string): {done: Promise<void>; close: () => void} {
  let close = () => {}
  const done = new Promise<void>((resolve) => {
    const watcher = watch(path.dirname(file), () => {
      if (existsSync(file)) resolve()
    })
    close = () => watcher.close()
    if (existsSync(file)) resolve()
  })
  void done.then(close)
  return {done, close}
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

describe('StoreTurns while another process waits (its wait mark)', () => {
  it('takes no new hold until the waiter is gone', async () => {
    const clock = new SimulatedClock(T0)
    let waiter = false
    const turns = new StoreTurns('/x.duckdb', clock, TURNS, () => waiter)
    await turns.enter()
    turns.leave()
    waiter = true
    const next = turns.enter()
    clock.advanceBy(TURNS.gapMs + 10 * TURNS.yieldStepMs)
    assert.equal(await settled(next), false)
    waiter = false
    assert.equal(await settled(next), false, 'it looks again only at its next step')
    await clock.untilTimers()
    clock.advanceBy(TURNS.yieldStepMs)
    assert.equal(await settled(next), true)
  })

  it('does not extend a hold while a waiter is there', async () => {
    const clock = new SimulatedClock(T0)
    let waiter = false
    const turns = new StoreTurns('/x.duckdb', clock, TURNS, () => waiter)
    await turns.enter()
    await turns.enter() // joins: nobody waits
    waiter = true
    const join = turns.enter()
    assert.equal(await settled(join), false)
    turns.leave()
    turns.leave()
    waiter = false
    await clock.untilTimers(() => clock.nextTimerTime() === T0 + TURNS.gapMs)
    clock.advanceBy(TURNS.gapMs)
    assert.equal(await settled(join), true)
  })

  it('leaves the file to a waiter for at most maxYieldMs, then a whole hold, then yields again', async () => {
    const clock = new SimulatedClock(T0)
    const turns = new StoreTurns('/x.duckdb', clock, TURNS, () => true) // a mark that never goes
    let entered = -1
    const first = turns.enter().then(() => (entered = clock.now()))
    await clock.runUntil(T0 + TURNS.maxYieldMs - 1, () => clock.untilTimers())
    assert.equal(entered, -1)
    await clock.runUntil(T0 + TURNS.maxYieldMs, () => Promise.race([clock.untilTimers(), first]))
    await first
    assert.equal(entered, T0 + TURNS.maxYieldMs)
    await turns.enter() // the hold taken after a whole yield runs its course: accesses join it
    turns.leave()
    turns.leave()
    const after = turns.enter()
    clock.advanceBy(TURNS.gapMs)
    assert.equal(await settled(after), false, 'the next hold waits for a whole yield again')
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

  it('a real bots list that finds the file held marks that it waits: the service joins no hold meanwhile, and the mark goes with the list', async () => {
    const db = path.join(tempDir('bots-turns-'), 'waiter.duckdb')
    await withDb({path: db}, async () => {})
    await closeStore()
    const clock = new SimulatedClock(T0)
    const watch = new WaitMarkWatch(storeFile(db)) // the real marks
    const seen: boolean[] = []
    const turns = new StoreTurns(storeFile(db), clock, TURNS, (now) => {
      seen.push(watch.othersWaiting(now))
      return seen[seen.length - 1]
    })
    const [opened, released] = [gate(), gate()]
    const hold = withDb({path: db, clock, turns}, async () => {
      opened.open()
      await released.wait
    })
    await opened.wait
    const mark = appears(waitMarkPath(storeFile(db)))
    const list = runCli(['list', '--db', db, '--json'])
    try {
      await Promise.race([mark.done, list.then((r) => Promise.reject(new Error(`bots list ended without marking that it waits (exit ${r.code}): ${r.stderr}`)))])
    } finally {
      mark.close()
    }
    // The hold is young: with nobody waiting, an access joins it at once (no I/O, no timer).
    const join = turns.enter()
    assert.equal(await settled(join), false)
    assert.equal(seen.at(-1), true, "the service saw the list's mark")
    released.open()
    await hold
    const r = await list // gets in while the service waits for its turn (on the clock the test holds)
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(JSON.parse(r.stdout), [])
    assert.equal(existsSync(waitMarkPath(storeFile(db))), false, 'the list removed its mark')
    await clock.runUntil(T0 + 1_000, () => Promise.race([clock.untilTimers(), join]))
    await join
    turns.leave()
    await closeStore()
  })

  it('a long data import (withDbStore) takes no turn: a write goes on beside it, past maxHoldMs', async () => {
    const db = path.join(tempDir('bots-turns-'), 'import.duckdb')
    await withDb({path: db}, async () => {})
    await closeStore()
    const clock = new SimulatedClock(T0)
    const turns = new StoreTurns(storeFile(db), clock, TURNS)
    const [opened, finished] = [gate(), gate()]
    const longImport = withDbStore({path: db, clock, turns}, async () => {
      opened.open()
      await finished.wait
    })
    await opened.wait
    clock.advanceBy(TURNS.maxHoldMs + 50)
    const write = withDb({path: db, clock, turns}, async (conn) => {
      await conn.run(`INSERT INTO bot_events (bot_id, user_id, ts, kind, message) VALUES (1, 1, TIMESTAMP '2025-01-06 12:00:00', 'test', 'beside the import')`)
    })
    await write // must not wait for the import to end
    assert.equal(turns.holding, false)
    finished.open()
    await longImport
    await closeStore()
  })
})
