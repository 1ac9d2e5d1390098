/**
 * The embedded DuckDB store. One DuckDBInstance per file per process (two instances of one file in
 * one process would not see each other's lock), shared by reference-counted handles; the file is
 * released when the last handle closes. How an instance is created and migrated: `store-open.ts`.
 *
 * Hold read-write handles briefly: while one is open, no other process can open the file at all.
 */
import {retry} from '../core/retry.js'
import {isBotsError} from '../core/errors.js'
import type {DuckDBConnection, DuckDBInstance} from '@duckdb/node-api'
import {WallClock, type TimerClock} from '../core/clock.js'
import {createInstance} from './store-open.js'
import {resolveStorePath} from './store-path.js'
import {assertStoreExists, type StoreContent} from './store-errors.js'
import {markWaiting, unmarkWaiting} from './wait-mark.js'

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
  /**
   * For a command that only reads: the store must exist already, and a missing one is a
   * `store.missing` error saying no such content (runs, data, bots) is there yet, instead of a
   * new empty store left behind (`assertStoreExists`). Unset: a missing store is created.
   */
  mustExist?: StoreContent
  /** What the wait for this process's read-only handles, and for another process's lock, is timed on (default the wall clock). */
  clock?: TimerClock
  /**
   * How long to wait while another process holds the file (ms; default BOTS_LOCK_WAIT_MS, else
   * 10 s). Every command waits this same bounded way; 0: fail at once (the live service runs its
   * own, shorter-stepped waits: its writes come first).
   */
  lockWaitMs?: number
  /** Told once when the open starts waiting for another process (default: a line on stderr). */
  onLockWait?: (message: string) => void
}

const wall = new WallClock()

interface Entry {
  instance: DuckDBInstance
  readOnly: boolean
  refs: number
  /** Resolves when the last handle closed and the instance was closed. */
  closed: Promise<void>
  markClosed: () => void
}

const instances = new Map<string, Entry>()
const handles = new Set<Handle>()
/** Per-file queue: opens of one file are decided one at a time (never two instances of a file). */
const opening = new Map<string, Promise<unknown>>()

/** How long a read-write open waits for this process's read-only handles of the file to close. */
const UPGRADE_WAIT_MS = 30_000

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
    unref(this.path, this.entry)
  }
}

function unref(file: string, entry: Entry): void {
  entry.refs--
  if (entry.refs > 0) return
  entry.instance.closeSync()
  if (instances.get(file) === entry) instances.delete(file)
  entry.markClosed()
}

/**
 * Open a handle on the store. Within one process, handles share the file's instance: a read-only
 * request is served by an open read-write instance; a read-write request while read-only handles
 * are open waits for them to close (concurrent reads and writes in one process just queue).
 */
export async function openStore(opts: OpenStoreOptions = {}): Promise<Store> {
  if (opts.mustExist) assertStoreExists(opts.path, opts.mustExist)
  const file = opts.path === ':memory:' ? ':memory:' : resolveStorePath(opts.path)
  const readOnly = opts.readOnly ?? false
  const entry = await serialized(file, async () => {
    let e = instances.get(file)
    if (e && e.readOnly && !readOnly) {
      await waitClosed(e, file, opts.clock ?? wall)
      e = undefined
    }
    if (!e) {
      let markClosed!: () => void
      const closed = new Promise<void>((resolve) => (markClosed = resolve))
      e = {instance: await createWhenFree(file, readOnly, opts), readOnly, refs: 0, closed, markClosed}
      instances.set(file, e)
    }
    e.refs++
    return e
  })
  try {
    const conn = await entry.instance.connect()
    const handle = new Handle(file, entry.readOnly, conn, entry)
    handles.add(handle)
    return handle
  } catch (e) {
    unref(file, entry)
    throw e
  }
}

/**
 * Another process holds the file: wait for it, bounded. Steps start at 20 ms and grow to 500 ms
 * (jittered), longer than the live service's (5 ms to 250 ms, `service/db.ts`), so a burst of
 * commands never starves the service's writes; the last error (`store.locked`, saying which
 * process holds it) is what the caller gets.
 */
async function createWhenFree(file: string, readOnly: boolean, opts: OpenStoreOptions) {
  const deadlineMs = opts.lockWaitMs ?? lockWaitFromEnv()
  if (deadlineMs <= 0 || file === ':memory:') return createInstance(file, readOnly)
  let said = false
  let marked = false
  try {
    return await retry(() => createInstance(file, readOnly), {
      clock: opts.clock ?? wall, deadlineMs, initialDelayMs: 20, maxDelayMs: 500, jitter: 0.5,
      retryable: (e) => isBotsError(e) && e.diagnostic.code === 'store.locked',
      onRetry: (e) => {
        markWaiting(file) // at every try: a holder taking turns leaves the file free for it (wait-mark.ts)
        marked = true
        if (said) return
        said = true
        // Said once, on stderr (stdout stays the command's output): a command that seems to hang says why.
        ;(opts.onLockWait ?? ((m: string) => process.stderr.write(`${m}\n`)))(`${(e as Error).message}; waiting up to ${Math.round(deadlineMs / 100) / 10} s for it`)
      },
    })
  } finally {
    if (marked) unmarkWaiting(file)
  }
}

function lockWaitFromEnv(): number {
  const v = Number(process.env.BOTS_LOCK_WAIT_MS)
  return Number.isFinite(v) && v >= 0 ? v : 10_000
}

async function serialized<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const before = opening.get(file) ?? Promise.resolve()
  const mine = before.catch(() => {}).then(fn)
  opening.set(file, mine)
  try {
    return await mine
  } finally {
    if (opening.get(file) === mine) opening.delete(file)
  }
}

async function waitClosed(entry: Entry, file: string, clock: TimerClock): Promise<void> {
  let timer: number | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = clock.setTimer(UPGRADE_WAIT_MS, () =>
      reject(new Error(`bug: ${file} stayed open read-only in this process for ${UPGRADE_WAIT_MS / 1000} s while a read-write open waited; close read-only handles before writing`)),
    )
  })
  try {
    await Promise.race([entry.closed, timeout])
  } finally {
    clock.cancel(timer)
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

/**
 * Run `fn` on a fresh connection of the store, closed afterwards. Use it for anything that streams
 * or changes session settings, so concurrent calls on one store never share a connection.
 */
export async function withConnection<T>(store: Store, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const conn = await store.connect()
  try {
    return await fn(conn)
  } finally {
    releaseConnection(store, conn)
  }
}

/** Closes a connection taken with `store.connect()`. */
export function releaseConnection(store: Store, conn: DuckDBConnection): void {
  if (store instanceof Handle) store.release(conn)
  else conn.closeSync()
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
