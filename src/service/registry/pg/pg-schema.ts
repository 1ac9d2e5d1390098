/**
 * The PostgreSQL registry's schema, as versioned migrations. Each runs in its own transaction
 * with its version row, under an advisory lock, so several `bots live` processes starting at once
 * migrate exactly once and a failed migration leaves the schema as it was.
 *
 * The same tables as the DuckDB registry (`service/schema.ts`), in PostgreSQL's own terms:
 * `timestamptz`, `jsonb` state upserted in place, keys and indexes where readers need them, and
 * two tables DuckDB does not need:
 * - `bot_leases`: which process holds a bot, since when, until when, and the claim's `epoch`
 *   (never reset: a released lease keeps its row and epoch, so a stale holder's epoch stays stale);
 * - `service_processes`: the `bots live` processes alive, for a fair share of the bots.
 * Orders and fills keep the epoch they were written under.
 */
import type {PoolClient} from 'pg'

export interface PgMigration {
  version: number
  name: string
  up: string
}

export const PG_MIGRATIONS: PgMigration[] = [
  {
    version: 1,
    name: 'registry',
    up: `
    CREATE TABLE bots (
      id BIGSERIAL PRIMARY KEY,
      user_id BIGINT NOT NULL,
      name TEXT NOT NULL,
      spec TEXT NOT NULL,
      spec_file TEXT,
      spec_hash TEXT NOT NULL,
      enabled BOOLEAN NOT NULL DEFAULT true,
      status TEXT NOT NULL DEFAULT 'stopped' CHECK (status IN ('stopped', 'starting', 'running', 'error', 'crashed')),
      error TEXT,
      heartbeat_at TIMESTAMPTZ,
      created_at TIMESTAMPTZ NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL,
      UNIQUE (user_id, name)
    );
    CREATE INDEX bots_user ON bots (user_id) WHERE enabled;
    CREATE TABLE bot_trades (
      bot_id BIGINT NOT NULL,
      user_id BIGINT NOT NULL,
      run INTEGER NOT NULL,
      order_id BIGINT NOT NULL,
      fill_seq INTEGER NOT NULL,
      symbol TEXT NOT NULL,
      side TEXT NOT NULL,
      quantity DOUBLE PRECISION NOT NULL,
      price DOUBLE PRECISION NOT NULL,
      commission DOUBLE PRECISION NOT NULL,
      fill_time TIMESTAMPTZ NOT NULL,
      recorded_at TIMESTAMPTZ NOT NULL,
      trade_id TEXT,
      epoch BIGINT NOT NULL,
      PRIMARY KEY (bot_id, run, order_id, fill_seq)
    );
    CREATE TABLE bot_orders (
      bot_id BIGINT NOT NULL,
      user_id BIGINT NOT NULL,
      run INTEGER NOT NULL,
      spec_hash TEXT NOT NULL,
      order_id BIGINT NOT NULL,
      symbol TEXT NOT NULL,
      side TEXT NOT NULL,
      quantity DOUBLE PRECISION NOT NULL,
      type TEXT NOT NULL,
      limit_price DOUBLE PRECISION,
      stop_price DOUBLE PRECISION,
      created_ts TIMESTAMPTZ NOT NULL,
      client_order_id TEXT,
      epoch BIGINT NOT NULL,
      -- Ids an order was decided under by earlier holders (a takeover re-decides it under its own epoch).
      earlier_client_ids TEXT[] NOT NULL DEFAULT '{}',
      PRIMARY KEY (bot_id, run, order_id)
    );
    CREATE TABLE bot_bars (
      bot_id BIGINT NOT NULL,
      user_id BIGINT NOT NULL,
      run INTEGER NOT NULL,
      spec_hash TEXT NOT NULL,
      symbol TEXT NOT NULL,
      ts TIMESTAMPTZ NOT NULL,
      close_ts TIMESTAMPTZ NOT NULL,
      open DOUBLE PRECISION NOT NULL,
      high DOUBLE PRECISION NOT NULL,
      low DOUBLE PRECISION NOT NULL,
      close DOUBLE PRECISION NOT NULL,
      volume DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX bot_bars_run ON bot_bars (bot_id, run, spec_hash);
    CREATE TABLE bot_metrics (
      bot_id BIGINT NOT NULL,
      user_id BIGINT NOT NULL,
      ts TIMESTAMPTZ NOT NULL,
      equity DOUBLE PRECISION NOT NULL,
      cash DOUBLE PRECISION NOT NULL,
      positions JSONB NOT NULL,
      pnl DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX bot_metrics_bot ON bot_metrics (bot_id, ts);
    CREATE TABLE bot_events (
      id BIGSERIAL PRIMARY KEY,
      bot_id BIGINT NOT NULL,
      user_id BIGINT NOT NULL,
      ts TIMESTAMPTZ NOT NULL,
      kind TEXT NOT NULL,
      message TEXT
    );
    CREATE INDEX bot_events_bot ON bot_events (bot_id, id);
    CREATE TABLE bot_state (
      bot_id BIGINT PRIMARY KEY,
      user_id BIGINT NOT NULL,
      run INTEGER NOT NULL,
      spec_hash TEXT NOT NULL,
      state JSONB NOT NULL,
      saved_at TIMESTAMPTZ NOT NULL
    );
    CREATE TABLE bot_leases (
      bot_id BIGINT PRIMARY KEY,
      holder TEXT,
      host TEXT,
      pid INTEGER,
      epoch BIGINT NOT NULL,
      claimed_at TIMESTAMPTZ NOT NULL,
      expires_at TIMESTAMPTZ NOT NULL
    );
    CREATE INDEX bot_leases_holder ON bot_leases (holder);
    CREATE TABLE service_processes (
      holder TEXT PRIMARY KEY,
      host TEXT NOT NULL,
      pid INTEGER NOT NULL,
      user_id BIGINT,
      started_at TIMESTAMPTZ NOT NULL,
      expires_at TIMESTAMPTZ NOT NULL
    )`,
  },
]

/** An arbitrary constant: the advisory lock every process takes to migrate. */
const MIGRATION_LOCK = 7_274_401_115

/** Brings the schema up to date; safe to call from many processes at once. */
export async function migrate(client: PoolClient, migrations: PgMigration[] = PG_MIGRATIONS): Promise<number[]> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS registry_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`)
    const done = new Set((await client.query<{version: number}>('SELECT version FROM registry_migrations')).rows.map((r) => Number(r.version)))
    const applied: number[] = []
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue
      await client.query('BEGIN')
      try {
        await client.query(m.up)
        await client.query('INSERT INTO registry_migrations (version, name) VALUES ($1, $2)', [m.version, m.name])
        await client.query('COMMIT')
      } catch (e) {
        await client.query('ROLLBACK')
        throw new Error(`registry migration ${m.version} (${m.name}) failed, nothing of it applied: ${(e as Error).message}`)
      }
      applied.push(m.version)
    }
    return applied
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK])
  }
}
