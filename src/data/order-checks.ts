/**
 * The duplicate and order check of staged files, run on a connection of its own while the import's
 * connection goes on: the import writes the rows on the bet that they are in order (almost every
 * file is), and commits only once the check agrees (import.ts). A million-row file's check
 * (~0.1 s) then overlaps its write (~0.3 s) instead of preceding it. The check is `inFileOrder`,
 * or a reader's that proves the same while it reads the rows (ImportOptions.readStaged: a first
 * use's bars, read while DuckDB already writes them).
 *
 * A connection streams one result at a time, so the checks of several files take turns.
 */
import type {DuckDBConnection} from '@duckdb/node-api'
import {inFileOrder} from './stage.js'

/** Whether a staged table's rows that passed the per-row rules came in file order with strictly increasing times. */
export type OrderCheck = (conn: DuckDBConnection, table: string) => Promise<boolean>

export class OrderChecks {
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly conn: DuckDBConnection,
    private readonly inOrder: OrderCheck = inFileOrder,
  ) {}

  /** Whether `table`'s rows that passed the per-row rules came in file order with strictly increasing times. */
  check(table: string): Promise<boolean> {
    const result = this.queue.then(() => this.inOrder(this.conn, table))
    this.queue = result.catch(() => {})
    return result
  }

  /** Settles when no check is running or waiting: await it before closing the connection. */
  idle(): Promise<unknown> {
    return this.queue
  }
}
