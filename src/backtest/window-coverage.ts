/**
 * The backtest window against the bars the store holds. A window with no bar of a symbol in it
 * (wholly before or after that symbol's data) is an error that says the data's range, located at
 * the window's end that is off (`backtest.start` / `--start`, or `backtest.end` / `--end`): a
 * run over nothing would print n/a everywhere and exit 0. A window that reaches past the data
 * (whole market sessions before the first bar or after the last) is cut to the data; that is
 * worth a warning naming the data's first and last bar. So is a symbol of several whose data
 * covers only part of the run (which spans all of theirs), window or not.
 */
import type {MarketCalendar} from '../calendar/index.js'
import {localDateOf, utcToLocalParts} from '../calendar/index.js'
import {BotsError, type Diagnostic} from '../core/errors.js'
import {DAY_MS} from '../model/time.js'
import {toTimeframe} from '../data/timeframe.js'
import {withConnection, type Store} from '../data/store.js'
import type {Bars} from '../model/bars.js'
import {locateInSpec} from './locate-in-spec.js'

export {dailyAlignmentWarnings} from './daily-alignment.js'
export {sessionFitWarnings} from './session-fit.js'
export {volumeFitWarnings} from './volume-fit.js'
import type {Window} from './window.js'

export interface DataRange {
  /** Open time of the first and last stored bar, epoch ms. */
  first: number
  last: number
}

/** Where the window's bounds came from: a flag (`--start`) or the spec (`backtest.start`). */
export interface WindowSource {
  /** The spec file, as the user named it. */
  file: string
  start?: string
  end?: string
  /** Which bounds came from flags. */
  overridden: {start: boolean; end: boolean}
}

export async function storedRange(store: Store, symbol: string, timeframe: string | number): Promise<DataRange | undefined> {
  const tf = toTimeframe(timeframe)
  return withConnection(store, async (conn) => {
    const r = await conn.runAndReadAll(
      `SELECT epoch_ms(min(ts))::DOUBLE AS first, epoch_ms(max(ts))::DOUBLE AS last FROM bars WHERE symbol = $symbol AND timeframe = $timeframe`,
      {symbol, timeframe: tf.text},
    )
    const row = r.getRowObjectsJS()[0] as {first: number | null; last: number | null} | undefined
    return row && row.first !== null && row.last !== null ? {first: Number(row.first), last: Number(row.last)} : undefined
  })
}

/**
 * Throws a located BotsError when some symbol has no bar in the window; returns a warning for
 * each symbol whose data covers only part of it, and (several symbols) for each whose bars cover
 * only part of the run's span where no window said so (shortSpan).
 */
export async function checkWindowCoverage(opts: {
  store: Store
  bars: Bars[]
  window: Window
  source: WindowSource
  timeframeMs: number
  timezone: string
  calendar: MarketCalendar
  /** The stored series of a symbol (a spec's data file has its own; default the symbol). */
  series?: (symbol: string) => string
}): Promise<Diagnostic[]> {
  const {bars, window, timeframeMs, timezone, calendar} = opts
  const windowed = window.startMs !== undefined || window.endMs !== undefined
  if (!windowed && bars.length < 2) return []
  const fmt = (t: number) => formatBarTime(t, timeframeMs, timezone)
  const warnings: Diagnostic[] = []
  for (const [k, b] of bars.entries()) {
    const past = windowed ? await windowPastData(opts, b, fmt) : undefined
    const short = past === undefined && bars.length > 1 ? await shortSpan(b, k, bars, timeframeMs, calendar, opts.source.file, fmt) : undefined
    const warning = past ?? short
    if (warning !== undefined) warnings.push(warning)
  }
  return warnings
}

/**
 * A symbol of a run of several whose bars leave whole sessions of the run's span uncovered, where
 * no window said so (no window at all: each symbol's whole data): the run spans every symbol's
 * bars, so it goes on without this one's, which cannot be traded there and, after its last bar, is
 * held at its last close (a position keeps that value to the end, found by an audit).
 */
async function shortSpan(b: Bars, k: number, bars: readonly Bars[], timeframeMs: number, calendar: MarketCalendar, file: string, fmt: (t: number) => string): Promise<Diagnostic | undefined> {
  const own = ownSpan(b)
  if (own === undefined) return undefined
  const first = runFirst(bars)
  const last = runLast(bars)
  const before = wholeSessionBetween(calendar, first, own.first)
  const after = wholeSessionBetween(calendar, own.last + timeframeMs, last + timeframeMs)
  if (!before && !after) return undefined
  const what = [
    before ? 'before its first bar it cannot be traded' : undefined,
    after ? 'after its last bar it cannot be traded, and a position in it is valued at that bar\'s close to the end' : undefined,
  ].filter(Boolean).join('; ')
  return {
    severity: 'warning',
    code: 'backtest.symbol_span',
    ...(await locateInSpec(file, `/symbols/${k}`)),
    message: `${b.symbol} has bars over ${fmt(own.first)} – ${fmt(own.last)} only, of the run's ${fmt(first)} – ${fmt(last)}: ${what}`,
    hint: `set backtest.start and backtest.end inside every symbol's data, or import ${b.symbol}'s missing bars`,
  }
}

/** checkWindowCoverage for one symbol with a window: the error of a window outside its data, or the warning of one reaching past it. */
async function windowPastData(opts: Parameters<typeof checkWindowCoverage>[0], b: Bars, fmt: (t: number) => string): Promise<Diagnostic | undefined> {
  const {store, bars, window, source, timeframeMs, calendar} = opts
  const range = await storedRange(store, opts.series?.(b.symbol) ?? b.symbol, timeframeMs)
  if (!range) return undefined // loadBars already said the series is missing
  const has = `the store's ${b.symbol} ${toTimeframe(timeframeMs).text} bars run from ${fmt(range.first)} to ${fmt(range.last)}`
  if (b.length === 0) {
    const after = window.startMs !== undefined && window.startMs > range.last
    const which: 'start' | 'end' = after || window.endMs === undefined ? 'start' : 'end'
    const asked = `${source.start ?? '(data start)'} – ${source.end ?? '(data end)'}`
    const where = await locateBound(source, which)
    throw new BotsError(`${where.prefix}the backtest window ${asked} holds no ${b.symbol} bar: ${has}`, {
      code: 'backtest.window_outside_data',
      ...where.location,
      hint: `move the window into ${fmt(range.first)} – ${fmt(range.last)}, or import data for the years you asked for`,
    })
  }
  const missedBefore = window.startMs !== undefined && wholeSessionBetween(calendar, window.startMs, range.first)
  const missedAfter = window.endMs !== undefined && wholeSessionBetween(calendar, range.last + timeframeMs, window.endMs)
  if (missedBefore || missedAfter) {
    const cut = [
      missedBefore ? `starts at ${fmt(range.first)}, after the window's start ${source.start}` : undefined,
      missedAfter ? `ends at ${fmt(range.last)}, before the window's end ${source.end}` : undefined,
    ].filter(Boolean).join(' and ')
    const which: 'start' | 'end' = missedAfter ? 'end' : 'start'
    const where = await locateBound(source, which)
    // With several symbols the run spans all of their bars: name this symbol's own span in it
    // (the run's span was quoted as this symbol's, found by an audit).
    const own = ownSpan(b)
    const span = bars.length === 1 || own === undefined
      ? `the backtest runs over ${fmt(b.time[0])} – ${fmt(b.time[b.length - 1])} only`
      : `${b.symbol} has bars over ${fmt(own.first)} – ${fmt(own.last)} only, of the run's ${fmt(runFirst(bars))} – ${fmt(runLast(bars))}`
    return {
      severity: 'warning',
      code: 'backtest.window_past_data',
      ...where.location,
      message: `${where.prefix}the ${b.symbol} data ${cut}: ${span} (${has})`,
      hint: `narrow the window to the data, or import the missing bars`,
    }
  }
  return undefined
}

/** The first and last time at which `b` has a bar (aligned bars of several symbols hold NaN where one has none). */
function ownSpan(b: Bars): {first: number; last: number} | undefined {
  let first = -1
  let last = -1
  for (let i = 0; i < b.length; i++) {
    if (b.close[i] !== b.close[i]) continue
    if (first < 0) first = i
    last = i
  }
  return first < 0 ? undefined : {first: b.time[first], last: b.time[last]}
}

const runFirst = (bars: readonly Bars[]) => Math.min(...bars.filter((b) => b.length > 0).map((b) => b.time[0]))
const runLast = (bars: readonly Bars[]) => Math.max(...bars.filter((b) => b.length > 0).map((b) => b.time[b.length - 1]))

/** Whether a whole market session lies in [from, to): bars the window asks for that the data lacks. */
function wholeSessionBetween(calendar: MarketCalendar, from: number, to: number): boolean {
  if (!(to > from)) return false
  try {
    return calendar.sessions(from, to).some((s) => s.open >= from && s.close <= to)
  } catch {
    // Outside the calendar's years: fall back to a week, more than any weekend and holiday run.
    return to - from >= 7 * DAY_MS
  }
}

/** The spec position of `backtest.start`/`end`, or the flag's name when a flag set it. */
async function locateBound(source: WindowSource, which: 'start' | 'end'): Promise<{prefix: string; location: Partial<Diagnostic>}> {
  if (source.overridden[which]) return {prefix: `--${which} ${source[which]}: `, location: {}}
  return {prefix: '', location: await locateInSpec(source.file, `/backtest/${which}`)}
}

/** A bar's open time for messages: the local date for daily bars, else local date and time with the zone. */
export function formatBarTime(t: number, timeframeMs: number, timezone: string): string {
  if (timeframeMs >= DAY_MS) return localDateOf(t, timezone)
  const p = utcToLocalParts(t, timezone)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${localDateOf(t, timezone)} ${pad(p.hour)}:${pad(p.minute)} ${timezone}`
}
