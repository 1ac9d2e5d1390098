/**
 * A new store file is a copy of the build's empty store (src/data/store-template.ts): it must hold
 * exactly what the migrations make, appear whole or not at all (several processes may create the
 * same store at once), never replace a file nor revive a deleted store's WAL, take the user's
 * umask, and be skipped when it does not fit this DuckDB.
 */
import assert from 'node:assert/strict'
import {execFileSync, spawn} from 'node:child_process'
import {chmodSync, closeSync, copyFileSync, existsSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import type {DuckDBConnection} from '@duckdb/node-api'
import {DuckDBInstance} from '../../src/data/duckdb-api.js'
import {makeStoreTemplate} from '../../src/service/make-store-template.js'
import {registerMigrations, registeredMigrations} from '../../src/data/migrations.js'
import {withStore} from '../../src/data/store.js'
import {seedFromTemplate, templateInfoFile} from '../../src/data/store-template.js'
import {ROOT, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

/** Everything a store's schema is made of, as comparable rows. */
async function schemaOf(conn: DuckDBConnection): Promise<unknown> {
  const rows = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJS()
  return {
    tables: await rows(`SELECT table_name, sql FROM duckdb_tables() WHERE NOT temporary ORDER BY 1`),
    columns: await rows(`SELECT table_name, column_name, column_index, data_type, column_default, is_nullable FROM duckdb_columns() WHERE NOT internal ORDER BY 1, 3`),
    views: await rows(`SELECT view_name, sql FROM duckdb_views() WHERE NOT internal ORDER BY 1`),
    sequences: await rows(`SELECT sequence_name, start_value::DOUBLE AS start, last_value::DOUBLE AS last FROM duckdb_sequences() ORDER BY 1`),
    indexes: await rows(`SELECT index_name, table_name, sql FROM duckdb_indexes() ORDER BY 1`),
    constraints: await rows(`SELECT table_name, constraint_type, constraint_text FROM duckdb_constraints() ORDER BY 1, 3`),
    migrations: await rows(`SELECT version, name FROM schema_migrations ORDER BY version`),
  }
}

/** The earliest `applied_at` of a store file, read as a plain read-only DuckDB file (a store open could migrate it). */
async function appliedAt(file: string): Promise<string> {
  const instance = await DuckDBInstance.create(file, {access_mode: 'READ_ONLY'})
  try {
    const conn = await instance.connect()
    const t = String((await conn.runAndReadAll('SELECT min(applied_at)::VARCHAR AS t FROM schema_migrations')).getRowObjectsJS()[0].t)
    conn.closeSync()
    return t
  } finally {
    instance.closeSync()
  }
}

async function madeTemplate(): Promise<string> {
  const template = path.join(tempDir(), 'empty-store.duckdb')
  await makeStoreTemplate(template)
  return template
}

describe('a new store copied from the empty store', () => {
  it('holds what the migrations make', async () => {
    const template = await madeTemplate()
    const dir = tempDir()
    const copied = path.join(dir, 'copied.duckdb')
    assert.equal(seedFromTemplate(copied, template), true)
    const migrated = path.join(dir, 'migrated.duckdb')
    const a = await withStore({path: copied}, (s) => schemaOf(s.conn))
    const b = await withStore({path: migrated}, (s) => schemaOf(s.conn))
    // The other store really was made by the migrations (running from the sources, no template).
    assert.equal(await appliedAt(copied), await appliedAt(template))
    assert.notEqual(await appliedAt(migrated), await appliedAt(template))
    assert.deepEqual(a, b)
    assert.deepEqual((a as {migrations: Array<{name: string}>}).migrations.map((m) => m.name), registeredMigrations().map((m) => m.name))
    // Nothing of the copy's making is left beside it.
    assert.deepEqual(readdirSync(dir).sort(), ['copied.duckdb', 'migrated.duckdb'])
  })

  it('never replaces a file that exists', async () => {
    const template = await madeTemplate()
    const file = path.join(tempDir(), 'mine.duckdb')
    writeFileSync(file, 'not a store, and not to be touched')
    assert.equal(seedFromTemplate(file, template), false)
    assert.equal(readFileSync(file, 'utf8'), 'not a store, and not to be touched')
  })

  it("does not revive a deleted store's WAL: the store is created by DuckDB, which drops it", async () => {
    const template = await madeTemplate()
    const file = path.join(tempDir(), 'reused.duckdb')
    // A store whose process was killed with a committed row still in its WAL, then deleted without its WAL.
    copyFileSync(template, file)
    const killed = `import {DuckDBInstance} from ${JSON.stringify(path.join(ROOT, 'src/data/duckdb-api.ts'))}
const instance = await DuckDBInstance.create(${JSON.stringify(file)})
const conn = await instance.connect()
await conn.run("INSERT INTO bar_series (id, symbol, timeframe) VALUES (99, 'GONE', '1D')")
process.kill(process.pid, 'SIGKILL')`
    try {
      execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', killed], {cwd: ROOT, stdio: 'ignore'})
    } catch {} // killed, as meant
    assert.ok(existsSync(`${file}.wal`), 'the killed process left its WAL')
    rmSync(file)
    assert.equal(seedFromTemplate(file, template), false)
    const rows = await withStore({path: file}, async (s) => Number((await s.conn.runAndReadAll(`SELECT count(*) AS n FROM bar_series WHERE symbol = 'GONE'`)).getRowObjectsJS()[0].n))
    assert.equal(rows, 0)
  })

  it("is created with the user's umask, not the template's mode", async () => {
    const template = await madeTemplate()
    chmodSync(template, 0o444)
    const file = path.join(tempDir(), 'shared.duckdb')
    const before = process.umask(0o002)
    try {
      assert.equal(seedFromTemplate(file, template), true)
    } finally {
      process.umask(before)
    }
    assert.equal(statSync(file).mode & 0o777, 0o664)
  })

  it('is not used when another DuckDB version made it, it is not the size described, or it has no description', async () => {
    const template = await madeTemplate()
    const info = JSON.parse(readFileSync(templateInfoFile(template), 'utf8'))
    const dir = tempDir()
    writeFileSync(templateInfoFile(template), JSON.stringify({...info, duckdb: 'v0.0.1'}))
    assert.equal(seedFromTemplate(path.join(dir, 'a.duckdb'), template), false)
    writeFileSync(templateInfoFile(template), JSON.stringify({...info, bytes: info.bytes + 1}))
    assert.equal(seedFromTemplate(path.join(dir, 'b.duckdb'), template), false)
    writeFileSync(templateInfoFile(template), 'not json')
    assert.equal(seedFromTemplate(path.join(dir, 'c.duckdb'), template), false)
    assert.equal(seedFromTemplate(path.join(dir, 'd.duckdb'), path.join(dir, 'no-such-template.duckdb')), false)
    assert.deepEqual(readdirSync(dir), [])
    writeFileSync(templateInfoFile(template), JSON.stringify(info))
    assert.equal(seedFromTemplate(path.join(dir, 'e.duckdb'), template), true)
  })

  it('removes copies left by processes that no longer run, and only those', async () => {
    const template = await madeTemplate()
    const dir = tempDir()
    const file = path.join(dir, 'store.duckdb')
    // A pid that is not running: a child that has exited.
    const gone = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {encoding: 'utf8'}))
    writeFileSync(`${file}.seed-${gone}-abc`, 'abandoned')
    writeFileSync(`${file}.seed-${process.pid}-def`, 'in progress in a live process')
    writeFileSync(path.join(dir, `other.duckdb.seed-${gone}-ghi`), 'another store: not ours to judge')
    assert.equal(seedFromTemplate(file, template), true)
    assert.deepEqual(readdirSync(dir).sort(), [`other.duckdb.seed-${gone}-ghi`, 'store.duckdb', `store.duckdb.seed-${process.pid}-def`])
  })

  it('is migrated on open when the template lacks a migration', async () => {
    const template = await madeTemplate()
    // A migration registered after the template was made (a module loaded later, a newer version).
    registerMigrations({name: 'test/001-after-template', up: 'CREATE TABLE after_template (id INTEGER)'})
    const file = path.join(tempDir(), 'old.duckdb')
    assert.equal(seedFromTemplate(file, template), true)
    await withStore({path: file}, async (store) => {
      const names = (await store.conn.runAndReadAll('SELECT name FROM schema_migrations ORDER BY version')).getRowObjectsJS().map((r) => r.name)
      assert.deepEqual(names, registeredMigrations().map((m) => m.name))
      await store.conn.run('INSERT INTO after_template VALUES (1)')
    })
  })

  it('appears whole, created by exactly one of several processes seeding the same files at once', async () => {
    const template = await madeTemplate()
    const dir = tempDir()
    const files = Array.from({length: 60}, (_, i) => path.join(dir, `raced-${i}.duckdb`))
    // A barrier without polling: each child blocks opening the FIFO until the parent opens it to
    // write, which it does once every child has said it is ready.
    const fifo = path.join(dir, 'go')
    execFileSync('mkfifo', [fifo])
    const seeder = `import {openSync, readSync} from 'node:fs'
import {seedFromTemplate} from ${JSON.stringify(path.join(ROOT, 'src/data/store-template.ts'))}
process.stdout.write('ready\\n')
readSync(openSync(${JSON.stringify(fifo)}, 'r'), Buffer.alloc(1))
const made = ${JSON.stringify(files)}.filter((f) => seedFromTemplate(f, ${JSON.stringify(template)}))
process.stdout.write(JSON.stringify(made))`
    const children = Array.from({length: 4}, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', seeder], {cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit']})
      let out = ''
      child.stdout.setEncoding('utf8')
      const ready = new Promise<void>((resolve) => child.stdout.on('data', (d: string) => ((out += d), out.startsWith('ready\n') && resolve())))
      const done = new Promise<string[]>((resolve, reject) => {
        child.on('error', reject)
        child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.slice('ready\n'.length))) : reject(new Error(`seeder exited ${code}`))))
      })
      return {ready, done}
    })
    await Promise.all(children.map((c) => c.ready))
    // Held open until they are done: a child that opens the FIFO after this still finds a writer.
    const go = openSync(fifo, 'w')
    let made: string[]
    try {
      writeSync(go, Buffer.alloc(children.length))
      made = (await Promise.all(children.map((c) => c.done))).flat()
    } finally {
      closeSync(go)
    }
    assert.deepEqual([...made].sort(), [...files].sort(), 'each file created once, by one process')
    const size = statSync(template).size
    for (const f of files) assert.equal(statSync(f).size, size)
    assert.deepEqual(readdirSync(dir).filter((n) => n.includes('.seed-')), [])
    await withStore({path: files[0], readOnly: true}, async (s) => {
      assert.equal(Number((await s.conn.runAndReadAll('SELECT count(*) AS n FROM schema_migrations')).getRowObjectsJS()[0].n), registeredMigrations().length)
    })
  })

  it('is what the built CLI creates a store from', async () => {
    const built = path.join(ROOT, 'dist/data/empty-store.duckdb')
    assert.ok(existsSync(built) && existsSync(templateInfoFile(built)), 'npm run build makes dist/data/empty-store.duckdb')
    const db = path.join(tempDir(), 'new', 'cli.duckdb')
    const r = await runCli(['data', 'import', path.join(ROOT, 'test/fixtures/data/orcl-1995-2014.txt'), '--symbol', 'ORCL', '--db', db])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(await appliedAt(db), await appliedAt(built))
  })
})
