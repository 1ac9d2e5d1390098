/**
 * Time zone names are checked against DuckDB's own list (ICU), since DuckDB does the conversions.
 * A wrong name gets a did-you-mean rather than DuckDB's raw error.
 */
import type {DuckDBConnection} from '@duckdb/node-api'
import {BotsError} from '../core/errors.js'

export async function checkTimezone(conn: DuckDBConnection, tz: string): Promise<string> {
  if (tz === 'UTC') return tz // the default, in every list: no need to scan ICU's ~600 names for it
  const rows = (
    await conn.runAndReadAll(
      `SELECT name FROM pg_timezone_names()
       WHERE lower(name) = lower($1) OR lower(name) LIKE '%' || lower($1) || '%'
       ORDER BY lower(name) = lower($1) DESC, name = $1 DESC, length(name) LIMIT 3`,
      [tz],
    )
  ).getRowObjectsJS()
  if (rows.length > 0 && rows[0].name === tz) return tz
  if (rows.length > 0 && String(rows[0].name).toLowerCase() === tz.toLowerCase()) return String(rows[0].name)
  throw new BotsError(`unknown time zone "${tz}"`, {
    code: 'data.timezone',
    hint: rows.length
      ? `did you mean ${rows.map((r) => `"${r.name}"`).join(', ')}?`
      : 'use an IANA name such as UTC, America/New_York, Europe/London',
  })
}
