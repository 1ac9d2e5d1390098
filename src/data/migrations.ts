/**
 * Versioned schema. Every module that owns tables appends its migrations to one ordered list,
 * each keyed by a unique name (`data/001-bars`, `live/001-bots`, …). `migrate` applies the ones a
 * store has not seen, in list order, all in one transaction (a store gets every pending migration
 * or none, and a fresh store's take one commit, not one each), and records them in
 * `schema_migrations`; `version` there is the count of migrations applied so far.
 *
 * Register before the first `openStore` of the process (at module load is simplest); a store
 * opened later picks the new ones up, since every read-write open runs `migrate`.
 */
import type {DuckDBConnection} from '@duckdb/node-api'

export interface Migration {
  /** Unique and never renamed: `<module>/<NNN>-<what>`. */
  readonly name: string
  /** SQL (may hold several statements) or a function for migrations that need logic. */
  readonly up: string | ((conn: DuckDBConnection) => Promise<void>)
}

const registry: Migration[] = []

/** Append migrations to the ordered list. Re-registering the same name is ignored (module reloads). */
export function registerMigrations(...migrations: Migration[]): void {
  for (const m of migrations) {
    if (!/^[a-z0-9_-]+\/[0-9]{3}-[a-z0-9_-]+$/i.test(m.name)) {
      throw new Error(`migration name "${m.name}" must look like "module/001-what"`)
    }
    if (!registry.some((r) => r.name === m.name)) registry.push(m)
  }
}

export function registeredMigrations(): readonly Migration[] {
  return registry
}

const BOOKKEEPING = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name VARCHAR NOT NULL UNIQUE,
  applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp
)`

/** Names of the migrations this store has applied (empty for a fresh or foreign file). */
export async function appliedMigrations(conn: DuckDBConnection): Promise<Set<string>> {
  const exists = await conn.runAndReadAll(
    `SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = 'schema_migrations' AND NOT temporary`,
  )
  if (exists.getRowObjectsJS()[0].n === 0) return new Set()
  const rows = await conn.runAndReadAll('SELECT name FROM schema_migrations')
  return new Set(rows.getRowObjectsJS().map((r) => String(r.name)))
}

export async function pendingMigrations(conn: DuckDBConnection): Promise<Migration[]> {
  const applied = await appliedMigrations(conn)
  return registry.filter((m) => !applied.has(m.name))
}

/** Apply pending migrations; returns the names applied. The connection must be read-write. */
export async function migrate(conn: DuckDBConnection): Promise<string[]> {
  const pending = await pendingMigrations(conn)
  if (pending.length === 0) return []
  if (await migratedAtOnce(conn, pending)) return pending.map((m) => m.name)
  await conn.run(BOOKKEEPING)
  await conn.run('BEGIN TRANSACTION')
  for (const m of pending) {
    try {
      if (typeof m.up === 'string') await conn.run(m.up)
      else await m.up(conn)
      await conn.run(
        `INSERT INTO schema_migrations (version, name)
         SELECT coalesce(max(version), 0) + 1, $1 FROM schema_migrations`,
        [m.name],
      )
    } catch (e) {
      await conn.run('ROLLBACK')
      throw new Error(`migration ${m.name} failed: ${(e as Error).message}`, {cause: e})
    }
  }
  try {
    await conn.run('COMMIT')
  } catch (e) {
    await conn.run('ROLLBACK').catch(() => {})
    throw new Error(`migrations ${pending.map((m) => m.name).join(', ')} failed to commit: ${(e as Error).message}`, {cause: e})
  }
  return pending.map((m) => m.name)
}

/**
 * All of `pending` in one call (a fresh store has a dozen statements, each a round trip of its
 * own otherwise: ~40 ms of every first import). False when one is not plain SQL, or when the call
 * fails: then everything is rolled back and `migrate` goes step by step, which says which failed.
 * The names are safe to write inline: registerMigrations allows letters, digits, `_`, `-`, `/`.
 */
async function migratedAtOnce(conn: DuckDBConnection, pending: readonly Migration[]): Promise<boolean> {
  const steps: string[] = []
  for (const m of pending) {
    if (typeof m.up !== 'string') return false
    steps.push(m.up, `INSERT INTO schema_migrations (version, name) SELECT coalesce(max(version), 0) + 1, '${m.name}' FROM schema_migrations`)
  }
  try {
    // Each statement ends on a line of its own: a migration's closing `-- comment` cannot swallow it.
    await conn.run([BOOKKEEPING, 'BEGIN TRANSACTION', ...steps, 'COMMIT'].join('\n;\n'))
    return true
  } catch {
    await conn.run('ROLLBACK').catch(() => {}) // none open when the COMMIT itself failed
    return false
  }
}

/** Current schema version: how many migrations the store has applied. */
export async function schemaVersion(conn: DuckDBConnection): Promise<number> {
  return (await appliedMigrations(conn)).size
}
