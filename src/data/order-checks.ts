/**
 * The duplicate and order check of staged files (`inFileOrder`), run on a connection of its own
 * while the import's connection goes on: the import writes the rows on the bet that they are in
 * order (almost every file is), and commits only once the check agrees (import.ts). A million-row
 * file's check (~0.1 s) then overlaps its write (~0.3 s) instead of preceding it.
 *
 * A connection streams one result at a time, so the checks of several files take turns.
 */
import type {DuckDBConnection} from '@duckdb/node-api'
import {inFileOrder} from './stage.js'

export class OrderChecks {
  private queue: Promise<unknown> = Promise.resolve()

  constructor(private readonly conn: DuckDBConnection) {}

  /** Whether `table`'s rows that passed the per-row rules came in file order with strictly increasing times. */
  check(table: string): Promise<boolean> {
    const result = this.queue.then(() => inFileOrder(this.conn, table))
    this.queue = result.catch(() => {})
    return result
  }

  /** Settles when no check is running or waiting: await it before closing the connection. */
  idle(): Promise<unknown> {
    return this.queue
  }
}
