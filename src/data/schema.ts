/**
 * The data module's tables. Bars are one row per (series, ts) in `bar_rows`, a series being one
 * symbol at one timeframe (`bar_series`); the view `bars` shows them as (symbol, timeframe, ts, …),
 * the shape of the first version (see bar-series.ts for why the rows name their series by id).
 * Uniqueness is kept by the writers (`upsertBars` deletes then inserts inside one transaction)
 * rather than by a PRIMARY KEY, because DuckDB's index makes a million-row insert several times
 * slower.
 *
 * - `ts` is the bar's OPEN time as a naive TIMESTAMP holding UTC.
 * - `timeframe` is canonical text from `formatDuration` (`1M`, `5M`, `1H`, `1D`).
 * - `imports` logs every file imported, so `ensureFileData` can tell when a file changed.
 */
import {registerMigrations} from './migrations.js'

registerMigrations(
  {
    name: 'data/001-bars',
    up: `CREATE TABLE bars (
      symbol VARCHAR NOT NULL,
      timeframe VARCHAR NOT NULL,
      ts TIMESTAMP NOT NULL,
      open DOUBLE NOT NULL,
      high DOUBLE NOT NULL,
      low DOUBLE NOT NULL,
      close DOUBLE NOT NULL,
      volume DOUBLE NOT NULL
    )`,
  },
  {
    name: 'data/002-imports',
    up: `CREATE SEQUENCE imports_id START 1;
    CREATE TABLE imports (
      id BIGINT PRIMARY KEY DEFAULT nextval('imports_id'),
      symbol VARCHAR NOT NULL,
      timeframe VARCHAR NOT NULL,
      path VARCHAR NOT NULL,
      size BIGINT NOT NULL,
      mtime_ms DOUBLE NOT NULL,
      sha256 VARCHAR NOT NULL,
      options VARCHAR NOT NULL,
      timezone VARCHAR NOT NULL,
      rows_new BIGINT NOT NULL,
      rows_replaced BIGINT NOT NULL,
      rows_rejected BIGINT NOT NULL,
      imported_at TIMESTAMP NOT NULL DEFAULT current_timestamp
    )`,
  },
  {
    // Stores made before: their bars move to bar_rows, each series' rows in time order (loading
    // reads in storage order), and `bars` becomes the view of them.
    name: 'data/003-bar-series',
    up: `CREATE TABLE bar_series (
      id INTEGER PRIMARY KEY,
      symbol VARCHAR NOT NULL,
      timeframe VARCHAR NOT NULL,
      UNIQUE (symbol, timeframe)
    );
    CREATE TABLE bar_rows (
      series INTEGER NOT NULL,
      ts TIMESTAMP NOT NULL,
      open DOUBLE NOT NULL,
      high DOUBLE NOT NULL,
      low DOUBLE NOT NULL,
      close DOUBLE NOT NULL,
      volume DOUBLE NOT NULL
    );
    INSERT INTO bar_series SELECT (row_number() OVER (ORDER BY symbol, timeframe))::INTEGER, symbol, timeframe FROM (SELECT DISTINCT symbol, timeframe FROM bars);
    INSERT INTO bar_rows SELECT s.id, b.ts, b.open, b.high, b.low, b.close, b.volume FROM bars b JOIN bar_series s USING (symbol, timeframe) ORDER BY s.id, b.ts;
    DROP TABLE bars;
    CREATE VIEW bars AS SELECT s.symbol, s.timeframe, r.ts, r.open, r.high, r.low, r.close, r.volume FROM bar_rows r JOIN bar_series s ON s.id = r.series`,
  },
)
