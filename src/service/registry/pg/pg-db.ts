/**
 * One connection pool to the PostgreSQL registry, with the schema brought up to date on open.
 * Numbers come back as numbers (BIGINT ids and epochs fit a double), and a server that cannot be
 * reached is a located, hinted error rather than a driver stack trace.
 */
import pg from 'pg'
import {BotsError} from '../../../core/errors.js'
import {isConnectionError} from '../connection-error.js'
import {migrate} from './pg-schema.js'
import {parseRegistryUrl} from './pg-url.js'

export const CHANNEL = 'bots_registry'

/** What a NOTIFY on `bots_registry` says: which bot changed and how, or that the set of processes or leases did. */
export interface RegistryChange {
  bot?: number
  user?: number
  what: 'added' | 'updated' | 'enabled' | 'disabled' | 'removed' | 'released' | 'joined' | 'left'
}

const INT8 = 20
const NUMERIC = 1700
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8 || oid === NUMERIC ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
}

/**
 * How long the server lets a session sit idle inside a transaction before it ends the session
 * (and so rolls back and releases its row locks). Every transaction here is a few statements sent
 * back to back, so only a frozen or stalled process gets there (SIGSTOP, a VM paused, swap): left
 * alone, its locks would hold the bots it leased forever, and no other process could take them
 * over after the lease's TTL (the claim skips locked rows, the renewal's upsert waits on them).
 */
export const IDLE_IN_TRANSACTION_MS = 5_000

export class PgDb {
  readonly pool: pg.Pool
  readonly shown: string
  readonly url: string

  private constructor(url: string, shown: string, max: number, idleInTransactionMs: number) {
    this.url = url
    this.shown = shown
    this.pool = new pg.Pool({
      connectionString: url, max, types, connectionTimeoutMillis: 10_000, application_name: 'bots',
      idle_in_transaction_session_timeout: idleInTransactionMs,
    })
    // An idle connection that breaks (server restart) must not take the process down; the next query reconnects.
    this.pool.on('error', () => {})
  }

  /** `idleInTransactionMs`: see IDLE_IN_TRANSACTION_MS (tests shorten it). */
  static async open(text: string, opts: {max?: number; idleInTransactionMs?: number} = {}): Promise<PgDb> {
    const {url, shown} = parseRegistryUrl(text)
    const db = new PgDb(url, shown, opts.max ?? 10, opts.idleInTransactionMs ?? IDLE_IN_TRANSACTION_MS)
    try {
      const client = await db.pool.connect()
      const onError = () => {}
      client.on('error', onError)
      try {
        await migrate(client)
      } finally {
        client.off('error', onError)
        client.release()
      }
    } catch (e) {
      await db.pool.end().catch(() => {})
      throw unreachable(e, shown)
    }
    return db
  }

  /**
   * `fn` in one transaction on one connection. While a connection is checked out the pool does not
   * listen for its errors, and a server going away mid-transaction emits one: without a listener
   * of our own that would end the process instead of failing this call.
   */
  async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect()
    let broken: Error | undefined
    const onError = (e: Error) => (broken = e)
    c.on('error', onError)
    try {
      await c.query('BEGIN')
      const out = await fn(c)
      await c.query('COMMIT')
      return out
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {})
      broken ??= isConnectionError(e) ? (e as Error) : undefined
      throw e
    } finally {
      c.off('error', onError)
      // A broken connection is destroyed, not handed to the next caller.
      c.release(broken)
    }
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => {})
  }
}

/** Sent with the transaction that made the change: PostgreSQL delivers it on commit, never before. */
export async function notifyChange(c: pg.PoolClient | pg.Pool, change: RegistryChange): Promise<void> {
  await c.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(change)])
}

/** A connection failure as the user should read it (the URL never holds a password: see pg-url.ts). */
export function unreachable(e: unknown, shown: string): Error {
  if (e instanceof BotsError) return e
  const err = e as NodeJS.ErrnoException & {code?: string}
  const connection = isConnectionError(e) || ['28P01', '28000', '3D000'].includes(String(err.code))
  if (!connection) return err
  const auth = err.code === '28P01' || err.code === '28000'
  return new BotsError(`cannot use the registry at ${shown}: ${err.message}`, {
    code: 'registry.unreachable',
    hint: auth ? 'check the user in the URL and PGPASSWORD or ~/.pgpass' : err.code === '3D000' ? 'create the database first (createdb)' : 'is the PostgreSQL server running and reachable from here?',
  })
}
