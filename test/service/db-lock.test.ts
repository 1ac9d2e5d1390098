/**
 * Short-lived opens with retry: while another process holds the DuckDB file for writing, the
 * service and the commands wait (bounded) instead of failing, and say clearly when they give up.
 *
 * The lock is a real one (another process); the waits between tries run on a simulated clock, so
 * the test decides when they end: no sleeping, and the holder lets go when the test says so.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {SimulatedClock} from '../../src/core/clock.js'
import {isBotsError} from '../../src/core/errors.js'
import {closeStore} from '../../src/data/store.js'
import {waitMarkPath} from '../../src/data/wait-mark.js'
import {storeFile, withDb} from '../../src/service/db.js'
import {StoreTurns} from '../../src/service/store-turns.js'
import {ROOT, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

/**
 * Another process that opens `db` for writing and says so; it lets go when told (`release()`,
 * resolved once it has exited) or after `ms` by itself.
 */
function holdLock(db: string, ms = 600_000): Promise<{release(): Promise<void>; released: Promise<void>}> {
  const script = `import {DuckDBInstance} from '@duckdb/node-api'
const i = await DuckDBInstance.create(${JSON.stringify(db)})
console.log('locked')
const done = () => { i.closeSync(); process.exit(0) }
process.stdin.on('data', done)
setTimeout(done, ${ms})`
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit']})
  const released = new Promise<void>((r) => child.on('close', () => r()))
  const release = () => {
    child.stdin.end('go\n')
    return released
  }
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => d.includes('locked') && resolve({release, released}))
    child.on('error', reject)
  })
}

const T0 = Date.UTC(2025, 0, 6, 12)

describe('store access across processes', () => {
  const dir = tempDir('bots-lock-')
  const db = path.join(dir, 'lock.duckdb')

  it('waits for another process\'s write lock, then succeeds', async () => {
    await withDb({path: db}, async () => {}) // create and migrate
    const {release} = await holdLock(db)
    const clock = new SimulatedClock(T0)
    let done = false
    const read = withDb({path: db, clock, random: () => 0.5}, async (conn) => (await conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM bots')).getRowObjectsJS()[0].n).finally(() => (done = true))
    // Locked: it waits on the clock, 5 ms, then 10, 20… (jitter fixed at ×1 here).
    await clock.untilTimers(() => clock.nextTimerTime() === T0 + 5)
    clock.advanceBy(5)
    await clock.untilTimers(() => clock.nextTimerTime() === T0 + 15)
    assert.equal(done, false)
    assert.equal(readFileSync(waitMarkPath(db), 'utf8'), String(process.pid), 'it marks that it waits (wait-mark.ts)')
    await release()
    clock.advanceBy(10)
    assert.equal(await read, 0)
    assert.equal(clock.pendingTimers, 0)
    assert.equal(existsSync(waitMarkPath(db)), false, 'and removes the mark when done')
  })

  it('the service, which takes turns on the file, does not mark its own waits (they would hide the others\')', async () => {
    const {release} = await holdLock(db)
    const clock = new SimulatedClock(T0)
    const turns = new StoreTurns(storeFile(db), clock)
    const write = withDb({path: db, clock, turns, random: () => 0.5}, async () => {})
    await clock.untilTimers(() => clock.nextTimerTime() === T0 + 5) // its first try failed
    const marked = existsSync(waitMarkPath(db))
    await release()
    assert.equal(marked, false)
    await clock.runUntil(T0 + 1_000, () => Promise.race([clock.untilTimers(), write]))
    await write
    await closeStore()
  })

  it('gives up after its timeout with an error that says what to do', async () => {
    const {release} = await holdLock(db)
    const clock = new SimulatedClock(T0)
    const attempt = withDb({path: db, lockTimeoutMs: 200, clock}, async () => {})
    let gaveUpAt = 0
    const over = attempt.then(() => {}, () => void (gaveUpAt = clock.now()))
    // Move through every wait: each step lasts until the next try failed (a new wait) or it gave up.
    await clock.runUntil(T0 + 1_000, () => Promise.race([clock.untilTimers(), over]))
    assert.equal(gaveUpAt, T0 + 200) // a last try on the deadline, then the error
    assert.equal(clock.pendingTimers, 0)
    await assert.rejects(attempt, (e: unknown) => {
      assert.ok(isBotsError(e))
      assert.equal(e.diagnostic.code, 'store.locked')
      assert.match(e.message, /stayed locked for 200 ms: another bots process \(PID \d+\) holds the store/)
      assert.match(e.hint ?? '', /retry when it is done, or use another store with --db/)
      return true
    })
    await release()
    await closeStore()
  })

  it('a management command run during the lock waits for it', async () => {
    // A real command on the wall clock: the holder lets go by itself after 0.7 s (however late the
    // command starts, it must succeed; it waits up to 10 s).
    const {released} = await holdLock(db, 700)
    const r = await runCli(['list', '--db', db, '--json'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(JSON.parse(r.stdout), [])
    await released
  })
})
