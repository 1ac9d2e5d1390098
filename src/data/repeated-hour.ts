/**
 * Naive local times at a fall-back. When the clocks go back (01:00–01:59 twice in New York on the
 * first Sunday of November), a file of naive local times holds that hour twice, first in daylight
 * time, then in standard time. DuckDB reads both passes as standard time, so the second pass
 * repeated the first (rejected as duplicates) and the first pass was stored an hour late, leaving
 * the daylight hour empty. Here, as pandas' `tz_localize(ambiguous='infer')` does, the file's order
 * decides: of a time read exactly twice, where the standard reading is a repeated wall time, the
 * pass the file gives first (the last, in a newest-first file) is the daylight one, and moves back
 * by the offset change. A time read once stays standard time. Only for files whose times carry no
 * offset: with offsets a repeat is a true duplicate.
 */
import type {DuckDBConnection} from '@duckdb/node-api'
import {zone} from '../calendar/zone-offsets.js'
import type {ColumnRoles, SourceColumn} from './columns.js'
import type {FileFormat} from './source.js'

export interface RepeatedHourRule {
  /** The import zone. */
  zone: string
  /** Added to a staged time to get the time as read (`--time-label close` staged it one bar earlier). */
  labelShiftMs: number
}

const OFFSET = /(Z|[+-]\d{2}(:?\d{2})?)$/i

/** The rule for a file whose times are naive wall-clock times in a zone with clock changes; undefined otherwise. */
export function repeatedHourRule(format: FileFormat, roles: ColumnRoles, timezone: string, labelShiftMs: number): RepeatedHourRule | undefined {
  if (timezone === 'UTC') return undefined
  const t = roles.time
  const column = t.kind === 'split' ? t.time : t.column
  return naive(format, column) ? {zone: timezone, labelShiftMs} : undefined
}

function naive(format: FileFormat, c: SourceColumn): boolean {
  if (format === 'parquet') return /^TIMESTAMP(_S|_MS|_NS)?$/.test(c.type)
  // A CSV column typed DOUBLE holds epoch numbers; text is naive unless its first value has an offset.
  return c.type !== 'DOUBLE' && !OFFSET.test((c.first ?? '').trim())
}

/**
 * Moves the daylight pass of each repeated wall time back (see above); `newestFirst`: the file
 * runs newest first. Returns the rows moved.
 */
export async function resolveRepeatedHours(conn: DuckDBConnection, table: string, rule: RepeatedHourRule, newestFirst: boolean): Promise<number> {
  const pick = newestFirst ? 'max' : 'min'
  const pairs = await conn.runAndReadAll(
    `SELECT epoch_ms(ts)::DOUBLE AS t, ${pick}(rowid)::DOUBLE AS r FROM ${table} WHERE reason IS NULL GROUP BY ts HAVING count(*) = 2`,
  )
  const z = zone(rule.zone)
  const byShift = new Map<number, number[]>()
  for (const row of pairs.getRowObjectsJS()) {
    const shift = daylightShift(z, Number(row.t) + rule.labelShiftMs)
    if (shift > 0) byShift.set(shift, [...(byShift.get(shift) ?? []), Number(row.r)])
  }
  let moved = 0
  for (const [shift, rows] of byShift) {
    const r = await conn.run(`UPDATE ${table} SET ts = ts - to_milliseconds(${shift}) WHERE rowid IN (${rows.join(', ')})`)
    moved += r.rowsChanged
  }
  return moved
}

/**
 * For an instant `t` read as standard time: how much earlier the daylight reading of the same wall
 * time is, when there is one (the offset change of a fall-back a few hours before), else 0.
 */
export function daylightShift(z: ReturnType<typeof zone>, t: number): number {
  const now = z.offsetAt(t)
  const shift = z.offsetAt(t - 4 * 3_600_000) - now
  // The earlier instant must show the same wall clock: its offset is larger by exactly `shift`.
  return shift > 0 && z.offsetAt(t - shift) - now === shift ? shift : 0
}
