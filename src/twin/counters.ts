/** What the twin has served, for tests and the CLI to read (`twin.requests`). */
export interface TwinCounters {
  /** REST requests received, faults included. */
  rest: number
  /** REST requests per `METHOD /path`. */
  byPath: Record<string, number>
  /** Answered 429 by the `http429Every` fault. */
  rateLimited: number
  /** Answered -2015 / -1022. */
  authFailed: number
  wsConnections: number
  wsMessagesSent: number
  /** Sockets closed by the `dropWsEvery` fault. */
  wsDropped: number
}

export function newCounters(): TwinCounters {
  return {rest: 0, byPath: {}, rateLimited: 0, authFailed: 0, wsConnections: 0, wsMessagesSent: 0, wsDropped: 0}
}
