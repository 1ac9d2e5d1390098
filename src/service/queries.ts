/**
 * What `bots status`, `bots trades` and `bots logs` read. Read-only queries; callers open the
 * store read-only (several readers may share it while the service is between writes).
 */
import type {DuckDBConnection} from '@duckdb/node-api'
import path from 'node:path'
import {parse as parseYaml} from '../core/yaml.js'
import {fileSeries} from '../data/file-series.js'
import {toTimeframe} from '../data/timeframe.js'
import type {BotState} from '../live/runtime-types.js'
import {accountFigures} from './bot-metrics.js'
import {findBot, getBot, listBots, type BotRow} from './bot-rows.js'

export interface BotStatusView {
  id: number
  userId: number
  name: string
  enabled: boolean
  status: BotRow['status']
  error: string | null
  heartbeatAt: string | null
  updatedAt: string
  equity: number | null
  cash: number | null
  pnl: number | null
  positions: Record<string, number>
  /** When the figures above were saved (the bot's last recorded state). */
  stateAt: string | null
  trades: number
  /** The latest crash or error event, even when the bot has recovered since. */
  lastError: {at: string; kind: string; message: string | null} | null
  /** Where the bot's data feed stands. */
  feed: FeedPosition
  /** PostgreSQL registry: who holds the bot (null: nobody). Absent on the DuckDB registry (one service per user). */
  lease?: LeaseView | null
  /**
   * DuckDB registry: how old the heartbeat of the user's service may be before it counts as silent
   * (its lease's three heartbeat intervals), when a service holds the lease. Absent: 60 s.
   */
  silentAfterMs?: number
}

export interface FeedPosition {
  type: 'replay' | 'exchange'
  /** Open time of the last bar the bot processed (its saved state, else its recorded bars); null before any. */
  lastBarTime: string | null
  /**
   * Replay feeds: how many stored bars (distinct bar times of its symbols and timeframe) come after
   * `lastBarTime`, i.e. how far the replay is from its end. Null for exchange feeds, before the
   * first bar, and when the bars live in another file (`data.db`).
   */
  barsBehind: number | null
}

export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

/** Who runs a bot (PostgreSQL registry only): the process holding its lease, and the claim's epoch. */
export interface LeaseView {
  holder: string | null
  host: string | null
  pid: number | null
  epoch: number
  expiresAt: string
}

/** What one bot's status is made of, as each registry reads it. */
export interface StatusParts {
  row: BotRow
  /** The saved state (JSON text or object) and when it was saved. */
  state?: {json: unknown; at: number}
  trades: number
  lastError?: {at: number; kind: string; message: string | null}
  /** The newest recorded bar time, read only when the state has none (a function: most bots never need it). */
  lastRecordedBar: () => Promise<number | null>
  /** Stored bars after `last` for a replay bot, or null when they cannot be counted here. */
  barsAfter: (tf: string, symbols: string[], last: number) => Promise<number | null>
  lease?: LeaseView | null
  silentAfterMs?: number
}

export async function statusView(p: StatusParts): Promise<BotStatusView> {
  const b = p.row
  const state = p.state ? ((typeof p.state.json === 'string' ? JSON.parse(p.state.json) : p.state.json) as BotState) : undefined
  const m = state ? {...accountFigures(state), at: p.state!.at} : undefined
  return {
    id: b.id, userId: b.userId, name: b.name, enabled: b.enabled, status: b.status, error: b.error,
    heartbeatAt: iso(b.heartbeatAt), updatedAt: iso(b.updatedAt)!,
    equity: m?.equity ?? null, cash: m?.cash ?? null, pnl: m?.pnl ?? null,
    positions: m?.positions ?? {}, stateAt: iso(m?.at ?? null),
    trades: p.trades,
    lastError: p.lastError ? {at: iso(p.lastError.at)!, kind: p.lastError.kind, message: p.lastError.message} : null,
    feed: await feedPosition(b, state, p),
    ...(p.lease === undefined ? {} : {lease: p.lease}),
    ...(p.silentAfterMs === undefined ? {} : {silentAfterMs: p.silentAfterMs}),
  }
}

export async function botStatus(conn: DuckDBConnection, id?: number, userId?: number): Promise<BotStatusView[]> {
  const rows = id === undefined ? await listBots(conn, {userId}) : [await getBot(conn, id, userId)]
  const out: BotStatusView[] = []
  const withBars = await hasBars(conn)
  for (const b of rows) {
    // The saved state is at most a second or so old while the bot runs; metrics snapshots are sparser.
    const st = (await conn.runAndReadAll(`SELECT state, epoch_ms(saved_at)::DOUBLE AS at FROM bot_state WHERE bot_id = $id`, {id: b.id})).getRowObjectsJS()[0]
    const n = (await conn.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM bot_trades WHERE bot_id = $id`, {id: b.id})).getRowObjectsJS()[0].n as number
    const e = (await conn.runAndReadAll(
      `SELECT epoch_ms(ts)::DOUBLE AS at, kind, message FROM bot_events WHERE bot_id = $id AND kind IN ('crash', 'error') ORDER BY id DESC LIMIT 1`, {id: b.id},
    )).getRowObjectsJS()[0]
    // The service's own bound (a --heartbeat-interval of 120 s beats every 2 minutes: not silent after 60 s).
    const lease = (await conn.runAndReadAll(`SELECT max(stale_ms)::DOUBLE AS ms FROM service_leases WHERE user_id = $user`, {user: b.userId})).getRowObjectsJS()[0]
    out.push(await statusView({
      row: b,
      state: st ? {json: String(st.state), at: st.at as number} : undefined,
      trades: n,
      ...(typeof lease?.ms === 'number' ? {silentAfterMs: Math.max(60_000, lease.ms)} : {}),
      lastError: e ? {at: e.at as number, kind: String(e.kind), message: e.message === null ? null : String(e.message)} : undefined,
      lastRecordedBar: async () => {
        const r = (await conn.runAndReadAll(`SELECT epoch_ms(max(ts))::DOUBLE AS t FROM bot_bars WHERE bot_id = $id`, {id: b.id})).getRowObjectsJS()[0]
        return typeof r?.t === 'number' ? r.t : null
      },
      barsAfter: (tf, symbols, last) => (withBars ? storedBarsAfter(conn, tf, symbols, last) : Promise.resolve(null)),
    }))
  }
  return out
}

/** Distinct stored bar times of these symbols after `last`: how far a replay is from its end. */
export async function storedBarsAfter(conn: DuckDBConnection, tf: string, symbols: string[], last: number): Promise<number> {
  const params: Record<string, string | number> = {tf, last}
  symbols.forEach((s, i) => (params[`s${i}`] = s))
  const r = (await conn.runAndReadAll(
    `SELECT count(DISTINCT ts)::DOUBLE AS n FROM bars WHERE timeframe = $tf AND symbol IN (${symbols.map((_, i) => `$s${i}`).join(', ')}) AND ts > make_timestamp_ms($last::BIGINT)`,
    params,
  )).getRowObjectsJS()[0]
  return r.n as number
}

/** What status needs of a stored spec (it was validated when stored; anything odd gives nulls). */
function specFeed(text: string, specFile: string | null): {type: 'replay' | 'exchange'; symbols: string[]; series: string[]; timeframe?: string; otherDb: boolean} {
  let doc: any
  try {
    doc = parseYaml(text)
  } catch {
    doc = undefined
  }
  const type = doc?.live?.feed?.type === 'exchange' ? 'exchange' : 'replay'
  const symbols: string[] = Array.isArray(doc?.symbols) ? doc.symbols.map(String) : []
  // A file data source is stored as its own series (data/file-series.ts), its path relative to the spec's folder.
  const data = doc?.data
  const fileOf = (s: string): string | undefined => (data?.source !== 'file' ? undefined : typeof data.files?.[s] === 'string' ? data.files[s] : symbols.length === 1 && typeof data.path === 'string' ? data.path : undefined)
  const series = symbols.map((s) => {
    const f = fileOf(s)
    return f === undefined ? s : fileSeries(s, path.resolve(specFile ? path.dirname(specFile) : '.', f))
  })
  return {type, symbols, series, timeframe: doc?.timeframe === undefined ? undefined : String(doc.timeframe), otherDb: Boolean(doc?.data?.db)}
}

async function feedPosition(b: BotRow, state: BotState | undefined, p: StatusParts): Promise<FeedPosition> {
  const spec = specFeed(b.spec, b.specFile)
  let last: number | null = null
  const times = Object.values(state?.lastBarTime ?? {}).filter((t): t is number => typeof t === 'number' && Number.isFinite(t))
  if (times.length) last = Math.max(...times)
  else last = await p.lastRecordedBar()
  let behind: number | null = null
  if (spec.type === 'replay' && last !== null && !spec.otherDb) {
    const symbols = spec.series.length ? spec.series : (state?.symbols ?? [])
    let tf: string | undefined
    try {
      tf = toTimeframe(state?.timeframeMs ?? spec.timeframe ?? '').text
    } catch {
      tf = undefined
    }
    if (tf && symbols.length) behind = await p.barsAfter(tf, symbols, last)
  }
  return {type: spec.type, lastBarTime: iso(last), barsBehind: behind}
}

/** A registry that never held market data has no `bars` (a view since data/003-bar-series, a table before). */
export async function hasBars(conn: DuckDBConnection): Promise<boolean> {
  const r = (
    await conn.runAndReadAll(
      `SELECT (SELECT count(*) FROM duckdb_tables() WHERE table_name = 'bars' AND schema_name = 'main')
            + (SELECT count(*) FROM duckdb_views() WHERE view_name = 'bars' AND schema_name = 'main')::DOUBLE AS n`,
    )
  ).getRowObjectsJS()[0]
  return Number(r.n) > 0
}

export interface TradeView {
  /** A bot's fresh starts are numbered; order ids start over in each (see schema.ts). */
  run: number
  orderId: number
  fillSeq: number
  time: string
  symbol: string
  side: string
  quantity: number
  price: number
  commission: number
}

export async function botTrades(conn: DuckDBConnection, id: number, limit?: number): Promise<TradeView[]> {
  await getBot(conn, id)
  const rows = (await conn.runAndReadAll(
    `SELECT run, order_id::DOUBLE AS o, fill_seq AS s, epoch_ms(fill_time)::DOUBLE AS t, symbol, side, quantity, price, commission
     FROM bot_trades WHERE bot_id = $id ORDER BY run, fill_time, order_id, fill_seq ${limit ? `LIMIT ${Math.trunc(limit)}` : ''}`,
    {id},
  )).getRowObjectsJS()
  return rows.map((r) => ({run: r.run as number, orderId: r.o as number, fillSeq: r.s as number, time: iso(r.t as number)!, symbol: String(r.symbol), side: String(r.side), quantity: r.quantity as number, price: r.price as number, commission: r.commission as number}))
}

export interface EventView {
  at: string
  kind: string
  message: string | null
}

/** The latest `limit` events, oldest first. */
export async function botEvents(conn: DuckDBConnection, id: number, limit = 100): Promise<EventView[]> {
  await getBot(conn, id)
  const rows = (await conn.runAndReadAll(
    `SELECT * FROM (SELECT epoch_ms(ts)::DOUBLE AS at, kind, message, id FROM bot_events WHERE bot_id = $id ORDER BY id DESC LIMIT ${Math.trunc(limit)}) ORDER BY id`,
    {id},
  )).getRowObjectsJS()
  return rows.map((r) => ({at: iso(r.at as number)!, kind: String(r.kind), message: r.message === null ? null : String(r.message)}))
}

export {findBot, listBots}
