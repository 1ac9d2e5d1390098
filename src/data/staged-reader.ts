/**
 * Runs an import's `onStaged` (a backtest reading its bars from the staged rows, run-spec.ts) once
 * the write's insert is under way, on a connection of its own. Started before the write, the
 * caller's work (the run, on this same thread) kept the thread busy while the write's first
 * statements (settings, transaction, series, span) each waited for a free moment of it to be
 * sent: a first use of a million-row file lost ~0.15 s before its insert began.
 */
import type {DuckDBConnection} from '@duckdb/node-api'
import type {ImportOptions} from './import-types.js'
import {releaseConnection, type Store} from './store.js'

export class StagedReader {
  private reading: Promise<void> | undefined
  private conn: DuckDBConnection | undefined

  constructor(
    private readonly store: Store,
    private readonly onStaged: ImportOptions['onStaged'],
    /** The staged files' good rows (import-file.ts goodRows), once all are staged and checked. */
    private readonly good: () => string[],
  ) {}

  /** Starts `onStaged` (once; nothing when there is none). */
  start(): void {
    const onStaged = this.onStaged
    if (onStaged === undefined || this.reading !== undefined) return
    this.reading = (async () => {
      this.conn = await this.store.connect()
      await onStaged(this.conn, this.good())
    })()
    this.reading.catch(() => {}) // awaited by done() or close()
  }

  /** Starts it if the write did not, and waits for it: its failure is the import's. */
  async done(): Promise<void> {
    this.start()
    await this.reading
  }

  /** Waits for it, whatever happened, and lets its connection go (before the stage tables are dropped). */
  async close(): Promise<void> {
    await this.reading?.catch(() => {})
    if (this.conn) releaseConnection(this.store, this.conn)
  }
}
