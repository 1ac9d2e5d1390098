/** Options and results of `importFiles`. */
import type {DuckDBConnection} from '@duckdb/node-api'
import type {ColumnMap} from './columns.js'
import type {Rejection, RuleCounts} from './rejections.js'
import type {FileFormat} from './source.js'
import type {EpochUnit} from './time-expr.js'

/** reject: drop bad rows, report them, import the rest. skip: drop them, only count. fail: import nothing. */
export type OnError = 'reject' | 'skip' | 'fail'
export const ON_ERROR_MODES: readonly OnError[] = ['reject', 'skip', 'fail']

export interface ImportOptions {
  symbol: string
  /** `1M`, `1D`, ms…; default: the most common spacing of the first file's times. */
  timeframe?: string | number
  /** The caller has checked the file's spacing against `timeframe` (ensureFileData): it is not sampled again. */
  spacingChecked?: boolean
  /** Zone in which naive times and bare dates are read. Default UTC. */
  timezone?: string
  /** Default from the extension: `.parquet`/`.pq` → parquet, else csv. */
  format?: FileFormat
  columns?: ColumnMap
  /** strptime format for text times, e.g. `%m/%d/%Y %H:%M`. */
  datetimeFormat?: string
  epochUnit?: EpochUnit
  /** `close`: the file's times mark each bar's end; they are moved back one timeframe. */
  timeLabel?: 'open' | 'close'
  onError?: OnError
  /** Replace the stored (symbol, timeframe) series with the files' bars, instead of merging into it. */
  replace?: boolean
  /** How many rejections to list in the result (all are counted). Default 1000. */
  maxReported?: number
  onProgress?: (p: ImportProgress) => void
  /**
   * Called once every file is staged and checked and the write's insert is under way, on a
   * connection of its own: `good[i]` is a relation of file i's rows that will be stored (ts, o, h,
   * l, c, v, in file order). The write goes on meanwhile; the import's result waits for both. A
   * backtest reads its bars here, then runs them while DuckDB writes them (see run-spec.ts).
   */
  onStaged?: (conn: DuckDBConnection, good: string[]) => Promise<void>
  /**
   * One file only: called once it is staged, with a relation of its good rows as `onStaged` has
   * them plus `row` (the row's place in the file). It returns whether it read every one of them,
   * in file order, with strictly increasing times: that proves the duplicate and order check would
   * mark nothing, so this read is the check (a backtest reads its bars here, see
   * loadStagedChecked). It runs on a connection of its own while the write goes ahead, which
   * commits only once it said yes (else the file is marked and written again); `onStaged` starts
   * after that. With `onError: 'fail'` it runs before the write.
   */
  readStaged?: (conn: DuckDBConnection, good: string) => Promise<boolean>
}

export interface ImportProgress {
  file: string
  phase: 'read' | 'check' | 'write' | 'done'
  /** Rows read so far (estimated from bytes while reading). */
  rows: number
  /** 0..1 for the read phase, when DuckDB reports it. */
  fraction?: number
  /** Estimated rows in the file (from its size), for the read phase. */
  total?: number
  elapsedMs: number
}

export interface FileImportResult {
  file: string
  format: FileFormat
  /** Data rows in the file (read or rejected). */
  rows: number
  new: number
  replaced: number
  /** Rows dropped and reported (`reject`) or that made the import fail (`fail`). */
  rejected: number
  /** Rows dropped silently (`skip`). */
  skipped: number
  rejectedByRule: RuleCounts
  /** The file's rows ran newest first; they were stored in time order. */
  newestFirst: boolean
  /**
   * Rows kept though out of the file's order: blocks of consecutive rows in order among
   * themselves, placed elsewhere (two exports joined in the wrong order); stored in time order.
   * A row out of place on its own is dropped as `unsorted`.
   */
  misplaced: number
  /**
   * Rows of a fall-back's repeated hour (naive local times given twice) read as daylight time:
   * the file's first pass of that hour (its last, newest first). See src/data/repeated-hour.ts.
   */
  repeatedHour: number
  /** First and last bar imported, ISO 8601 UTC; null when none. */
  first: string | null
  last: string | null
  rejections: Rejection[]
}

export interface ImportResult {
  store: string
  symbol: string
  timeframe: string
  timeframeDetected: boolean
  timezone: string
  timeLabel: 'open' | 'close'
  onError: OnError
  rows: number
  new: number
  replaced: number
  /** Stored bars deleted because `replace` was set and the files do not have them. */
  removed: number
  rejected: number
  skipped: number
  elapsedMs: number
  /** Things worth a look that did not stop the import (e.g. a timeframe that does not fit the data). */
  warnings: string[]
  files: FileImportResult[]
}
