/**
 * `--registry URL` (or `BOTS_REGISTRY`): the PostgreSQL registry; else the DuckDB store (`--db`).
 * The PostgreSQL client is loaded only when asked for, so the default stays quick to start.
 */
import {existsSync} from 'node:fs'
import {readDb, type DbOptions} from '../db.js'
import {resolveStorePath} from '../../data/store-path.js'
import {DuckRegistry} from './duck-registry.js'
import type {Registry} from './registry.js'

export interface OpenRegistryOptions {
  /** `--registry`; undefined: BOTS_REGISTRY, else the DuckDB store. */
  registry?: string
  /** The DuckDB store: the registry without `--registry`, and where bars live either way. */
  db: DbOptions
  env?: NodeJS.ProcessEnv
  /** Connections in the PostgreSQL pool. */
  maxConnections?: number
}

export function registryUrl(o: Pick<OpenRegistryOptions, 'registry' | 'env'>): string | undefined {
  const url = o.registry ?? (o.env ?? process.env).BOTS_REGISTRY
  return url === undefined || url === '' ? undefined : url
}

export async function openRegistry(o: OpenRegistryOptions): Promise<Registry> {
  const url = registryUrl(o)
  if (url === undefined) return new DuckRegistry(o.db)
  const [{PgDb}, {PgRegistry}, {hasBars, storedBarsAfter}] = await Promise.all([import('./pg/pg-db.js'), import('./pg/pg-registry.js'), import('../queries.js')])
  const db = await PgDb.open(url, {max: o.maxConnections})
  const store = o.db.path === ':memory:' ? undefined : resolveStorePath(o.db.path)
  return new PgRegistry(db, {
    // Bars stay in the DuckDB store: a replay bot's position is counted there, when the store is here.
    barsAfter: async (tf, symbols, last) => {
      if (!store || !existsSync(store)) return null
      return readDb({...o.db, path: store}, async (conn) => ((await hasBars(conn)) ? storedBarsAfter(conn, tf, symbols, last) : null)).catch(() => null)
    },
  })
}

/** Open, use, close: what a management command does. */
export async function withRegistry<T>(o: OpenRegistryOptions, fn: (r: Registry) => Promise<T>): Promise<T> {
  const r = await openRegistry(o)
  try {
    return await fn(r)
  } finally {
    await r.close()
  }
}
