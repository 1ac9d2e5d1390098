// Types for pg-cluster.mjs: a throwaway PostgreSQL cluster for tests and benchmarks.

export interface PgClusterOptions {
  /** max_connections of the server; 300 unless given. */
  maxConnections?: number
  /** Receives the commands run and their output, one line at a time. */
  log?: (line: string) => void
}

export interface PgCluster {
  /** postgres://bots@127.0.0.1:PORT/bots (trust authentication, no password). */
  readonly url: string
  /** The loopback TCP port, the same across stop() and start(). */
  readonly port: number
  /** The data folder (also holds server.log and the Unix socket). */
  readonly dir: string
  /** Fast shutdown; the data is kept. No-op when stopped. */
  stop(): Promise<void>
  /** Starts again on the same port and data. No-op when running; throws after destroy(). */
  start(): Promise<void>
  /** Stops if running and removes the folder. Idempotent. */
  destroy(): Promise<void>
  /** Runs one query through a short-lived client on database bots and returns its rows. */
  sql<R extends Record<string, any> = Record<string, any>>(text: string, params?: unknown[]): Promise<R[]>
}

/**
 * Creates (initdb), configures and starts a cluster on a free loopback port, with user and database `bots`.
 * Throws when PostgreSQL is not installed. Clusters still alive at process exit are stopped and removed.
 */
export function startPgCluster(opts?: PgClusterOptions): Promise<PgCluster>

export declare const PG_INSTALL_HINT: string
/** false when tests can start PostgreSQL (or in CI, where its absence must fail); else why they are skipped. */
export declare function pgSkip(): false | string
