import type {DuckDBConnection} from '@duckdb/node-api'

/** The zone the symbol's most recent import read its times in: the market's zone, most likely. */
export async function importTimezone(conn: DuckDBConnection, symbol: string): Promise<string | undefined> {
  const r = await conn.runAndReadAll(`SELECT timezone FROM imports WHERE symbol = $symbol ORDER BY id DESC LIMIT 1`, {symbol})
  return r.getRowObjectsJS()[0]?.timezone as string | undefined
}
