/**
 * SQL that turns a file's time column(s) into the bar's open time: `utc` (TIMESTAMP holding UTC)
 * and `local` (wall-clock TIMESTAMP in the import's zone, for alignment checks).
 *
 * It runs on a connection whose TimeZone setting is the import's `--tz`, so DuckDB itself reads
 * naive text, DATE and TIMESTAMP values as wall-clock time in that zone, keeps explicit offsets
 * (`Z`, `+05:30`), and turns a date alone into 00:00 local. Numbers are epoch time; the unit is
 * taken from each value's size unless given (s < 1e10 <= ms < 1e13 <= µs < 1e16 <= ns): each unit
 * then covers 1970-04-26 to 2286 alone (with bounds a power of ten higher, milliseconds of 1970 to
 * 1973 read as seconds, in the year 5126, for seconds past 2286 that no market has).
 */
import type {ColumnRoles, SourceColumn} from './columns.js'
import {quoteIdent} from './source.js'
import type {Timeframe} from './timeframe.js'

export type EpochUnit = 's' | 'ms' | 'us' | 'ns'
const UNIT_DIVISOR: Record<EpochUnit, string> = {s: '1', ms: '1e3', us: '1e6', ns: '1e9'}

export interface TimeParseOptions {
  /** strptime format for text times (`%d/%m/%Y %H:%M`); `$fmt` must be bound to it. */
  format?: string
  epochUnit?: EpochUnit
  /** Timestamps mark the bar's end: shift back by one timeframe. */
  timeLabel?: 'open' | 'close'
  /**
   * Where the timeframe's grid starts, past each multiple of it on the local clock (bars over 15
   * minutes and under a day): hourly stock bars open at :30 (09:30, 10:30, …), which a grid from
   * :00 rejected every one of (found by an audit). 0 by default; see gridPhase.
   */
  gridPhaseMs?: number
}

/**
 * `value` computes column `t0` once per row; `utc` and `local` are expressions over `t0`, so the
 * conversion is not repeated for each use.
 */
export interface TimeSql {
  value: string
  utc: string
  local: string
  /** TimeParseOptions.gridPhaseMs. */
  phaseMs?: number
  /** `value` in two steps: the time as read (`parsed`), then `shiftOf` it (a close label's shift back). */
  parsed: string
  shiftOf: (x: string) => string
  /**
   * The wall-clock time as written (a TIMESTAMP), for inputs read as local time in a zone with
   * daylight saving: text without an offset, DATE and TIMESTAMP columns. Undefined otherwise (UTC,
   * offsets, epochs). Where it is not the parsed time's local wall clock, the time does not exist
   * there: DuckDB moved it past a spring-forward gap.
   */
  wall?: string
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL)/
const TEMPORAL = /^(DATE|TIMESTAMP(_S|_MS|_NS)?)$/

/** The raw time as text, for messages about rows whose time cannot be read. */
export function rawTimeSql(roles: ColumnRoles): string {
  const t = roles.time
  if (t.kind === 'single') return `CAST(${quoteIdent(t.column.name)} AS VARCHAR)`
  return `concat_ws(' ', CAST(${quoteIdent(t.date.name)} AS VARCHAR), CAST(${quoteIdent(t.time.name)} AS VARCHAR))`
}

export function timeSql(roles: ColumnRoles, tf: Timeframe, opts: TimeParseOptions, timezone: string): TimeSql {
  const t = roles.time
  const shiftOf = (x: string) => shift(x, tf, opts)
  if (timezone === 'UTC' && opts.format === undefined && (t.kind === 'split' || isText(t.column))) {
    const text = t.kind === 'split' ? rawTimeSql(roles) : `CAST(${quoteIdent(t.column.name)} AS VARCHAR)`
    const parsed = utcTextSql(text)
    return {value: shiftOf(parsed), parsed, shiftOf, utc: 't0', local: 't0', phaseMs: opts.gridPhaseMs}
  }
  const parsed = t.kind === 'split' ? textSql(rawTimeSql(roles), opts) : singleSql(t.column, opts)
  const utc = 'make_timestamp(epoch_us(t0))'
  // In UTC the wall clock is the UTC clock: skip the (ICU) conversion.
  const local = timezone === 'UTC' ? utc : 'CAST(t0 AS TIMESTAMP)'
  const wall = timezone === 'UTC' ? undefined : wallSql(t.kind === 'split' ? undefined : t.column, rawTimeSql(roles), opts)
  return {value: shiftOf(parsed), parsed, shiftOf, utc, local, phaseMs: opts.gridPhaseMs, ...(wall === undefined ? {} : {wall})}
}

/** An offset after a time of day (`…09:30:00Z`, `…09:30+02`, `…09:30:00.5 -05:00`), not a date's `-10`. */
const TIME_WITH_OFFSET = String.raw`\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$`

/** TimeSql.wall: the time as written, read without a zone; undefined where it carries one or is an epoch. */
function wallSql(col: SourceColumn | undefined, text: string, opts: TimeParseOptions): string | undefined {
  if (col !== undefined && (col.type === 'TIMESTAMP WITH TIME ZONE' || (NUMERIC.test(col.type) && opts.format === undefined))) return undefined
  if (col !== undefined && TEMPORAL.test(col.type)) return `CAST(${quoteIdent(col.name)} AS TIMESTAMP)`
  if (opts.format !== undefined) return /%[zZ]/.test(opts.format) ? undefined : `CAST(coalesce(TRY_STRPTIME(${text}, $fmt), TRY_STRPTIME(trim(${text}), $fmt)) AS TIMESTAMP)`
  return `CASE WHEN regexp_matches(trim(${text}), '${TIME_WITH_OFFSET}') THEN NULL ELSE TRY_CAST(trim(${text}) AS TIMESTAMP) END`
}

function isText(col: SourceColumn): boolean {
  return !TEMPORAL.test(col.type) && col.type !== 'TIMESTAMP WITH TIME ZONE' && !NUMERIC.test(col.type)
}

/**
 * Text in UTC, the common case, as a naive UTC TIMESTAMP. A plain TIMESTAMP cast costs a third of
 * a TIMESTAMPTZ one, but ignores offsets; so only text that may carry one takes the TIMESTAMPTZ
 * path: longer than `YYYY-MM-DD HH:MM:SS`, or with a sign where `:SS` would start
 * (`YYYY-MM-DD HH:MM+hh`). A `Z` needs nothing: it is UTC already.
 */
function utcTextSql(text: string): string {
  const offsetAware = (x: string) => `make_timestamp(epoch_us(TRY_CAST(${x} AS TIMESTAMPTZ)))`
  const fast = `CASE WHEN length(${text}) > 19 OR substr(${text}, 17, 1) IN ('+', '-') THEN ${offsetAware(text)} ELSE TRY_CAST(${text} AS TIMESTAMP) END`
  return `coalesce(${fast}, ${offsetAware(offsetForm(`trim(${text})`))})`
}

/** `x` minus one timeframe when times mark the bar's close; calendar days for daily bars (DST). */
function shift(x: string, tf: Timeframe, opts: TimeParseOptions): string {
  if (opts.timeLabel !== 'close') return x
  const back = tf.ms % 86_400_000 === 0 ? `to_days(${tf.ms / 86_400_000})` : `to_milliseconds(${tf.ms})`
  return `(${x} - ${back})`
}

function singleSql(col: SourceColumn, opts: TimeParseOptions): string {
  const c = quoteIdent(col.name)
  if (col.type === 'TIMESTAMP WITH TIME ZONE') return c
  if (TEMPORAL.test(col.type)) return `CAST(CAST(${c} AS TIMESTAMP) AS TIMESTAMPTZ)`
  if (NUMERIC.test(col.type) && opts.format === undefined) return epochSql(`TRY_CAST(${c} AS DOUBLE)`, opts.epochUnit)
  return textSql(`CAST(${c} AS VARCHAR)`, opts)
}

/** Text → TIMESTAMPTZ; the trimmed retry (only for rows that failed) accepts padded values and the offsets of offsetForm. */
function textSql(text: string, opts: TimeParseOptions): string {
  if (opts.format !== undefined) {
    const parse = (x: string) => `CAST(TRY_STRPTIME(${x}, $fmt) AS TIMESTAMPTZ)`
    return `coalesce(${parse(text)}, ${parse(`trim(${text})`)})`
  }
  return `coalesce(TRY_CAST(${text} AS TIMESTAMPTZ), TRY_CAST(${offsetForm(`trim(${text})`)} AS TIMESTAMPTZ))`
}

/**
 * ISO times with an offset in the forms DuckDB does not read: no seconds before it
 * (`2024-11-03T01:30-04:00`, `09:34Z`) or a space before it (`09:40:00 +01:00`). Rewritten to
 * `…:SS±hh:mm`, only in the retry of rows that failed, so the usual forms never pay for it.
 */
function offsetForm(x: string): string {
  const spaced = `regexp_replace(${x}, '\\s+(Z|[+-]\\d{2}(:?\\d{2})?)$', '\\1')`
  return `regexp_replace(${spaced}, '^(\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2})(Z|[+-]\\d{2}(:?\\d{2})?)$', '\\1:00\\2')`
}

function epochSql(v: string, unit?: EpochUnit): string {
  const divisor = unit
    ? UNIT_DIVISOR[unit]
    : `(CASE WHEN abs(${v}) >= 1e16 THEN 1e9 WHEN abs(${v}) >= 1e13 THEN 1e6 WHEN abs(${v}) >= 1e10 THEN 1e3 ELSE 1 END)`
  return `(CASE WHEN isfinite(${v}) THEN to_timestamp(${v} / ${divisor}) END)`
}

/**
 * SQL that is true when a bar's time is not on the timeframe's grid. Bars up to 15 minutes are
 * checked on the UTC clock (every zone's offset is a multiple of 15 minutes); longer ones on the
 * local wall clock, and daily or longer ones must start at local midnight.
 */
export function misalignedSql(time: TimeSql, tf: Timeframe): string {
  if (900_000 % tf.ms === 0) return `(epoch_ms(${time.utc}) % ${tf.ms} <> 0)`
  if (tf.ms % 86_400_000 === 0) return `(epoch_ms(${time.local}) % 86400000 <> 0)`
  const phase = Math.trunc(time.phaseMs ?? 0)
  return `((epoch_ms(${time.local})${phase === 0 ? '' : ` - ${phase}`}) % ${tf.ms} <> 0)`
}

/** Bars for which the grid's phase matters: over 15 minutes (every zone's offset is a multiple of those) and under a day. */
export function phasedGrid(tf: Timeframe): boolean {
  return 900_000 % tf.ms !== 0 && tf.ms % 86_400_000 !== 0 && tf.ms < 86_400_000
}

/**
 * The grid phase most of `localMs` (wall-clock times as epoch ms) are on: the most common
 * remainder modulo the timeframe, the smaller on a tie; 0 when there is none.
 */
export function gridPhase(localMs: readonly (number | null)[], tfMs: number): number {
  const counts = new Map<number, number>()
  for (const t of localMs) {
    if (t === null) continue
    const phase = ((t % tfMs) + tfMs) % tfMs
    counts.set(phase, (counts.get(phase) ?? 0) + 1)
  }
  let best = 0
  let most = 0
  for (const [phase, n] of counts) if (n > most || (n === most && phase < best)) [best, most] = [phase, n]
  return best
}
