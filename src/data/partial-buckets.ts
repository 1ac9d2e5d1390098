/**
 * The `partial` count of `bots data resample`: buckets made of fewer source bars than that bucket
 * can hold (bucket-span.ts), measured against the symbol's market as `bots data show` resolves it
 * (`guessMarket`).
 *
 * Fast path: a bucket holding at least the nominal count (target ÷ source timeframe) is whole
 * unless it is longer than nominal, which only a bucket across a clock change can be. So only
 * buckets below the nominal count or just before a change come to JavaScript: for complete 24/7
 * data the few around each change and the ends; for 1M → 1D of an exchange's data, every day.
 */
import type {DuckDBConnection, DuckDBValue} from '@duckdb/node-api'
import {createCalendar, type MarketCalendar} from '../calendar/index.js'
import type {MarketSpec} from '../model/bot-spec.js'
import {DAY_MS} from '../model/time.js'
import {bucketCapacity, bucketEnd, covered, offsetsOver} from './bucket-span.js'
import {copyDoubleChunks} from './chunk-copy.js'
import {findMissing} from './gaps.js'
import {fitNyse, inferMarket, type MarketInfo} from './show.js'
import type {Timeframe} from './timeframe.js'

export interface PartialQuery {
  /** Table of the buckets: `ts` (start, naive UTC) and `n` (source bars). */
  table: string
  from: Timeframe
  to: Timeframe
  /** Zone the buckets were cut in. */
  timezone: string
  market: MarketInfo
  /** First and last bucket start (epoch ms). */
  first: number
  last: number
}

/** Buckets of `q.table` with fewer source bars than their span holds in the market's sessions. */
export async function countPartial(conn: DuckDBConnection, q: PartialQuery): Promise<number> {
  const calendar = alwaysOpen(q.market.spec) ? undefined : createCalendar(q.market.spec)
  let where = `n < ${q.to.ms / q.from.ms}`
  // Daily sources count days, which a clock change never adds: only sub-day sources see longer
  // buckets, those that start at most the nominal length before a change.
  const changes = q.from.ms < DAY_MS && q.timezone !== 'UTC'
  if (changes) {
    for (const {at} of offsetsOver(q.timezone, q.first, q.last + q.to.ms).slice(1)) where += ` OR (epoch_ms(ts) >= ${at - q.to.ms} AND epoch_ms(ts) < ${at})`
  }
  const count = Number((await conn.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM ${q.table} WHERE ${where}`)).getRowObjectsJS()[0].n)
  // Without sessions or clock changes, every bucket holds the nominal count.
  if (!calendar && !changes) return count
  const starts = new Float64Array(count)
  const bars = new Float64Array(count)
  await copyDoubleChunks(await conn.stream(`SELECT epoch_ms(ts)::DOUBLE, n::DOUBLE FROM ${q.table} WHERE ${where} ORDER BY ts`), [starts, bars])
  let partial = 0
  for (let i = 0; i < count; i++) {
    const span = {start: starts[i], end: bucketEnd(starts[i], q.to.ms, q.timezone)}
    if (bars[i] < bucketCapacity(span, q.from.ms, q.timezone, calendar)) partial++
  }
  return partial
}

/** A market open at every instant: 24/7, or all seven days 00:00–24:00 without holidays. */
export function alwaysOpen(spec: MarketSpec): boolean {
  if (spec === '24/7') return true
  if (spec === 'NYSE') return false
  return spec.open === '00:00' && spec.close === '24:00' && new Set((spec.days ?? []).map((d) => d.toLowerCase())).size === 7 && !spec.holidays?.length
}

/** The source bars being resampled: `bars WHERE where`, all within [first, last] (epoch ms). */
export interface SourceQuery {
  where: string
  params: Record<string, DuckDBValue>
  from: Timeframe
  first: number
  last: number
  /** Zone of daily bars' dates. */
  timezone: string
}

/**
 * `given` (resolveMarket: `--market`, else NYSE for an import read in New York time), or when that
 * says to guess from the bars (source `bars`), the guess `bots data show` makes from the bars
 * being resampled (the whole series unless a range was asked): weekdays plus any weekend day with
 * bars, intraday hours from the earliest bar open to the latest bar close; daily bars measured
 * against NYSE when its holidays explain weekdays without a bar.
 */
export async function guessMarket(conn: DuckDBConnection, given: MarketInfo, q: SourceQuery): Promise<MarketInfo> {
  if (given.source !== 'bars') return given
  if (q.from.ms < DAY_MS) return inferMarket(await guessingBars(conn, q, given.timezone), given.timezone, q.from.ms)
  const count = Number((await conn.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM bars WHERE ${q.where}`, q.params)).getRowObjectsJS()[0].n)
  const times = new Float64Array(count)
  await copyDoubleChunks(await conn.stream(`SELECT epoch_ms(ts)::DOUBLE FROM bars WHERE ${q.where} ORDER BY ts`, q.params), [times])
  const guessed = inferMarket(times, given.timezone, q.from.ms)
  const opts = {timeframeMs: q.from.ms, timezone: q.timezone, limit: 0}
  return covered(() => fitNyse(times, opts, guessed, findMissing(times, {...opts, calendar: createCalendar(guessed.spec)})))?.market ?? guessed
}

/**
 * The few bars that decide `inferMarket`'s guess, picked in SQL rather than loading every time:
 * the earliest and latest local time of day, and a Saturday and a Sunday. Local times are UTC plus
 * the zone's offset then, a CASE over the zone's changes in the bars' span (DuckDB's own
 * conversion costs several times as much).
 */
async function guessingBars(conn: DuckDBConnection, q: SourceQuery, zone: string): Promise<number[]> {
  const [first, ...changes] = offsetsOver(zone, q.first, q.last)
  const offset = changes.length ? `CASE ${changes.reverse().map((c) => `WHEN t >= ${c.at} THEN ${c.offset}`).join(' ')} ELSE ${first.offset} END` : `${first.offset}`
  const r = await conn.runAndReadAll(
    `SELECT epoch_ms(arg_min(ts, tod))::DOUBLE AS a, epoch_ms(arg_max(ts, tod))::DOUBLE AS b,
       epoch_ms(min(ts) FILTER (WHERE weekday = 6))::DOUBLE AS sat, epoch_ms(min(ts) FILTER (WHERE weekday = 0))::DOUBLE AS sun
     FROM (SELECT ts, ((w % ${DAY_MS}) + ${DAY_MS}) % ${DAY_MS} AS tod, ((floor(w / ${DAY_MS})::BIGINT + 4) % 7 + 7) % 7 AS weekday
       FROM (SELECT ts, t + ${offset} AS w FROM (SELECT ts, epoch_ms(ts) AS t FROM bars WHERE ${q.where})))`,
    q.params,
  )
  const row = r.getRowObjectsJS()[0]
  return [row.a, row.b, row.sat, row.sun].filter((t) => t !== null).map(Number)
}
