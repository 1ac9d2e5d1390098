/**
 * The results store's tables, in the same DuckDB file as the bars.
 *
 * - `runs`: one row per backtest. `spec_hash` and `bars_hash` are defined in hash.ts (the typed
 *   spec without its path, prose and window; the exact bars used); a live bot's `spec_hash` has
 *   the same meaning. `params` and `metrics` are JSON text, byte-stable for a
 *   given run. `sweep_id` groups the runs of one parameter sweep. `equity_stored` is false for the
 *   sweep runs whose curve was not kept (only the top ones are).
 * - `run_trades`: the closed round trips of a run, in order (`seq` from 0), each with its symbol's
 *   contract `multiplier` (1 for a plain unit; the column comes last, added by migration 003).
 * - `run_equity`: the account value after each bar (`ts` = bar open, UTC), with the buy-and-hold
 *   benchmark's value beside it; with `equity_resolution` = `daily` only each market day's last
 *   bar (runs of more than 100,000 bars, unless `--equity full`).
 */
import {registerMigrations} from '../data/migrations.js'

registerMigrations({
  name: 'results/001-runs',
  up: `CREATE SEQUENCE runs_id START 1;
  CREATE SEQUENCE sweeps_id START 1;
  CREATE TABLE runs (
    id BIGINT PRIMARY KEY DEFAULT nextval('runs_id'),
    created TIMESTAMP NOT NULL,
    spec_file VARCHAR,
    spec_name VARCHAR NOT NULL,
    spec_hash VARCHAR NOT NULL,
    bars_hash VARCHAR NOT NULL,
    strategy VARCHAR NOT NULL,
    params VARCHAR NOT NULL,
    symbols VARCHAR NOT NULL,
    timeframe VARCHAR NOT NULL,
    start_ts TIMESTAMP,
    end_ts TIMESTAMP,
    bars BIGINT NOT NULL,
    metrics VARCHAR NOT NULL,
    spec VARCHAR NOT NULL,
    sweep_id BIGINT,
    equity_stored BOOLEAN NOT NULL
  );
  CREATE TABLE run_trades (
    run_id BIGINT NOT NULL,
    seq INTEGER NOT NULL,
    symbol VARCHAR NOT NULL,
    side VARCHAR NOT NULL,
    quantity DOUBLE NOT NULL,
    entry_ts TIMESTAMP NOT NULL,
    entry_price DOUBLE NOT NULL,
    exit_ts TIMESTAMP NOT NULL,
    exit_price DOUBLE NOT NULL,
    commission DOUBLE NOT NULL,
    gross_pnl DOUBLE NOT NULL,
    net_pnl DOUBLE NOT NULL,
    return DOUBLE NOT NULL
  );
  CREATE TABLE run_equity (
    run_id BIGINT NOT NULL,
    ts TIMESTAMP NOT NULL,
    value DOUBLE NOT NULL,
    benchmark DOUBLE NOT NULL
  );`,
})

// The resolution of the stored curve: `full` (a point per bar) or `daily` (the last point of each
// market day), as `--equity` chose it. NULL in runs recorded before: those stored every bar.
registerMigrations({
  name: 'results/002-equity-resolution',
  up: `ALTER TABLE runs ADD COLUMN equity_resolution VARCHAR`,
})

// Each trade's contract multiplier (`instruments`, Trade.multiplier): without it a futures trade's
// gross P&L is not (exit − entry) × quantity and nothing says why. Trades recorded before get
// their symbol's multiplier from the spec the run recorded (`broker.instruments`, keyed by symbol:
// a JSON pointer, `~` and `/` escaped), which is the one the run traded with; 1 where it has none.
registerMigrations({
  name: 'results/003-trade-multiplier',
  up: `ALTER TABLE run_trades ADD COLUMN multiplier DOUBLE DEFAULT 1;
  UPDATE run_trades SET multiplier = m.multiplier FROM (
    SELECT t.run_id, t.symbol, CAST(json_extract(r.spec, '/broker/instruments/' || replace(replace(t.symbol, '~', '~0'), '/', '~1') || '/multiplier') AS DOUBLE) AS multiplier
    FROM (SELECT DISTINCT run_id, symbol FROM run_trades) AS t JOIN runs AS r ON r.id = t.run_id
    WHERE json_exists(r.spec, '/broker/instruments')
  ) AS m
  WHERE run_trades.run_id = m.run_id AND run_trades.symbol = m.symbol AND m.multiplier IS NOT NULL;`,
})

// A sweep's buy-and-hold monthly returns (JSON text of `MonthlyReturn[]`), once for all its runs
// (shared-benchmark.ts): a run of the sweep whose `monthly.benchmark` is this table has it left
// out of its `metrics`, and read-runs.ts puts it back. Queries of `runs.metrics` that want it take
// it from here for rows whose `sweep_id` has a row here and whose metrics lack it.
registerMigrations({
  name: 'results/004-sweep-benchmarks',
  up: `CREATE TABLE sweep_benchmarks (
    sweep_id BIGINT PRIMARY KEY,
    monthly VARCHAR NOT NULL
  );`,
})
