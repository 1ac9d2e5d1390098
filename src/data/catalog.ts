/** What the store holds: `listSeries` for `bots data list`, `removeSeries` for `bots data remove`. */
import {BotsError} from '../core/errors.js'
import {seriesIds} from './bar-series.js'
import {inTransaction, withConnection, type Store} from './store.js'
import {toTimeframe} from './timeframe.js'

export interface SeriesSummary {
  symbol: string
  timeframe: string
  /** First and last bar open times, ISO 8601 UTC. */
  first: string
  last: string
  rows: number
}

const ISO = `'%Y-%m-%dT%H:%M:%SZ'`

export async function listSeries(store: Store, symbol?: string): Promise<SeriesSummary[]> {
  return withConnection(store, async (conn) => {
    const r = await conn.runAndReadAll(
      `SELECT symbol, timeframe, strftime(min(ts), ${ISO}) AS first, strftime(max(ts), ${ISO}) AS last, count(*)::DOUBLE AS rows
       FROM bars ${symbol === undefined ? '' : 'WHERE symbol = $symbol'}
       GROUP BY symbol, timeframe`,
      symbol === undefined ? undefined : {symbol},
    )
    const rows = r.getRowObjectsJS().map((x) => ({...x, rows: Number(x.rows)}) as SeriesSummary)
    // Shorter timeframes first within a symbol.
    return rows.sort((a, b) => (a.symbol === b.symbol ? toTimeframe(a.timeframe).ms - toTimeframe(b.timeframe).ms : a.symbol < b.symbol ? -1 : 1))
  })
}

/** Each symbol's latest import's zone (the zone its daily bars are dated in); symbols never imported are absent. */
export async function importZones(store: Store): Promise<Map<string, string>> {
  return withConnection(store, async (conn) => {
    const r = await conn.runAndReadAll(`SELECT symbol, arg_max(timezone, id) AS timezone FROM imports GROUP BY symbol`)
    return new Map(r.getRowObjectsJS().map((x) => [String(x.symbol), String(x.timezone)]))
  })
}

export interface RemoveResult {
  symbol: string
  removed: {timeframe: string; rows: number}[]
  rows: number
}

/** Delete a symbol's bars (one timeframe or all) and its import log. Unknown symbol: BotsError. */
export async function removeSeries(store: Store, symbol: string, timeframe?: string | number): Promise<RemoveResult> {
  if (store.readOnly) throw new Error('bug: removeSeries needs a store opened read-write')
  const tf = timeframe === undefined ? undefined : toTimeframe(timeframe).text
  const existing = (await listSeries(store, symbol)).filter((s) => tf === undefined || s.timeframe === tf)
  if (existing.length === 0) {
    const all = await listSeries(store)
    const same = all.filter((s) => s.symbol === symbol).map((s) => s.timeframe)
    throw new BotsError(`no ${tf ? `${tf} ` : ''}bars for ${symbol} in the store`, {
      code: 'data.missing',
      hint: same.length ? `${symbol} has ${same.join(', ')}` : `symbols in the store: ${[...new Set(all.map((s) => s.symbol))].join(', ') || 'none'}`,
    })
  }
  await withConnection(store, (conn) =>
    inTransaction(conn, async () => {
      const where = `symbol = $symbol${tf ? ' AND timeframe = $timeframe' : ''}`
      const params: Record<string, string> = tf ? {symbol, timeframe: tf} : {symbol}
      await conn.run(`DELETE FROM bar_rows WHERE series IN (${seriesIds(tf !== undefined)})`, params)
      await conn.run(`DELETE FROM bar_series WHERE ${where}`, params)
      await conn.run(`DELETE FROM imports WHERE ${where}`, params)
    }),
  )
  const removed = existing.map((s) => ({timeframe: s.timeframe, rows: s.rows}))
  return {symbol, removed, rows: removed.reduce((n, s) => n + s.rows, 0)}
}
