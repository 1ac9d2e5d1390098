/**
 * Whether an error means the registry could not be reached (refused, reset, timed out, the server
 * shutting down, a connection ended mid-query), as opposed to a fault in what was asked. Pure: it
 * loads no database client, so the DuckDB default does not pay for PostgreSQL's.
 */
export function isConnectionError(e: unknown): boolean {
  const code = String((e as {code?: unknown})?.code ?? '')
  const message = (e as Error)?.message ?? ''
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND'].includes(code) || code.startsWith('08') || code.startsWith('57P')
    || /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message)
}
