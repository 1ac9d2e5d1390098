import assert from 'node:assert/strict'
import {existsSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {BotsError} from '../../src/core/errors.js'
import {registerMigrations, schemaVersion} from '../../src/data/migrations.js'
import {closeStore, openStore, withStore} from '../../src/data/store.js'
import {DEFAULT_STORE_FILE, resolveStorePath} from '../../src/data/store-path.js'
import {isLockError, storeOpenError} from '../../src/data/store-errors.js'
import {tempDir} from '../helpers/tmp.js'
import {freshStore} from './helpers.js'

describe('resolveStorePath', () => {
  it('prefers the flag, then BOTS_DB, then .bots/bots.duckdb in the working folder', () => {
    assert.equal(resolveStorePath('x.duckdb', {BOTS_DB: '/env.duckdb'}, '/w'), '/w/x.duckdb')
    assert.equal(resolveStorePath(undefined, {BOTS_DB: '/env.duckdb'}, '/w'), '/env.duckdb')
    assert.equal(resolveStorePath(undefined, {}, '/w'), path.join('/w', DEFAULT_STORE_FILE))
    assert.equal(resolveStorePath('', {BOTS_DB: ' '}, '/w'), '/w/.bots/bots.duckdb')
  })
})

describe('openStore', () => {
  it('creates the folder and file on first use and applies the migrations', async () => {
    const {store, db} = await freshStore()
    assert.ok(existsSync(db))
    const tables = (await store.conn.runAndReadAll(`SELECT table_name FROM duckdb_tables() ORDER BY 1`)).getRowObjectsJS()
    assert.deepEqual(tables.map((t) => t.table_name), ['bar_rows', 'bar_series', 'imports', 'schema_migrations'])
    const views = (await store.conn.runAndReadAll(`SELECT view_name FROM duckdb_views() WHERE NOT internal`)).getRowObjectsJS()
    assert.deepEqual(views.map((v) => v.view_name), ['bars'])
    assert.equal(await schemaVersion(store.conn), 3)
    await closeStore(store)
  })

  it('creates a missing store even when asked for read-only, then opens it read-only', async () => {
    const db = path.join(tempDir(), 'a', 'b', 'bots.duckdb')
    const store = await openStore({path: db, readOnly: true})
    assert.equal(store.readOnly, true)
    const bars = await store.conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM bars')
    assert.equal(bars.getRowObjectsJS()[0].n, 0)
    await assert.rejects(store.conn.run(`INSERT INTO bar_rows VALUES (1, TIMESTAMP '2020-01-01', 1, 1, 1, 1, 0)`), /read-only/)
    await closeStore(store)
  })

  it('lets other modules add tables through the ordered migration list, applied once', async () => {
    const {store, db} = await freshStore()
    await closeStore(store)
    registerMigrations({name: 'test/001-notes', up: 'CREATE TABLE test_notes (id INTEGER, note VARCHAR)'})
    registerMigrations({name: 'test/001-notes', up: 'this is ignored: same name'})
    for (let i = 0; i < 2; i++) {
      await withStore({path: db}, async (s) => {
        await s.conn.run('SELECT * FROM test_notes')
        const names = (await s.conn.runAndReadAll('SELECT version, name FROM schema_migrations ORDER BY version')).getRowObjectsJS()
        assert.deepEqual(names.map((n) => n.name), ['data/001-bars', 'data/002-imports', 'data/003-bar-series', 'test/001-notes'])
        assert.deepEqual(names.map((n) => n.version), [1, 2, 3, 4])
      })
    }
    assert.throws(() => registerMigrations({name: 'no-module-prefix', up: ''}), /module\/001-what/)
  })

  it('shares one instance per file within a process and releases the file when the last handle closes', async () => {
    const {store, db} = await freshStore()
    const again = await openStore({path: db, readOnly: true}) // reuses the read-write instance
    assert.equal(again.readOnly, false)
    await closeStore(store)
    await again.conn.run('SELECT 1') // still open: one handle remains
    await closeStore(again)
    // Released: a read-only open now gets a read-only instance.
    const ro = await openStore({path: db, readOnly: true})
    assert.equal(ro.readOnly, true)
    await closeStore(ro)
  })

  it('in one process, a write waits for open reads; concurrent opens share one instance', async () => {
    const {store, db} = await freshStore()
    await closeStore(store)
    const ro = await Promise.all([1, 2, 3].map(() => openStore({path: db, readOnly: true})))
    assert.ok(ro.every((h) => h.readOnly))
    let wrote = false
    const writing = withStore({path: db}, async (s) => {
      assert.equal(s.readOnly, false)
      await s.conn.run(`INSERT INTO bar_rows VALUES (1, TIMESTAMP '2020-01-02', 1, 1, 1, 1, 0)`)
      wrote = true
    })
    await new Promise((r) => setTimeout(r, 50))
    assert.equal(wrote, false) // still waiting for the readers
    for (const h of ro) await closeStore(h)
    await writing
    assert.equal(wrote, true)
    const again = await Promise.all([openStore({path: db}), openStore({path: db, readOnly: true})])
    assert.ok(again.every((h) => !h.readOnly)) // the reader shares the writer's instance
    for (const h of again) await closeStore(h)
  })
})

describe('store errors', () => {
  it("turns DuckDB's lock error into a BotsError that names the other process and says what to do", () => {
    const duck = new Error(
      'IO Error: Could not set lock on file "/x/bots.duckdb": Conflicting lock is held in /usr/bin/node (PID 4242). See also https://duckdb.org/docs/stable/connect/concurrency',
    )
    assert.ok(isLockError(duck))
    const e = storeOpenError(duck, '/x/bots.duckdb', true)
    assert.ok(e instanceof BotsError)
    assert.equal(e.diagnostic.code, 'store.locked')
    assert.match(e.message, /another bots process \(PID 4242\) holds the store \/x\/bots\.duckdb/)
    assert.match(e.hint ?? '', /--db PATH or BOTS_DB/)
  })

  it('says a file that is not a DuckDB store cannot be opened', async () => {
    const notDb = path.join(tempDir(), 'bars.csv')
    writeFileSync(notDb, 'Date,Open,High,Low,Close,Volume\n2020-01-02,1,2,0.5,1.5,10\n')
    await assert.rejects(openStore({path: notDb}), (e: unknown) => e instanceof BotsError && e.diagnostic.code === 'store.open')
  })
})
