/**
 * How every part of the live service touches the database: open → one transaction → close.
 *
 * DuckDB lets one process hold a file for writing and locks every other process out meanwhile,
 * readers included. So nobody holds it for long: the service opens the file for each batched
 * write, management commands for each command, and whoever finds it locked waits with backoff
 * (bounded) instead of failing at once. Lock waits are then a few milliseconds, not a failure.
 */
import type {DuckDBConnection} from '@duckdb/node-api'
import {WallClock, type TimerClock} from '../core/clock.js'
import {BotsError, isBotsError} from '../core/errors.js'
import {retry} from '../core/retry.js'
import {inTransaction, withStore, type Store} from '../data/store.js'
import {resolveStorePath} from '../data/store-path.js'
import {assertStoreExists, type StoreContent} from '../data/store-errors.js'
import {markWaiting, unmarkWaiting} from '../data/wait-mark.js'
import type {StoreTurns} from './store-turns.js'
import './schema.js'

export interface DbOptions {
  /** `--db`; else BOTS_DB, else `.bots/bots.duckdb`. */
  path?: string
  /** How long to keep retrying a locked file before giving up (ms). */
  lockTimeoutMs?: number
  /** What the lock waits run on (the service passes its own; default the wall clock). */
  clock?: TimerClock
  /** Jitter source for the lock waits (default Math.random). */
  random?: () => number
  /** Told `true` when a wait for a locked store begins (on the clock), `false` when it is over (tried again): paired. */
  onLockWait?: (waiting: boolean) => void
  /** A service's turns on its store file (`store-turns.ts`): every `withDb` on that file waits for its turn. */
  turns?: StoreTurns
  /**
   * A command on bots that must already be there (`bots list`, `status`, `trades`, `logs`,
   * `parity`, `enable`, `disable`, `remove`, `update`): it refuses a store that does not exist
   * (`store.missing`, naming what is not there yet) instead of creating it. `bots add` and the
   * service leave it unset: they create the store.
   */
  mustExist?: StoreContent
}

const wall = new WallClock()

export const DEFAULT_LOCK_TIMEOUT_MS = 10_000

/** The file a `DbOptions.path` names (':memory:' as it is). */
export function storeFile(path: string | undefined): string {
  return path === ':memory:' ? ':memory:' : resolveStorePath(path)
}

/** Run `fn` in one transaction on the store, retrying while another process holds the file. */
export async function withDb<T>(opts: DbOptions, fn: (conn: DuckDBConnection) => Promise<T>, mode: 'read' | 'write' = 'write'): Promise<T> {
  if (opts.mustExist) assertStoreExists(opts.path, opts.mustExist)
  const file = storeFile(opts.path)
  return retryLocked(file, opts, (clock) => inTurn(opts, file, () => withStore({path: file, readOnly: mode === 'read', clock, lockWaitMs: 0}, (store) => inTransaction(store.conn, () => fn(store.conn)))))
}

/**
 * Like `withDb` but hands over the store itself (for library calls that take a Store), no
 * transaction. It takes no turn (`opts.turns`): it is a bot's data import, which may hold the file
 * for seconds, and the service's short transactions share the open file meanwhile instead of
 * waiting behind it for the end of a long hold.
 */
export async function withDbStore<T>(opts: DbOptions, fn: (store: Store) => Promise<T>, mode: 'read' | 'write' = 'write'): Promise<T> {
  if (opts.mustExist) assertStoreExists(opts.path, opts.mustExist)
  const file = storeFile(opts.path)
  return retryLocked(file, opts, (clock) => withStore({path: file, readOnly: mode === 'read', clock, lockWaitMs: 0}, fn))
}

async function inTurn<T>(opts: DbOptions, file: string, fn: () => Promise<T>): Promise<T> {
  if (!opts.turns || opts.turns.file !== file) return fn()
  await opts.turns.enter()
  try {
    return await fn()
  } finally {
    opts.turns.leave()
  }
}

export const readDb = <T>(opts: DbOptions, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> => withDb(opts, fn, 'read')

/**
 * Start short (the usual holder is a write of a few ms): 5 ms, doubling up to 250 ms, ±50 % jitter,
 * for `lockTimeoutMs` in all. Not more often: a failed open costs ~7 ms of CPU, and processes that
 * share a store (several services on one machine) would burn it on each other. A busy service
 * leaves gaps for these tries (its turns, `store-turns.ts`), and longer ones while the waiter's
 * mark says it waits (`data/wait-mark.ts`; the mark stays until the waiter's work in the file is done).
 */
async function retryLocked<T>(file: string, opts: DbOptions, attempt: (clock: TimerClock) => Promise<T>): Promise<T> {
  const clock = opts.clock ?? wall
  const timeoutMs = opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS
  let marked = false
  try {
    // Each wait is reported once as begun and once as over (the next try), so a watcher can count sleepers.
    let asleep = false
    const wake = () => {
      if (asleep) opts.onLockWait?.(false)
      asleep = false
    }
    return await retry(() => (wake(), attempt(clock)), {
      clock, deadlineMs: timeoutMs, initialDelayMs: 5, maxDelayMs: 250, jitter: 0.5, random: opts.random, retryable: isLocked,
      onRetry: () => {
        // At every try: a busy service leaves the file free to a process that marks it waits
        // (wait-mark.ts). Not the service itself (it takes turns on the file): its mark would hide the others'.
        if (file !== ':memory:' && opts.turns?.file !== file) {
          markWaiting(file)
          marked = true
        }
        asleep = true
        opts.onLockWait?.(true)
      },
    })
  } catch (e) {
    if (!isLocked(e)) throw e
    const waited = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`
    throw new BotsError(`the store stayed locked for ${waited}: ${(e as Error).message}`, {
      code: 'store.locked',
      file,
      hint: 'another process holds it for a long write (an import or a backtest?); retry when it is done, or use another store with --db',
    })
  } finally {
    if (marked) unmarkWaiting(file)
  }
}

function isLocked(e: unknown): boolean {
  return isBotsError(e) && e.diagnostic.code === 'store.locked'
}
