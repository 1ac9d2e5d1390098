/**
 * The data module's tables. `bars` holds one row per (symbol, timeframe, ts); uniqueness is kept
 * by the writers (`upsertBars` deletes then inserts inside one transaction) rather than by a
 * PRIMARY KEY, because DuckDB's index makes a million-row insert several times slower.
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
)
