/**
 * Multi-row INSERTs with bound parameters: one statement per few hundred rows instead of one per
 * row, which is what keeps a flush for a hundred bots in the low milliseconds.
 */
import type {DuckDBConnection, DuckDBValue} from '@duckdb/node-api'

/** A column; `ts` columns take epoch ms and are stored as TIMESTAMP. */
export type Column = string | {name: string; ts: true}

const CHUNK = 400

export async function insertRows(conn: DuckDBConnection, table: string, columns: Column[], rows: DuckDBValue[][], conflict = 'ON CONFLICT DO NOTHING'): Promise<void> {
  const names = columns.map((c) => (typeof c === 'string' ? c : c.name))
  for (let i = 0; i < rows.length; i += CHUNK) {
    const params: DuckDBValue[] = []
    const tuples = rows.slice(i, i + CHUNK).map((row) => {
      const cells = row.map((v, k) => {
        params.push(v)
        const p = `$${params.length}`
        return typeof columns[k] === 'string' ? p : `make_timestamp_ms(${p}::BIGINT)`
      })
      return `(${cells.join(', ')})`
    })
    await conn.run(`INSERT INTO ${table} (${names.join(', ')}) VALUES ${tuples.join(', ')} ${conflict}`, params)
  }
}

export const ts = (name: string): Column => ({name, ts: true})
