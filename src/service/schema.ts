/**
 * The live service's tables. Every row of every table belongs to one bot, and every bot to one
 * user: queries always filter by `user_id` (directly or through `bots`) so one user's service
 * never reads or writes another's bots.
 *
 * - `bots`: the registry. `spec` is the YAML text as added; `spec_file` the path it came from
 *   (relative paths inside the spec resolve against its folder); `spec_hash` tells a running
 *   service that the spec changed.
 * - A bot's `run` counts its fresh starts: it changes only when a bot starts without a state to
 *   resume (first start, or a new spec its old state cannot serve), since order ids start over
 *   then. Resumes, restarts after a crash and compatible reloads keep the run and its order ids.
 * - `bot_trades`: one row per fill. `fill_seq` is the bot's all-time fill number (the runtime's
 *   `fillCount`), so the primary key (bot_id, run, order_id, fill_seq) makes a fill recorded twice
 *   (re-delivered after a resume) a no-op instead of a duplicate, partial fills included.
 * - `bot_metrics`: equity snapshots; `bot_events`: start, stop, crash, reload, error…
 * - `bot_state`: the runtime's BotState JSON, one row per bot, replaced on every save.
 * - `bot_bars` and `bot_orders`: the bars each bot acted on and the orders it decided, per spec
 *   version, so `bots parity` can replay the bars through a backtest and compare decisions. An
 *   order re-delivered after a resume is a no-op (key); a bar may be stored twice then, and
 *   readers count each (symbol, time) once.
 * - Tables written with every bar (`bot_bars`, `bot_state`, `bot_metrics`) have no index: rows
 *   are appended (DuckDB's appender), and `bot_state` keeps one row per bot because its writer
 *   deletes before it appends. An index there made every write several times slower.
 *
 * - `service_leases`: which `bots live` process runs a user's bots (see lease.ts).
 *
 * Timestamps are naive TIMESTAMPs holding UTC, written from the service's clock.
 */
import {registerMigrations} from '../data/migrations.js'

registerMigrations(
  {
    name: 'service/001-bots',
    up: `CREATE SEQUENCE bots_id START 1;
    CREATE TABLE bots (
      id BIGINT PRIMARY KEY DEFAULT nextval('bots_id'),
      user_id BIGINT NOT NULL,
      name VARCHAR NOT NULL,
      spec VARCHAR NOT NULL,
      spec_file VARCHAR,
      spec_hash VARCHAR NOT NULL,
      enabled BOOLEAN NOT NULL DEFAULT true,
      status VARCHAR NOT NULL DEFAULT 'stopped' CHECK (status IN ('stopped', 'starting', 'running', 'error', 'crashed')),
      error VARCHAR,
      heartbeat_at TIMESTAMP,
      created_at TIMESTAMP NOT NULL,
      updated_at TIMESTAMP NOT NULL,
      UNIQUE (user_id, name)
    )`,
  },
  {
    name: 'service/002-records',
    up: `CREATE TABLE bot_trades (
      bot_id BIGINT NOT NULL,
      user_id BIGINT NOT NULL,
      run INTEGER NOT NULL,
      order_id BIGINT NOT NULL,
      fill_seq INTEGER NOT NULL,
      symbol VARCHAR NOT NULL,
      side VARCHAR NOT NULL,
      quantity DOUBLE NOT NULL,
      price DOUBLE NOT NULL,
      commission DOUBLE NOT NULL,
      fill_time TIMESTAMP NOT NULL,
      recorded_at TIMESTAMP NOT NULL,
      PRIMARY KEY (bot_id, run, order_id, fill_seq)
    );
    CREATE TABLE bot_metrics (
      bot_id BIGINT NOT NULL,
      user_id BIGINT NOT NULL,
      ts TIMESTAMP NOT NULL,
      equity DOUBLE NOT NULL,
      cash DOUBLE NOT NULL,
      positions VARCHAR NOT NULL,
      pnl DOUBLE NOT NULL
    );
    CREATE SEQUENCE bot_events_id START 1;
    CREATE TABLE bot_events (
      id BIGINT DEFAULT nextval('bot_events_id'),
      bot_id BIGINT NOT NULL,
      user_id BIGINT NOT NULL,
      ts TIMESTAMP NOT NULL,
      kind VARCHAR NOT NULL,
      message VARCHAR
    );
    CREATE TABLE bot_state (
      bot_id BIGINT NOT NULL,
      user_id BIGINT NOT NULL,
      run INTEGER NOT NULL,
      spec_hash VARCHAR NOT NULL,
      state VARCHAR NOT NULL,
      saved_at TIMESTAMP NOT NULL
    );
    CREATE TABLE bot_bars (
      bot_id BIGINT NOT NULL,
      user_id BIGINT NOT NULL,
      run INTEGER NOT NULL,
      spec_hash VARCHAR NOT NULL,
      symbol VARCHAR NOT NULL,
      ts TIMESTAMP NOT NULL,
      close_ts TIMESTAMP NOT NULL,
      open DOUBLE NOT NULL,
      high DOUBLE NOT NULL,
      low DOUBLE NOT NULL,
      close DOUBLE NOT NULL,
      volume DOUBLE NOT NULL
    );
    CREATE TABLE bot_orders (
      bot_id BIGINT NOT NULL,
      user_id BIGINT NOT NULL,
      run INTEGER NOT NULL,
      spec_hash VARCHAR NOT NULL,
      order_id BIGINT NOT NULL,
      symbol VARCHAR NOT NULL,
      side VARCHAR NOT NULL,
      quantity DOUBLE NOT NULL,
      type VARCHAR NOT NULL,
      limit_price DOUBLE,
      stop_price DOUBLE,
      created_ts TIMESTAMP NOT NULL,
      PRIMARY KEY (bot_id, run, order_id)
    )`,
  },
  {
    name: 'service/003-leases',
    up: `CREATE TABLE service_leases (
      user_id BIGINT NOT NULL,
      pid INTEGER NOT NULL,
      host VARCHAR NOT NULL,
      started_at TIMESTAMP NOT NULL,
      heartbeat_at TIMESTAMP NOT NULL
    )`,
  },
  {
    // Exchange bots: the client order id each order was sent with, and each fill's exchange trade
    // id. An exchange fill's `fill_seq` is its trade's number within the order (1, 2… for partial
    // fills), the same however often it is adopted, so the key keeps it recorded once.
    name: 'service/004-exchange-ids',
    up: `ALTER TABLE bot_orders ADD COLUMN client_order_id VARCHAR;
    ALTER TABLE bot_trades ADD COLUMN trade_id VARCHAR`,
  },
  {
    // A lease's own staleness bound and its process's start time (lease.ts).
    name: 'service/005-lease-identity',
    up: `ALTER TABLE service_leases ADD COLUMN stale_ms DOUBLE;
    ALTER TABLE service_leases ADD COLUMN proc_start VARCHAR`,
  },
)
