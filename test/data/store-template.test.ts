/**
 * A new store file is a copy of the build's empty store (src/data/store-template.ts): it must hold
 * exactly what the migrations make, appear whole or not at all (several processes may create the
 * same store at once), never replace a file, and be skipped when it does not fit this DuckDB.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {existsSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import type {DuckDBConnection} from '@duckdb/node-api'
import {makeStoreTemplate} from '../../src/data/make-store-template.js'
import {registerMigrations, registeredMigrations} from '../../src/data/migrations.js'
import {withStore} from '../../src/data/store.js'
import {seedFromTemplate, templateInfoFile} from '../../src/data/store-template.js'
import {DuckDBInstance} from '../../src/data/duckdb-api.js'
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

async function madeTemplate(): Promise<string> {
  const template = path.join(tempDir(), 'empty-store.duckdb')
  await makeStoreTemplate(template)
  return template
}

describe('a new store copied from the empty store', () => {
  it('holds what the migrations make, and only what its own first writes add', async () => {
    const template = await madeTemplate()
    const dir = tempDir()
    const copied = path.join(dir, 'copied.duckdb')
    assert.equal(seedFromTemplate(copied, template), true)
    const migrated = path.join(dir, 'migrated.duckdb')
    const a = await withStore({path: copied}, (s) => schemaOf(s.conn))
    const b = await withStore({path: migrated}, (s) => schemaOf(s.conn))
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

  it('is not used when another DuckDB version made it, or it has no description', async () => {
    const template = await madeTemplate()
    const info = JSON.parse(readFileSync(templateInfoFile(template), 'utf8'))
    writeFileSync(templateInfoFile(template), JSON.stringify({...info, duckdb: 'v0.0.1'}))
    const dir = tempDir()
    assert.equal(seedFromTemplate(path.join(dir, 'a.duckdb'), template), false)
    writeFileSync(templateInfoFile(template), 'not json')
    assert.equal(seedFromTemplate(path.join(dir, 'b.duckdb'), template), false)
    assert.equal(seedFromTemplate(path.join(dir, 'c.duckdb'), path.join(dir, 'no-such-template.duckdb')), false)
    assert.deepEqual(readdirSync(dir), [])
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

  it('appears whole in exactly one of several processes creating it at once', async () => {
    const template = await madeTemplate()
    const file = path.join(tempDir(), 'raced.duckdb')
    const seeder = `import {seedFromTemplate} from ${JSON.stringify(path.join(ROOT, 'src/data/store-template.ts'))}
process.stdout.write(String(seedFromTemplate(${JSON.stringify(file)}, ${JSON.stringify(template)})))`
    const one = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', seeder], {cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit']})
        let out = ''
        child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
        child.on('error', reject)
        child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`seeder exited ${code}`))))
      })
    const results = await Promise.all([one(), one(), one(), one()])
    assert.equal(results.filter((r) => r === 'true').length, 1, results.join(' '))
    assert.equal(statSync(file).size, statSync(template).size)
    assert.deepEqual(readdirSync(path.dirname(file)), ['raced.duckdb'])
    await withStore({path: file, readOnly: true}, async (s) => {
      assert.equal(Number((await s.conn.runAndReadAll('SELECT count(*) AS n FROM schema_migrations')).getRowObjectsJS()[0].n), registeredMigrations().length)
    })
  })

  it('is what the built CLI creates a store from', async () => {
    const built = path.join(ROOT, 'dist/data/empty-store.duckdb')
    assert.ok(existsSync(built) && existsSync(templateInfoFile(built)), 'npm run build makes dist/data/empty-store.duckdb')
    const db = path.join(tempDir(), 'new', 'cli.duckdb')
    const r = await runCli(['runs', 'list', '--db', db])
    assert.equal(r.code, 0, r.stderr)
    // Read as plain read-only DuckDB files: a store open would migrate the build's template.
    const appliedAt = async (file: string) => {
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
    assert.equal(await appliedAt(db), await appliedAt(built))
  })
})
