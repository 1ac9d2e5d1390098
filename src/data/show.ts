/** `bots data show`: one symbol's series with a summary, its gaps, and its first and last bars. */
import {BotsError} from '../core/errors.js'
import {listSeries, type SeriesSummary} from './catalog.js'
import {findGaps, type GapReport} from './gaps.js'
import {importTimezone} from './resample.js'
import {withConnection, type Store} from './store.js'
import {toTimeframe} from './timeframe.js'

export interface BarRow {
  time: string
  open: number
  high: number
  low: number
  close: number
  volume: number
}

export interface SeriesDetail extends SeriesSummary {
  /** Zone used to tell session breaks from gaps (the latest import's, unless given). */
  timezone: string
  gaps: GapReport
  head: BarRow[]
  tail: BarRow[]
}

export interface ShowOptions {
  timeframe?: string | number
  timezone?: string
  /** Bars shown at each end. Default 5. */
  rows?: number
  /** Gaps listed. Default 20. */
  gaps?: number
}

export async function showSeries(store: Store, symbol: string, opts: ShowOptions = {}): Promise<SeriesDetail[]> {
  const tf = opts.timeframe === undefined ? undefined : toTimeframe(opts.timeframe).text
  const all = await listSeries(store, symbol)
  const series = all.filter((s) => tf === undefined || s.timeframe === tf)
  if (series.length === 0) {
    throw new BotsError(`no ${tf ? `${tf} ` : ''}bars for ${symbol} in the store`, {
      code: 'data.missing',
      hint: all.length ? `${symbol} has ${all.map((s) => s.timeframe).join(', ')}` : 'see what the store holds with `bots data list`',
    })
  }
  return withConnection(store, async (conn) => {
    const timezone = opts.timezone ?? (await importTimezone(conn, symbol)) ?? 'UTC'
    const out: SeriesDetail[] = []
    for (const s of series) {
      const gaps = await findGaps(conn, symbol, toTimeframe(s.timeframe), timezone, opts.gaps ?? 20)
      const rows = async (order: 'ASC' | 'DESC') =>
        (
          await conn.runAndReadAll(
            `SELECT strftime(ts, '%Y-%m-%dT%H:%M:%SZ') AS time, open, high, low, close, volume FROM bars
             WHERE symbol = $symbol AND timeframe = $timeframe ORDER BY ts ${order} LIMIT $n`,
            {symbol, timeframe: s.timeframe, n: opts.rows ?? 5},
          )
        ).getRowObjectsJS() as unknown as BarRow[]
      out.push({...s, timezone, gaps, head: await rows('ASC'), tail: (await rows('DESC')).reverse()})
    }
    return out
  })
}
