/**
 * `bots data show`: one symbol's series with a summary, what it is missing against its market's
 * calendar, the calendar-blind gaps, and its first and last bars.
 */
import {createCalendar, utcToLocalParts} from '../calendar/index.js'
import {BotsError} from '../core/errors.js'
import type {CustomMarket, MarketSpec} from '../model/bot-spec.js'
import {DAY_MS} from '../model/time.js'
import {listSeries, type SeriesSummary} from './catalog.js'
import {findGaps, findMissing, loadTimes, localDate, localTime, type GapReport, type MissingOptions, type MissingReport} from './gaps.js'
import {importTimezone} from './import-timezone.js'
import {withConnection, type Store} from './store.js'
import {toTimeframe} from './timeframe.js'

export interface BarRow {
  /** Open time, ISO 8601 UTC. */
  time: string
  /** The same in the market: daily bars, the date (`YYYY-MM-DD`, in `timezone`); shorter bars, the wall time in the market's zone with its offset. */
  local: string
  open: number
  high: number
  low: number
  close: number
  volume: number
}

export interface SeriesDetail extends SeriesSummary {
  /** `first` and `last` as `BarRow.local` shows times. */
  firstLocal: string
  lastLocal: string
  /** Zone of daily bars' dates and of `gaps`' local dates: --tz, else the latest import's zone, else the market's. */
  timezone: string
  /** The calendar `missing` is measured against. */
  market: MarketInfo
  /** Sessions (daily bars) or bars inside sessions (intraday) the market traded and the series lacks. */
  missing: MissingReport
  /** Calendar-blind: every pair of consecutive bars further apart than one timeframe (closures included). */
  gaps: GapReport
  head: BarRow[]
  tail: BarRow[]
}

export interface MarketInfo {
  /** `24/7`, `NYSE`, or `custom`. */
  name: string
  /** As a bot spec's `market:` would say it. */
  spec: MarketSpec
  /** The market's zone (intraday local times are in it). */
  timezone: string
  /**
   * `flag`: given (--market). `import`: NYSE, because the symbol's latest import read its times
   * in America/New_York. `bars`: guessed from the bars, in the zone of the latest import (UTC when
   * none is recorded): Monday to Friday plus any weekend day that has bars, and for intraday bars
   * from the earliest bar open to the latest bar close; no holidays known.
   */
  source: 'flag' | 'import' | 'bars' | 'fit'
  /**
   * Source `fit` (NYSE, though nothing said so): the market guessed from the bars was Monday to
   * Friday without holidays, every bar falls on an NYSE session, and this many of the weekdays
   * without a bar are NYSE holidays (the guess would have called them missing).
   */
  holidays?: number
}

export interface ShowOptions {
  timeframe?: string | number
  timezone?: string
  /** `24/7`, `NYSE`, `ZONE HH:MM-HH:MM` (Monday to Friday), or a bot spec's custom market as JSON. Default: from the import's zone. */
  market?: string
  /** Bars shown at each end. Default 5. */
  rows?: number
  /** Runs of missing sessions or bars listed, and calendar-blind gaps. Default 20. */
  gaps?: number
}

export async function showSeries(store: Store, symbol: string, opts: ShowOptions = {}): Promise<SeriesDetail[]> {
  const tf = opts.timeframe === undefined ? undefined : toTimeframe(opts.timeframe).text
  const all = await listSeries(store, symbol)
  const series = all.filter((s) => tf === undefined || s.timeframe === tf)
  if (series.length === 0) {
    throw new BotsError(`no ${tf ? `${tf} ` : ''}bars for ${symbol} in the store`, {
      code: 'data.missing',
      hint: all.length ? `${symbol} has ${all.map((s) => s.timeframe).join(', ')}` : await fileSeriesHint(store, symbol),
    })
  }
  return withConnection(store, async (conn) => {
    const imported = await importTimezone(conn, symbol)
    const given = resolveMarket(opts.market, imported)
    const timezone = opts.timezone ?? imported ?? given.timezone
    const out: SeriesDetail[] = []
    for (const s of series) {
      const tf = toTimeframe(s.timeframe)
      const times = await loadTimes(conn, symbol, s.timeframe)
      let market = given.source === 'bars' ? inferMarket(times, given.timezone, tf.ms) : given
      const local = (t: number) => (tf.ms >= DAY_MS ? localDate(t, timezone) : localTime(t, market.timezone))
      const gaps = await findGaps(conn, symbol, tf, timezone, opts.gaps ?? 20)
      const missingOpts = {timeframeMs: tf.ms, timezone, limit: opts.gaps ?? 20}
      const guessed = market
      let missing = measure(() => findMissing(times, {...missingOpts, calendar: createCalendar(guessed.spec)}), guessed)
      if (market.source === 'bars') {
        const fit = fitNyse(times, missingOpts, market, missing)
        if (fit) ({market, missing} = fit)
      }
      const rows = async (order: 'ASC' | 'DESC') =>
        (
          await conn.runAndReadAll(
            `SELECT strftime(ts, '%Y-%m-%dT%H:%M:%SZ') AS time, epoch_ms(ts)::DOUBLE AS t, open, high, low, close, volume FROM bars
             WHERE symbol = $symbol AND timeframe = $timeframe ORDER BY ts ${order} LIMIT $n`,
            {symbol, timeframe: s.timeframe, n: opts.rows ?? 5},
          )
        )
          .getRowObjectsJS()
          .map(({time, t, open, high, low, close, volume}) => ({time, local: local(Number(t)), open, high, low, close, volume}) as BarRow)
      out.push({
        ...s,
        firstLocal: local(times[0]),
        lastLocal: local(times[times.length - 1]),
        timezone,
        market,
        missing,
        gaps,
        head: await rows('ASC'),
        tail: (await rows('DESC')).reverse(),
      })
    }
    return out
  })
}

/**
 * Daily (or longer) bars whose market was guessed as Monday to Friday with no holidays: when every
 * bar falls on an NYSE session and NYSE's holidays explain some of the weekdays without a bar, the
 * series is measured against NYSE instead (a US daily file imported without `--tz` would otherwise
 * list every exchange holiday as a missing session). Undefined when NYSE does not fit better, or
 * its calendar does not reach the series' dates.
 */
export function fitNyse(
  times: ArrayLike<number>,
  opts: Omit<MissingOptions, 'calendar'>,
  guessed: MarketInfo,
  guessedMissing: MissingReport,
): {market: MarketInfo; missing: MissingReport} | undefined {
  const weekdaysOnly = typeof guessed.spec !== 'string' && guessed.spec.days.join(',') === WEEKDAYS.join(',')
  if (opts.timeframeMs < DAY_MS || !weekdaysOnly || guessedMissing.count === 0 || times.length < 2) return undefined
  let missing: MissingReport
  try {
    missing = findMissing(times, {...opts, calendar: createCalendar('NYSE')})
  } catch (e) {
    if (e instanceof BotsError && e.diagnostic.code === 'calendar.range') return undefined
    throw e
  }
  if (missing.outside > 0 || missing.count >= guessedMissing.count) return undefined
  const calendar = createCalendar('NYSE')
  return {
    market: {name: calendar.name, spec: 'NYSE', timezone: calendar.timezone, source: 'fit', holidays: guessedMissing.count - missing.count},
    missing,
  }
}

/** No series under the bare symbol: name the series stored from spec data files of that symbol (`ORCL@file#hash`), if any. */
async function fileSeriesHint(store: Store, symbol: string): Promise<string> {
  const files = [...new Set((await listSeries(store)).map((s) => s.symbol).filter((s) => s.startsWith(`${symbol}@`)))]
  if (files.length === 0) return 'see what the store holds with `bots data list`'
  const quote = (s: string) => (/^[\w@.#+-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`)
  const what = files.length === 1 ? `a series read from a spec's data file: ${files[0]}` : `series read from specs' data files: ${files.join(', ')}`
  return `${symbol} itself was never imported, but the store has ${what}; see it with \`bots data show ${quote(files[0])}\``
}

/** A calendar that does not reach the series' dates says so with a hint for this command. */
function measure<T>(f: () => T, market: MarketInfo): T {
  try {
    return f()
  } catch (e) {
    if (e instanceof BotsError && e.diagnostic.code === 'calendar.range') {
      throw new BotsError(`the ${market.name} calendar does not cover the series: ${e.message}`, {
        code: 'calendar.range',
        hint: market.name === '24/7' ? e.diagnostic.hint : 'check it against another calendar with --market, e.g. --market 24/7 or a custom market (1970–2099)',
      })
    }
    throw e
  }
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri']
const custom = (m: Partial<CustomMarket> & Pick<CustomMarket, 'timezone' | 'open' | 'close'>): CustomMarket => ({days: WEEKDAYS, holidays: [], ...m})
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']

/**
 * A market guessed from the bars of a series in `zone`: Monday to Friday plus any weekend day with
 * bars; intraday bars, from the earliest bar open to the latest bar close (local wall clock);
 * daily bars, the whole day.
 */
export function inferMarket(times: ArrayLike<number>, zone: string, timeframeMs: number): MarketInfo {
  const weekend = new Set<number>()
  let open = 24 * 60
  let close = 0
  for (let i = 0; i < times.length; i++) {
    const p = utcToLocalParts(times[i], zone)
    if (p.weekday === 0 || p.weekday === 6) weekend.add(p.weekday)
    const minute = p.hour * 60 + p.minute
    open = Math.min(open, minute)
    close = Math.max(close, Math.min(24 * 60, Math.ceil(minute + p.second / 60 + timeframeMs / 60_000)))
  }
  if (timeframeMs >= DAY_MS || times.length === 0 || close <= open) [open, close] = [0, 24 * 60]
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
  const days = DAY_NAMES.filter((_, i) => (i >= 1 && i <= 5) || weekend.has(i))
  const spec = custom({timezone: zone, open: hhmm(open), close: hhmm(close), days})
  return {name: createCalendar(spec).name, spec, timezone: zone, source: 'bars'}
}

const HOURS = /^(\S+)\s+(\d{2}:\d{2})-(\d{2}:\d{2})$/

/** The market of `--market TEXT`, else the one the import's zone suggests. Throws a BotsError for text that is no market. */
export function resolveMarket(text: string | undefined, importZone: string | undefined): MarketInfo {
  const info = (spec: MarketSpec, source: MarketInfo['source']): MarketInfo => {
    const calendar = createCalendar(spec) // checks a custom market (zone, hours)
    return {name: calendar.name, spec, timezone: calendar.timezone, source}
  }
  if (text === undefined) {
    if (importZone === 'America/New_York') return info('NYSE', 'import')
    // Hours and days come from the bars (inferMarket); this says the zone.
    return info(custom({timezone: importZone ?? 'UTC', open: '00:00', close: '24:00'}), 'bars')
  }
  const t = text.trim()
  if (t === '24/7' || t.toUpperCase() === 'NYSE') return info(t === '24/7' ? '24/7' : 'NYSE', 'flag')
  const m = HOURS.exec(t)
  if (m) return info(custom({timezone: m[1], open: m[2], close: m[3]}), 'flag')
  if (t.startsWith('{')) {
    let spec: unknown
    try {
      spec = JSON.parse(t)
    } catch {
      spec = undefined
    }
    if (spec && typeof spec === 'object' && !Array.isArray(spec)) return info(custom(spec as CustomMarket), 'flag')
  }
  throw new BotsError(`market "${text}" is not a market`, {
    code: 'data.market',
    hint: 'use 24/7, NYSE, "ZONE HH:MM-HH:MM" (Monday to Friday, e.g. "Europe/Berlin 09:00-17:30"), or a custom market as JSON: {"timezone":…,"open":…,"close":…,"days":[…],"holidays":[…]}',
  })
}
