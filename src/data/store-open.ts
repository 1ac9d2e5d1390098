/**
 * Creating a DuckDB instance for a store file. Read-write opens run the migrations and create the
 * folder and file on first use (a copy of the build's empty store where there is one:
 * store-template.ts). Read-only opens let several processes read at once; when the file
 * does not exist yet or lacks migrations, it is opened read-write for a moment to create or
 * migrate it, then reopened read-only.
 */
import {closeSync, existsSync, mkdirSync, openSync, readSync, statSync} from 'node:fs'
import path from 'node:path'
import type {DuckDBInstance} from '@duckdb/node-api'
import {DuckDBInstance as Instance} from './duckdb-api.js'
import {BotsError} from '../core/errors.js'
import {migrate, pendingMigrations} from './migrations.js'
import {seedFromTemplate} from './store-template.js'
import {storeOpenError} from './store-errors.js'
import './schema.js'

export async function createInstance(file: string, readOnly: boolean): Promise<DuckDBInstance> {
  if (file === ':memory:') return migrated(await Instance.create(file))
  if (!readOnly) {
    mkdirSync(path.dirname(file), {recursive: true})
    seedFromTemplate(file)
    return migrated(await create(file, false))
  }
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), {recursive: true})
    seedFromTemplate(file)
  }
  if (existsSync(file)) {
    const ro = await create(file, true)
    if (!(await hasPending(ro))) return ro
    ro.closeSync()
  }
  // A missing or out-of-date file: create or migrate it in a brief read-write open, then reopen.
  mkdirSync(path.dirname(file), {recursive: true})
  ;(await migrated(await create(file, false))).closeSync()
  return create(file, true)
}

async function create(file: string, readOnly: boolean): Promise<DuckDBInstance> {
  assertDuckDbFile(file)
  try {
    return await Instance.create(file, readOnly ? {access_mode: 'READ_ONLY'} : {})
  } catch (e) {
    throw storeOpenError(e, file, readOnly)
  }
}

/**
 * Refuse an existing file that is not a DuckDB database before DuckDB sees it: DuckDB would open
 * some (a CSV, for one) as a read-only view, and a wrong --db must never be written to.
 */
function assertDuckDbFile(file: string): void {
  if (!existsSync(file)) return
  const stat = statSync(file)
  // Reading a folder fails with a bare EISDIR that names neither the path nor the flag.
  if (stat.isDirectory()) {
    throw new BotsError('the store path is a folder, not a DuckDB file', {
      code: 'store.open',
      file,
      hint: `point --db or BOTS_DB at a .duckdb file, e.g. --db ${path.join(file, 'bots.duckdb')} (it is created if it does not exist)`,
    })
  }
  if (stat.size === 0) return
  const head = Buffer.alloc(12)
  const fd = openSync(file, 'r')
  try {
    readSync(fd, head, 0, 12, 0)
  } finally {
    closeSync(fd)
  }
  if (head.toString('latin1', 8, 12) !== 'DUCK') {
    throw new BotsError(`${file} is not a DuckDB store`, {
      code: 'store.open',
      file,
      hint: 'point --db or BOTS_DB at a DuckDB file, or at a path that does not exist yet (it is created)',
    })
  }
}

async function migrated(instance: DuckDBInstance): Promise<DuckDBInstance> {
  const conn = await instance.connect()
  try {
    // Checkpointed at once: DuckDB 1.5 cannot replay a WAL holding these tables' creation (a
    // DEFAULT nextval(…) fails with "no default database set"), so a process killed before the
    // store's first checkpoint (a first import, a first run) left a file nothing could open.
    if ((await migrate(conn)).length > 0) await conn.run('CHECKPOINT')
  } catch (e) {
    conn.closeSync()
    instance.closeSync()
    throw e
  }
  conn.closeSync()
  return instance
}

async function hasPending(instance: DuckDBInstance): Promise<boolean> {
  const conn = await instance.connect()
  try {
    return (await pendingMigrations(conn)).length > 0
  } finally {
    conn.closeSync()
  }
}
