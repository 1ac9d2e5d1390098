/**
 * The embedded DuckDB store. One DuckDBInstance per file per process (two instances of one file in
 * one process would not see each other's lock), shared by reference-counted handles.
 *
 * Read-write opens run the migrations and create the folder and file on first use. Read-only opens
 * let several processes read at once; when the file does not exist yet or lacks migrations, the
 * store is opened read-write for a moment to create or migrate it, then reopened read-only.
 * Hold read-write handles briefly: while one is open, no other process can open the file at all.
 */
import {closeSync, existsSync, mkdirSync, openSync, readSync, statSync} from 'node:fs'
import path from 'node:path'
import {DuckDBInstance, type DuckDBConnection} from '@duckdb/node-api'
import {BotsError} from '../core/errors.js'
import {storeOpenError} from './store-errors.js'
import {migrate, pendingMigrations} from './migrations.js'
import {resolveStorePath} from './store-path.js'
import './schema.js'

export interface Store {
  /** Absolute path of the DuckDB file (or `:memory:`). */
  readonly path: string
  /** True when the underlying instance was opened read-only: writes will fail. */
  readonly readOnly: boolean
  /** This handle's connection. Closed by `closeStore`. */
  readonly conn: DuckDBConnection
  /** Another connection to the same instance, closed with the handle (separate session settings). */
  connect(): Promise<DuckDBConnection>
}

export interface OpenStoreOptions {
  /** File path; default from `resolveStorePath()` (BOTS_DB, then `.bots/bots.duckdb`). */
  path?: string
  readOnly?: boolean
}

interface Entry {
  instance: DuckDBInstance
  readOnly: boolean
  refs: number
}

const instances = new Map<string, Entry>()
const handles = new Set<Handle>()

class Handle implements Store {
  private extra: DuckDBConnection[] = []
  constructor(readonly path: string, readonly readOnly: boolean, readonly conn: DuckDBConnection, private entry: Entry) {}

  async connect(): Promise<DuckDBConnection> {
    const c = await this.entry.instance.connect()
    this.extra.push(c)
    return c
  }

  release(c: DuckDBConnection): void {
    c.closeSync()
    this.extra = this.extra.filter((x) => x !== c)
  }

  close(): void {
    for (const c of [...this.extra, this.conn]) c.closeSync()
    this.extra = []
    this.entry.refs--
    if (this.entry.refs === 0) {
      this.entry.instance.closeSync()
      instances.delete(this.path)
    }
  }
}

export async function openStore(opts: OpenStoreOptions = {}): Promise<Store> {
  const file = opts.path === ':memory:' ? ':memory:' : resolveStorePath(opts.path)
  const readOnly = opts.readOnly ?? false
  let entry = instances.get(file)
  if (entry && entry.readOnly && !readOnly) {
    throw new Error(`bug: ${file} is open read-only in this process; close it before opening it read-write`)
  }
  if (!entry) {
    entry = {instance: await createInstance(file, readOnly), readOnly, refs: 0}
    instances.set(file, entry)
  }
  entry.refs++
  try {
    const conn = await entry.instance.connect()
    const handle = new Handle(file, entry.readOnly, conn, entry)
    handles.add(handle)
    return handle
  } catch (e) {
    entry.refs--
    throw e
  }
}

/** Close one handle, or every handle this process opened. Releases the file when none remain. */
export async function closeStore(store?: Store): Promise<void> {
  const targets = store ? [store as Handle] : [...handles]
  for (const h of targets) {
    if (!handles.delete(h)) continue
    h.close()
  }
}

/** Open, run `fn`, close: the way to hold a write lock only as long as the work takes. */
export async function withStore<T>(opts: OpenStoreOptions, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(opts)
  try {
    return await fn(store)
  } finally {
    await closeStore(store)
  }
}

async function createInstance(file: string, readOnly: boolean): Promise<DuckDBInstance> {
  if (file === ':memory:') return migrated(await DuckDBInstance.create(file))
  if (!readOnly) {
    mkdirSync(path.dirname(file), {recursive: true})
    return migrated(await create(file, false))
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
    return await DuckDBInstance.create(file, readOnly ? {access_mode: 'READ_ONLY'} : {})
  } catch (e) {
    throw storeOpenError(e, file, readOnly)
  }
}

/**
 * Refuse an existing file that is not a DuckDB database before DuckDB sees it: DuckDB would open
 * some (a CSV, for one) as a read-only view, and a wrong --db must never be written to.
 */
function assertDuckDbFile(file: string): void {
  if (!existsSync(file) || statSync(file).size === 0) return
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
    await migrate(conn)
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

/**
 * Run `fn` on a fresh connection of the store, closed afterwards. Use it for anything that streams
 * or changes session settings, so concurrent calls on one store never share a connection.
 */
export async function withConnection<T>(store: Store, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const conn = await store.connect()
  try {
    return await fn(conn)
  } finally {
    if (store instanceof Handle) store.release(conn)
    else conn.closeSync()
  }
}

/** Run `fn` inside one transaction on `conn`; rolls back on any error. */
export async function inTransaction<T>(conn: DuckDBConnection, fn: () => Promise<T>): Promise<T> {
  await conn.run('BEGIN TRANSACTION')
  try {
    const result = await fn()
    await conn.run('COMMIT')
    return result
  } catch (e) {
    await conn.run('ROLLBACK').catch(() => {})
    throw e
  }
}
