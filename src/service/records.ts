/**
 * Appending what the live service records: fills, metrics snapshots, events, bot state and the
 * bars a bot acted on. Plain functions over one connection inside the caller's transaction.
 * Fills and bars are keyed so that writing the same one twice (a retry, a resume) is a no-op.
 */
import type {DuckDBConnection} from '@duckdb/node-api'

const ts = (name: string) => `make_timestamp_ms($${name}::BIGINT)`

export interface TradeRecord {
  botId: number
  userId: number
  orderId: number
  /** 0 for an order's first fill, 1 for its second… */
  fillSeq: number
  symbol: string
  side: string
  quantity: number
  price: number
  commission: number
  /** Epoch ms of the fill. */
  time: number
}

export async function insertTrades(conn: DuckDBConnection, trades: TradeRecord[], at: number): Promise<void> {
  for (const t of trades) {
    await conn.run(
      `INSERT INTO bot_trades VALUES ($bot, $user, $order, $seq, $symbol, $side, $qty, $price, $commission, ${ts('time')}, ${ts('at')})
       ON CONFLICT DO NOTHING`,
      {bot: t.botId, user: t.userId, order: t.orderId, seq: t.fillSeq, symbol: t.symbol, side: t.side, qty: t.quantity, price: t.price, commission: t.commission, time: Math.round(t.time), at},
    )
  }
}

export interface MetricsRecord {
  botId: number
  userId: number
  at: number
  equity: number
  cash: number
  positions: Record<string, number>
  pnl: number
}

export async function insertMetrics(conn: DuckDBConnection, rows: MetricsRecord[]): Promise<void> {
  for (const m of rows) {
    await conn.run(`INSERT INTO bot_metrics VALUES ($bot, $user, ${ts('at')}, $equity, $cash, $positions, $pnl)`, {
      bot: m.botId, user: m.userId, at: m.at, equity: finite(m.equity), cash: finite(m.cash), positions: JSON.stringify(m.positions), pnl: finite(m.pnl),
    })
  }
}

export type EventKind = 'added' | 'updated' | 'enabled' | 'disabled' | 'start' | 'stop' | 'crash' | 'restart' | 'reload' | 'error' | 'feed-stale' | 'resume' | 'notify-failed'

export interface EventRecord {
  botId: number
  userId: number
  at: number
  kind: EventKind
  message?: string
}

export async function appendEvent(conn: DuckDBConnection, e: EventRecord): Promise<void> {
  await conn.run(`INSERT INTO bot_events (bot_id, user_id, ts, kind, message) VALUES ($bot, $user, ${ts('at')}, $kind, $message)`, {
    bot: e.botId, user: e.userId, at: e.at, kind: e.kind, message: e.message ?? null,
  })
}

export interface StateRecord {
  botId: number
  userId: number
  specHash: string
  state: unknown
  at: number
}

export async function saveState(conn: DuckDBConnection, s: StateRecord): Promise<void> {
  await conn.run(
    `INSERT INTO bot_state VALUES ($bot, $user, $hash, $state, ${ts('at')})
     ON CONFLICT (bot_id) DO UPDATE SET spec_hash = excluded.spec_hash, state = excluded.state, saved_at = excluded.saved_at`,
    {bot: s.botId, user: s.userId, hash: s.specHash, state: JSON.stringify(s.state), at: s.at},
  )
}

export interface BarRecord {
  botId: number
  userId: number
  specHash: string
  symbol: string
  time: number
  open: number
  high: number
  low: number
  close: number
  volume: number
}

export async function insertBars(conn: DuckDBConnection, bars: BarRecord[]): Promise<void> {
  // One statement for many rows: bars arrive at feed speed for every bot.
  for (let i = 0; i < bars.length; i += 500) {
    const chunk = bars.slice(i, i + 500)
    const params: unknown[] = []
    const values = chunk.map((b) => {
      const k = params.length
      params.push(b.botId, b.userId, b.specHash, b.symbol, Math.round(b.time), b.open, b.high, b.low, b.close, b.volume)
      return `($${k + 1}, $${k + 2}, $${k + 3}, $${k + 4}, make_timestamp_ms($${k + 5}::BIGINT), $${k + 6}, $${k + 7}, $${k + 8}, $${k + 9}, $${k + 10})`
    })
    await conn.run(`INSERT INTO bot_bars VALUES ${values.join(', ')} ON CONFLICT DO NOTHING`, params as any)
  }
}

/** A NaN value (no price seen yet) would poison sums and JSON output; such a snapshot stores 0. */
function finite(v: number): number {
  return Number.isFinite(v) ? v : 0
}
