/** `bots data …` in the terminal: plain-text rendering of the data commands' results (the --json form is the result itself). */
import path from 'node:path'
import type {RemoveResult, SeriesSummary} from '../../data/catalog.js'
import type {ImportResult} from '../../data/import-types.js'
import type {ResampleResult} from '../../data/resample.js'
import type {MarketInfo, SeriesDetail} from '../../data/show.js'
import {localDate} from '../../data/gaps.js'
import {toTimeframe} from '../../data/timeframe.js'
import {DAY_MS} from '../../model/time.js'
import {table} from './table.js'
import {localeNumber} from '../../core/fixed-number.js'
import {NEWEST_FIRST, orderNotes} from './import-notes.js'

const n = localeNumber

export function renderImport(r: ImportResult, shown = 20): string {
  const lines: string[] = []
  const how = [r.timeframeDetected ? 'timeframe detected from the data' : '', `times read in ${r.timezone}`, r.timeLabel === 'close' ? 'times marked bar ends' : '']
  lines.push(`${r.symbol} ${r.timeframe} (${how.filter(Boolean).join('; ')})`)
  for (const f of r.files) {
    const span = f.first ? `, bars ${f.first} … ${f.last}` : ''
    const dropped = f.skipped ? `${n(f.skipped)} skipped` : `${n(f.rejected)} rejected`
    const order = f.newestFirst ? ` (${NEWEST_FIRST})` : ''
    lines.push(`  ${path.basename(f.file)}: ${n(f.rows)} rows: ${n(f.new)} new, ${n(f.replaced)} replaced, ${dropped}${span}${order}`)
    for (const note of orderNotes(f, r.timezone)) lines.push(`  ${note}`)
  }
  for (const w of r.warnings) lines.push(`warning: ${w}`)
  if (r.removed) lines.push(`  ${n(r.removed)} stored bars not in the files were removed (--replace)`)
  const rejections = r.files.flatMap((f) => f.rejections)
  if (rejections.length) {
    lines.push(`rejected rows (file:line, the header being line 1; row = data row):`)
    for (const x of rejections.slice(0, shown)) {
      const at = x.line === undefined ? `${path.basename(x.file)} row ${x.row}` : `${path.basename(x.file)}:${x.line}`
      lines.push(`  ${at}  ${x.rule}: ${x.message}`)
    }
    const more = r.rejected - Math.min(shown, rejections.length)
    if (more > 0) lines.push(`  … and ${n(more)} more (--json lists up to ${n(Math.max(rejections.length, shown))})`)
  }
  return lines.join('\n')
}

/**
 * `zones`: each symbol's import zone. Daily (and longer) bars show as dates in it (UTC when the
 * symbol has no import), as `bots data show` does; shorter bars as UTC open times.
 */
export function renderList(series: SeriesSummary[], zones: ReadonlyMap<string, string> = new Map()): string {
  if (series.length === 0) return 'the store holds no bars yet (import some with `bots data import FILE --symbol S`)'
  const when = (s: SeriesSummary, iso: string) => (toTimeframe(s.timeframe).ms >= DAY_MS ? localDate(Date.parse(iso), zones.get(s.symbol) ?? 'UTC') : iso)
  return table(['SYMBOL', 'TIMEFRAME', 'FIRST', 'LAST', 'ROWS'], series.map((s) => [s.symbol, s.timeframe, when(s, s.first), when(s, s.last), s.rows]))
}

/** A market as `data show` names it: 24/7, NYSE, or a custom market's zone, hours, days and holidays. */
function marketText(spec: MarketInfo['spec']): string {
  return typeof spec === 'string' ? spec : `${spec.timezone} ${spec.open}-${spec.close}${spec.days.join(',') === 'mon,tue,wed,thu,fri' ? '' : ` ${spec.days.join(',')}`}${spec.holidays.length ? `, ${n(spec.holidays.length)} holidays` : ''}`
}

export function renderShow(details: SeriesDetail[]): string {
  return details
    .map((d) => {
      const m = d.missing
      const daily = m.unit === 'session'
      const marketName = marketText(d.market.spec)
      const source =
        d.market.source === 'flag'
          ? '--market'
          : d.market.source === 'import'
            ? `the import read its times in ${d.market.timezone}; set it with --market`
            : d.market.source === 'fit'
              ? `guessed: every bar is on an NYSE trading day, and ${n(d.market.holidays ?? 0)} weekday${d.market.holidays === 1 ? '' : 's'} without a bar ${d.market.holidays === 1 ? 'is an NYSE holiday' : 'are NYSE holidays'}; set it with --market`
              : `guessed: ${daily ? 'days' : 'hours and days'} read off the bars, no holidays; set it with --market`
      const units = (c: number) => `${n(c)} ${daily ? 'session' : 'bar'}${c === 1 ? '' : 's'}`
      const lines = [
        `${d.symbol} ${d.timeframe}: ${n(d.rows)} bars, ${d.firstLocal} … ${d.lastLocal} (${daily ? `dates in ${d.timezone}` : `open times in ${d.market.timezone}`})`,
        `market: ${marketName} (${source})`,
        `missing: ${m.count === 0 ? 'none' : `${units(m.count)}${daily ? '' : ' inside sessions'}${m.runs > 1 ? `, in ${n(m.runs)} runs` : ''}`}`,
      ]
      for (const r of m.ranges) lines.push(r.from === r.to ? `  ${r.from}${daily ? '' : ': 1 bar'}` : `  ${r.from} … ${r.to}: ${units(r.count)}`)
      if (m.runs > m.ranges.length) lines.push(`  … and ${n(m.runs - m.ranges.length)} more (--gaps N lists more)`)
      if (m.outside > 0) lines.push(`${daily ? `${n(m.outside)} bar${m.outside === 1 ? ' is dated on a day' : 's are dated on days'} the market is closed` : `${n(m.outside)} bar${m.outside === 1 ? ' is' : 's are'} outside the market's sessions`}`)
      // Prices as written (no thousands separators, no rounding); counts get separators.
      const rows = (rs: SeriesDetail['head']) => rs.map((b) => [b.local, String(b.open), String(b.high), String(b.low), String(b.close), String(b.volume)])
      lines.push(table([daily ? 'DATE' : 'TIME', 'OPEN', 'HIGH', 'LOW', 'CLOSE', 'VOLUME'], [...rows(d.head), ...(d.rows > d.head.length ? [['…', '', '', '', '', '']] : []), ...rows(d.tail.filter((t) => !d.head.some((h) => h.time === t.time)))]))
      return lines.join('\n')
    })
    .join('\n\n')
}

export function renderRemove(r: RemoveResult): string {
  return `removed ${n(r.rows)} bars of ${r.symbol} (${r.removed.map((s) => `${s.timeframe}: ${n(s.rows)}`).join(', ')})`
}

export function renderResample(r: ResampleResult): string {
  const partial = r.partial ? `; ${n(r.partial)} bars from incomplete periods (market ${marketText(r.market.spec)})` : ''
  const line = `${r.symbol} ${r.from} → ${r.to} (${r.timezone}): ${n(r.sourceRows)} bars → ${n(r.rows)} (${n(r.new)} new, ${n(r.replaced)} replaced${r.removed ? `, ${n(r.removed)} removed: an earlier resample's under another stamp or of bars now left out` : ''}${partial})${r.first ? `, ${r.first} … ${r.last}` : ''}`
  if (r.outside === 0) return line
  const market = marketText(r.market.spec)
  // Said apart, not in the counts' parentheses: the bars made hold (or lack) pre- and after-market trading.
  return r.sessionsOnly
    ? `${line}\n${n(r.outside)} source bars outside ${market}'s sessions (pre- and after-market, or on days it is closed) were left out (--sessions-only)`
    : `${line}\nwarning: ${n(r.outside)} of the source bars are outside ${market}'s sessions (pre- and after-market, or on days it is closed) and are in the bars made: their opens, highs, lows, closes and volume count\n  hint: --sessions-only makes the bars of session bars only, as an exchange's own ${r.to} bars are`
}
