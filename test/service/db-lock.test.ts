/**
 * Short-lived opens with retry: while another process holds the DuckDB file for writing, the
 * service and the commands wait (bounded) instead of failing, and say clearly when they give up.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import path from 'node:path'
import {describe, it} from 'node:test'
import {isBotsError} from '../../src/core/errors.js'
import {closeStore} from '../../src/data/store.js'
import {withDb} from '../../src/service/db.js'
import {ROOT, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

/** Another process that opens `db` for writing, says so, and holds it for `ms`. */
function holdLock(db: string, ms: number): Promise<{released: Promise<void>}> {
  const script = `import {DuckDBInstance} from '@duckdb/node-api'
const i = await DuckDBInstance.create(${JSON.stringify(db)})
console.log('locked')
setTimeout(() => { i.closeSync(); process.exit(0) }, ${ms})`
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit']})
  const released = new Promise<void>((r) => child.on('close', () => r()))
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => d.includes('locked') && resolve({released}))
    child.on('error', reject)
  })
}

describe('store access across processes', () => {
  const dir = tempDir('bots-lock-')
  const db = path.join(dir, 'lock.duckdb')

  it('waits for another process\'s write lock, then succeeds', async () => {
    await withDb({path: db}, async () => {}) // create and migrate
    const {released} = await holdLock(db, 800)
    const t0 = Date.now()
    const n = await withDb({path: db}, async (conn) => (await conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM bots')).getRowObjectsJS()[0].n)
    assert.equal(n, 0)
    assert.ok(Date.now() - t0 >= 300, `waited only ${Date.now() - t0} ms`)
    await released
  })

  it('gives up after its timeout with an error that says what to do', async () => {
    const {released} = await holdLock(db, 1500)
    await assert.rejects(withDb({path: db, lockTimeoutMs: 200}, async () => {}), (e: unknown) => {
      assert.ok(isBotsError(e))
      assert.equal(e.diagnostic.code, 'store.locked')
      assert.match(e.message, /stayed locked for 200 ms: another bots process \(PID \d+\) holds the store/)
      assert.match(e.hint ?? '', /retry when it is done, or use another store with --db/)
      return true
    })
    await released
    await closeStore()
  })

  it('a management command run during the lock waits for it', async () => {
    const {released} = await holdLock(db, 700)
    const r = await runCli(['list', '--db', db, '--json'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(JSON.parse(r.stdout), [])
    await released
  })
})
