/**
 * A store gets every pending migration or none: a failing one leaves the store at the version it
 * had, without the tables of the migrations before it. (Its own file: the failing migration stays
 * registered for the rest of the process.)
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {DuckDBInstance} from '@duckdb/node-api'
import {registerMigrations} from '../../src/data/migrations.js'
import {closeStore, openStore} from '../../src/data/store.js'
import {freshStore} from './helpers.js'

async function tablesAndMigrations(db: string): Promise<{tables: string[]; migrations: string[]}> {
  const instance = await DuckDBInstance.create(db, {access_mode: 'READ_ONLY'})
  const conn = await instance.connect()
  try {
    const tables = (await conn.runAndReadAll(`SELECT table_name FROM duckdb_tables() ORDER BY 1`)).getRowObjectsJS().map((r) => String(r.table_name))
    const migrations = (await conn.runAndReadAll(`SELECT name FROM schema_migrations ORDER BY version`)).getRowObjectsJS().map((r) => String(r.name))
    return {tables, migrations}
  } finally {
    conn.closeSync()
    instance.closeSync()
  }
}

describe('migrate', () => {
  it('applies the pending migrations all or none', async () => {
    const {store, db} = await freshStore()
    await closeStore(store)
    const before = await tablesAndMigrations(db)
    assert.ok(before.migrations.length >= 3)
    registerMigrations(
      {name: 'test/001-good', up: 'CREATE TABLE test_good (id INTEGER)'},
      {name: 'test/002-bad', up: 'ALTER TABLE no_such_table ADD COLUMN x INTEGER'},
    )
    await assert.rejects(openStore({path: db}), /migration test\/002-bad failed/)
    assert.deepEqual(await tablesAndMigrations(db), before)
  })
})
