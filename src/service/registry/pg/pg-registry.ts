/**
 * The live registry on PostgreSQL: several `bots live` processes on several machines share it.
 *
 * - Management writes (add, update, enable, disable, remove) commit with a NOTIFY on
 *   `bots_registry`, so the process holding the bot hears of it at once (`pg-listen.ts`).
 * - A service's batch (`writeBatch`) first locks the leases it claims to hold (`FOR SHARE`): only
 *   bots whose lease row names this process, at the epoch it claimed, and has not expired by the
 *   writer's clock, are written. A claim by another process has to wait for that lock, so it sees
 *   the batch committed or not at all, and after it no batch of the old holder passes.
 * - Rows go in with one `INSERT … SELECT FROM unnest(…)` per table (arrays as parameters).
 * - Leases: see `pg-leases.ts`.
 */
import type pg from 'pg'
import {BotsError} from '../../../core/errors.js'
import type {BotRow, NewBot} from '../../bot-rows.js'
import {iso, statusView, type BotStatusView, type EventView, type TradeView} from '../../queries.js'
import type {ResumeInfo} from '../../resume-info.js'
import type {Batch} from '../../write-batch.js'
import type {LiveBar} from '../../../live/runtime-types.js'
import type {Fill, Order} from '../../../model/orders.js'
import {sameSpec} from '../duck-registry.js'
import {warmEndOf} from '../../parity-records.js'
import type {Fence, ParityRecords, Registry, Scope, SpecUpdate, WriteResult} from '../registry.js'
import {notifyChange, type PgDb} from './pg-db.js'
import {PgOwnership} from './pg-ownership.js'
import type {OwnershipOptions} from '../../ownership.js'

/** A timestamptz column read as epoch ms. */
const ms = (col: string) => `(extract(epoch FROM ${col}) * 1000)::float8`
const BOT_COLUMNS = `id, user_id, name, spec, spec_file, spec_hash, enabled, status, error, ${ms('heartbeat_at')} AS heartbeat_at, ${ms('created_at')} AS created_at, ${ms('updated_at')} AS updated_at`

function toRow(r: Record<string, any>): BotRow {
  return {
    id: Number(r.id), userId: Number(r.user_id), name: r.name, spec: r.spec, specFile: r.spec_file, specHash: r.spec_hash, enabled: r.enabled,
    status: r.status, error: r.error, heartbeatAt: r.heartbeat_at === null ? null : Number(r.heartbeat_at), createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
  }
}

const num = (v: number | undefined | null) => (v === undefined || v === null || !Number.isFinite(v) ? null : v)

export interface PgRegistryOptions {
  /** Stored bars after a bot's last bar (its feed position), read from the DuckDB store; null when unknown. */
  barsAfter?: (tf: string, symbols: string[], last: number) => Promise<number | null>
}

export class PgRegistry implements Registry {
  readonly kind = 'postgres'

  constructor(readonly db: PgDb, private readonly opts: PgRegistryOptions = {}) {}

  get where(): string {
    return this.db.shown
  }

  async listBots(filter: {userId?: number} = {}): Promise<BotRow[]> {
    const r = await this.db.pool.query(`SELECT ${BOT_COLUMNS} FROM bots WHERE ($1::bigint IS NULL OR user_id = $1) ORDER BY id`, [filter.userId ?? null])
    return r.rows.map(toRow)
  }

  async getBot(id: number, userId?: number, client: pg.Pool | pg.PoolClient = this.db.pool): Promise<BotRow> {
    const r = await client.query(`SELECT ${BOT_COLUMNS} FROM bots WHERE id = $1 AND ($2::bigint IS NULL OR user_id = $2)`, [id, userId ?? null])
    if (r.rows.length) return toRow(r.rows[0])
    throw new BotsError(`no bot with id ${id}${userId === undefined ? '' : ` for user ${userId}`}`, {code: 'bot.unknown', hint: '`bots list` shows the bots and their ids'})
  }

  addBot(b: NewBot): Promise<BotRow> {
    return this.db.tx(async (c) => {
      await assertNameFree(c, b.userId, b.name)
      const r = await c.query(
        `INSERT INTO bots (user_id, name, spec, spec_file, spec_hash, enabled, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'stopped', to_timestamp($7::float8 / 1000), to_timestamp($7::float8 / 1000)) RETURNING id`,
        [b.userId, b.name, b.spec, b.specFile, b.specHash, b.enabled, b.now])
      const id = Number(r.rows[0].id)
      await event(c, id, b.userId, b.now, 'added', b.specFile)
      await notifyChange(c, {bot: id, user: b.userId, what: 'added'})
      return this.getBot(id, undefined, c)
    })
  }

  updateSpec(id: number, u: SpecUpdate, check: (before: BotRow) => void): Promise<{bot: BotRow; changed: boolean}> {
    return this.db.tx(async (c) => {
      await c.query('SELECT id FROM bots WHERE id = $1 FOR UPDATE', [id])
      const before = await this.getBot(id, undefined, c)
      check(before)
      if (sameSpec(before, u)) return {bot: before, changed: false}
      if (before.name !== u.name) await assertNameFree(c, before.userId, u.name)
      await c.query(`UPDATE bots SET name = $2, spec = $3, spec_file = $4, spec_hash = $5, error = NULL, updated_at = to_timestamp($6::float8 / 1000) WHERE id = $1`,
        [id, u.name, u.spec, u.specFile, u.specHash, u.now])
      await event(c, id, before.userId, u.now, 'updated', u.specFile)
      await notifyChange(c, {bot: id, user: before.userId, what: 'updated'})
      return {bot: await this.getBot(id, undefined, c), changed: true}
    })
  }

  setEnabled(id: number, enabled: boolean, now: number): Promise<BotRow> {
    return this.db.tx(async (c) => {
      const before = await this.getBot(id, undefined, c)
      // Enabled again after being disabled: a fresh start, so an old error no longer holds it back.
      await c.query(`UPDATE bots SET enabled = $2, updated_at = to_timestamp($3::float8 / 1000),
          status = CASE WHEN NOT enabled AND $2 AND status = 'error' THEN 'stopped' ELSE status END,
          error = CASE WHEN NOT enabled AND $2 THEN NULL ELSE error END
        WHERE id = $1`, [id, enabled, now])
      await event(c, id, before.userId, now, enabled ? 'enabled' : 'disabled', null)
      await notifyChange(c, {bot: id, user: before.userId, what: enabled ? 'enabled' : 'disabled'})
      return this.getBot(id, undefined, c)
    })
  }

  removeBot(id: number): Promise<BotRow> {
    return this.db.tx(async (c) => {
      const row = await this.getBot(id, undefined, c)
      // The lease row stays (its epoch must never start over); the holder sees the bot gone.
      for (const table of ['bot_trades', 'bot_metrics', 'bot_events', 'bot_state', 'bot_bars', 'bot_orders']) await c.query(`DELETE FROM ${table} WHERE bot_id = $1`, [id])
      await c.query('DELETE FROM bots WHERE id = $1', [id])
      await notifyChange(c, {bot: id, user: row.userId, what: 'removed'})
      return row
    })
  }

  async status(id?: number, userId?: number): Promise<BotStatusView[]> {
    const rows = id === undefined ? await this.listBots({userId}) : [await this.getBot(id, userId)]
    if (rows.length === 0) return []
    const ids = rows.map((r) => r.id)
    const q = (sql: string) => this.db.pool.query(sql, [ids]).then((r) => r.rows as Record<string, any>[])
    const [states, trades, errors, leases] = await Promise.all([
      q(`SELECT bot_id, state, ${ms('saved_at')} AS at FROM bot_state WHERE bot_id = ANY($1)`),
      q(`SELECT bot_id, count(*)::float8 AS n FROM bot_trades WHERE bot_id = ANY($1) GROUP BY bot_id`),
      q(`SELECT DISTINCT ON (bot_id) bot_id, ${ms('ts')} AS at, kind, message FROM bot_events WHERE bot_id = ANY($1) AND kind IN ('crash', 'error') ORDER BY bot_id, id DESC`),
      q(`SELECT bot_id, holder, host, pid, epoch, ${ms('expires_at')} AS expires FROM bot_leases WHERE bot_id = ANY($1)`),
    ])
    const by = (list: Record<string, any>[]) => new Map(list.map((r) => [Number(r.bot_id), r]))
    const [st, tr, er, le] = [by(states), by(trades), by(errors), by(leases)]
    return Promise.all(rows.map((row) => {
      const s = st.get(row.id)
      const e = er.get(row.id)
      const l = le.get(row.id)
      return statusView({
        row,
        state: s ? {json: s.state, at: Number(s.at)} : undefined,
        trades: Number(tr.get(row.id)?.n ?? 0),
        lastError: e ? {at: Number(e.at), kind: String(e.kind), message: e.message ?? null} : undefined,
        lastRecordedBar: async () => {
          const r = await this.db.pool.query(`SELECT ${ms('max(ts)')} AS t FROM bot_bars WHERE bot_id = $1`, [row.id])
          return r.rows[0]?.t === null || r.rows[0]?.t === undefined ? null : Number(r.rows[0].t)
        },
        barsAfter: this.opts.barsAfter ?? (async () => null),
        lease: l ? {holder: l.holder, host: l.host, pid: l.pid === null ? null : Number(l.pid), epoch: Number(l.epoch), expiresAt: iso(Number(l.expires))!} : null,
      })
    }))
  }

  async trades(id: number, limit?: number): Promise<TradeView[]> {
    await this.getBot(id)
    const r = await this.db.pool.query(
      `SELECT run, order_id, fill_seq, ${ms('fill_time')} AS t, symbol, side, quantity, price, commission FROM bot_trades WHERE bot_id = $1
       ORDER BY run, fill_time, order_id, fill_seq ${limit ? `LIMIT ${Math.trunc(limit)}` : ''}`, [id])
    return r.rows.map((x) => ({run: Number(x.run), orderId: Number(x.order_id), fillSeq: Number(x.fill_seq), time: iso(Number(x.t))!, symbol: x.symbol, side: x.side, quantity: x.quantity, price: x.price, commission: x.commission}))
  }

  async events(id: number, limit = 100): Promise<EventView[]> {
    await this.getBot(id)
    const r = await this.db.pool.query(
      `SELECT * FROM (SELECT id, ${ms('ts')} AS at, kind, message FROM bot_events WHERE bot_id = $1 ORDER BY id DESC LIMIT ${Math.trunc(limit)}) e ORDER BY id`, [id])
    return r.rows.map((x) => ({at: iso(Number(x.at))!, kind: x.kind, message: x.message ?? null}))
  }

  async parityRecords(id: number): Promise<ParityRecords> {
    const row = await this.getBot(id)
    const pool = this.db.pool
    const run = Number((await pool.query(`SELECT coalesce(max(run), 0) AS run FROM bot_bars WHERE bot_id = $1 AND spec_hash = $2`, [id, row.specHash])).rows[0].run)
    const specsInRun = Number((await pool.query(`SELECT count(DISTINCT spec_hash) AS n FROM bot_bars WHERE bot_id = $1 AND run = $2`, [id, run])).rows[0].n)
    const p = [id, run, row.specHash]
    const bars: LiveBar[] = (await pool.query(`SELECT DISTINCT ON (ts, symbol) symbol, ${ms('ts')} AS t, ${ms('close_ts')} AS c, open, high, low, close, volume
      FROM bot_bars WHERE bot_id = $1 AND run = $2 AND spec_hash = $3 ORDER BY ts, symbol`, p)).rows
      .map((r) => ({symbol: r.symbol, time: Number(r.t), closeTime: Number(r.c), open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume}))
    const orders = (await pool.query(`SELECT order_id, symbol, side, quantity, type, limit_price, stop_price, ${ms('created_ts')} AS t
      FROM bot_orders WHERE bot_id = $1 AND run = $2 AND spec_hash = $3 ORDER BY order_id`, p)).rows
      .map((r) => ({id: Number(r.order_id), symbol: r.symbol, side: r.side, quantity: r.quantity, type: r.type, limitPrice: r.limit_price ?? undefined, stopPrice: r.stop_price ?? undefined, createdAt: Number(r.t), timeInForce: 'gtc', status: 'filled'}) as Order)
    const fills: Fill[] = (await pool.query(`SELECT order_id, fill_seq, trade_id, symbol, side, quantity, price, commission, ${ms('fill_time')} AS t FROM bot_trades
      WHERE bot_id = $1 AND run = $2 AND order_id IN (SELECT order_id FROM bot_orders WHERE bot_id = $1 AND run = $2 AND spec_hash = $3) ORDER BY fill_time, order_id, fill_seq`, p)).rows
      .map((r) => ({orderId: Number(r.order_id), symbol: r.symbol, side: r.side, quantity: r.quantity, price: r.price, commission: r.commission, time: Number(r.t),
        ...(r.trade_id == null ? {} : {tradeId: String(r.trade_id), tradeSeq: Number(r.fill_seq)})}))
    const state = (await pool.query(`SELECT state FROM bot_state WHERE bot_id = $1 AND run = $2 AND spec_hash = $3`, p)).rows[0]
    return {row, run, bars, orders, fills, specsInRun, ...warmEndOf(state?.state)}
  }

  async resumeInfo(scope: Scope, ids: number[]): Promise<Map<number, ResumeInfo>> {
    const out = new Map<number, ResumeInfo>(ids.map((id) => [id, {lastRun: 0, maxOrderIds: {}, clientIds: {}}]))
    if (ids.length === 0) return out
    const p = [ids, scope.userId ?? null]
    const mine = `bot_id = ANY($1) AND ($2::bigint IS NULL OR user_id = $2)`
    const pool = this.db.pool
    const [states, runs, orders] = await Promise.all([
      pool.query(`SELECT bot_id, run, spec_hash, state FROM bot_state WHERE ${mine}`, p),
      pool.query(`SELECT bot_id, max(run) AS run FROM (
          SELECT bot_id, run FROM bot_trades WHERE ${mine} UNION ALL SELECT bot_id, run FROM bot_state WHERE ${mine}
          UNION ALL SELECT bot_id, max(run) FROM bot_bars WHERE ${mine} GROUP BY bot_id) x GROUP BY bot_id`, p),
      // Orders of each bot's latest run that no fill explains yet: a new holder looks them up by the id they were sent with.
      pool.query(`SELECT o.bot_id, o.run, o.order_id, o.client_order_id, o.earlier_client_ids FROM bot_orders o
          WHERE o.${mine} AND o.run = (SELECT max(run) FROM bot_orders x WHERE x.bot_id = o.bot_id)`, p),
    ])
    for (const r of states.rows) out.get(Number(r.bot_id))!.saved = {run: Number(r.run), specHash: r.spec_hash, state: r.state}
    for (const r of runs.rows) out.get(Number(r.bot_id))!.lastRun = Number(r.run)
    for (const r of orders.rows) {
      const info = out.get(Number(r.bot_id))!
      const run = Number(r.run)
      const id = Number(r.order_id)
      info.maxOrderIds[run] = Math.max(info.maxOrderIds[run] ?? 0, id)
      if (r.client_order_id) (info.clientIds![run] ??= {})[id] = [...(r.earlier_client_ids ?? []), r.client_order_id]
    }
    return out
  }

  writeBatch(scope: Scope, b: Batch, now: number, fence?: Fence): Promise<WriteResult> {
    return this.db.tx(async (c) => {
      const ids = new Set<number>()
      for (const list of [b.trades, b.orders, b.bars, b.metrics, b.events]) for (const r of list) ids.add(r.botId)
      for (const id of [...b.states.keys(), ...b.statuses.keys(), ...b.heartbeats]) ids.add(id)
      const fenced: number[] = []
      let ok: Map<number, {user: number; epoch: number}>
      if (fence) {
        // Lock the leases this batch relies on: a claim by another process waits for this commit.
        const r = await c.query(
          `SELECT l.bot_id, l.epoch, b.user_id FROM bot_leases l JOIN bots b ON b.id = l.bot_id
           WHERE l.bot_id = ANY($1) AND l.holder = $2 AND l.expires_at > to_timestamp($3::float8 / 1000) FOR SHARE OF l FOR KEY SHARE OF b`,
          [[...ids], fence.holder, now])
        ok = new Map()
        for (const x of r.rows) {
          const id = Number(x.bot_id)
          if (fence.held.get(id) === Number(x.epoch) && (scope.userId === undefined || Number(x.user_id) === scope.userId)) ok.set(id, {user: Number(x.user_id), epoch: Number(x.epoch)})
        }
        for (const id of ids) if (!ok.has(id)) fenced.push(id)
      } else {
        const r = await c.query(`SELECT id, user_id FROM bots WHERE id = ANY($1) AND ($2::bigint IS NULL OR user_id = $2) FOR KEY SHARE`, [[...ids], scope.userId ?? null])
        ok = new Map(r.rows.map((x) => [Number(x.id), {user: Number(x.user_id), epoch: 0}]))
      }
      const mine = <T extends {botId: number; userId?: number}>(rows: Iterable<T>) => [...rows].filter((r) => ok.get(r.botId)?.user === r.userId)
      const epoch = (id: number) => ok.get(id)!.epoch
      const trades = mine(b.trades)
      if (trades.length) {
        await c.query(`INSERT INTO bot_trades (bot_id, user_id, run, order_id, fill_seq, symbol, side, quantity, price, commission, fill_time, recorded_at, trade_id, epoch)
          SELECT a, u, r, o, s, sy, si, q, p, cm, to_timestamp(t / 1000.0), to_timestamp($14::float8 / 1000), ti, e
          FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::bigint[], $5::int[], $6::text[], $7::text[], $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::text[], $13::bigint[])
            AS x(a, u, r, o, s, sy, si, q, p, cm, t, ti, e)
          ON CONFLICT DO NOTHING`,
        [...columns(trades, (t) => [t.botId, t.userId, t.run, t.orderId, t.fillSeq, t.symbol, t.side, t.quantity, t.price, t.commission, t.time, t.tradeId ?? null, epoch(t.botId)], 13), now])
      }
      const orders = mine(b.orders)
      if (orders.length) {
        await c.query(`INSERT INTO bot_orders (bot_id, user_id, run, spec_hash, order_id, symbol, side, quantity, type, limit_price, stop_price, created_ts, client_order_id, epoch)
          SELECT a, u, r, h, o, sy, si, q, ty, lp, sp, to_timestamp(t / 1000.0), ci, e
          FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::float8[], $9::text[], $10::float8[], $11::float8[], $12::float8[], $13::text[], $14::bigint[])
            AS x(a, u, r, h, o, sy, si, q, ty, lp, sp, t, ci, e)
          ON CONFLICT (bot_id, run, order_id) DO UPDATE SET client_order_id = excluded.client_order_id, epoch = excluded.epoch,
            earlier_client_ids = array_append(bot_orders.earlier_client_ids, bot_orders.client_order_id)
          WHERE excluded.epoch > bot_orders.epoch AND excluded.client_order_id IS DISTINCT FROM bot_orders.client_order_id AND bot_orders.client_order_id IS NOT NULL`,
        columns(orders, (o) => [o.botId, o.userId, o.run, o.specHash, o.orderId, o.symbol, o.side, o.quantity, o.type, num(o.limitPrice), num(o.stopPrice), o.createdAt, o.clientOrderId ?? null, epoch(o.botId)], 14))
      }
      const bars = mine(b.bars)
      if (bars.length) {
        await c.query(`INSERT INTO bot_bars SELECT a, u, r, h, sy, to_timestamp(t / 1000.0), to_timestamp(ct / 1000.0), o, hi, lo, cl, v
          FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::text[], $5::text[], $6::float8[], $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::float8[])
            AS x(a, u, r, h, sy, t, ct, o, hi, lo, cl, v)`,
        columns(bars, (x) => [x.botId, x.userId, x.run, x.specHash, x.symbol, x.time, x.closeTime, x.open, x.high, x.low, x.close, x.volume], 12))
      }
      const metrics = mine(b.metrics)
      if (metrics.length) {
        await c.query(`INSERT INTO bot_metrics SELECT a, u, to_timestamp(t / 1000.0), e, ca, p::jsonb, pn
          FROM unnest($1::bigint[], $2::bigint[], $3::float8[], $4::float8[], $5::float8[], $6::text[], $7::float8[]) AS x(a, u, t, e, ca, p, pn)`,
        columns(metrics, (m) => [m.botId, m.userId, m.at, num(m.equity) ?? 0, num(m.cash) ?? 0, JSON.stringify(m.positions), num(m.pnl) ?? 0], 7))
      }
      const events = mine(b.events)
      if (events.length) {
        await c.query(`INSERT INTO bot_events (bot_id, user_id, ts, kind, message) SELECT a, u, to_timestamp(t / 1000.0), k, m
          FROM unnest($1::bigint[], $2::bigint[], $3::float8[], $4::text[], $5::text[]) WITH ORDINALITY AS x(a, u, t, k, m, n) ORDER BY n`,
        columns(events, (e) => [e.botId, e.userId, e.at, e.kind, e.message ?? null], 5))
      }
      const states = mine(b.states.values())
      if (states.length) {
        await c.query(`INSERT INTO bot_state SELECT a, u, r, h, s::jsonb, to_timestamp(t / 1000.0)
          FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::text[], $5::text[], $6::float8[]) AS x(a, u, r, h, s, t)
          ON CONFLICT (bot_id) DO UPDATE SET user_id = excluded.user_id, run = excluded.run, spec_hash = excluded.spec_hash, state = excluded.state, saved_at = excluded.saved_at`,
        columns(states, (s) => [s.botId, s.userId, s.run, s.specHash, JSON.stringify(s.state), s.at], 6))
      }
      for (const [id, u] of b.statuses) {
        if (!ok.has(id)) continue
        await c.query(`UPDATE bots SET updated_at = to_timestamp($2::float8 / 1000),
            status = CASE WHEN $3::boolean THEN $4 ELSE status END, error = CASE WHEN $5::boolean THEN $6 ELSE error END WHERE id = $1`,
        [id, now, u.status !== undefined, u.status ?? null, u.error !== undefined, u.error ?? null])
      }
      const beats = [...b.heartbeats].filter((id) => ok.has(id))
      if (beats.length) await c.query(`UPDATE bots SET heartbeat_at = to_timestamp($2::float8 / 1000) WHERE id = ANY($1)`, [beats, now])
      return {fenced}
    })
  }

  ownership(o: OwnershipOptions): PgOwnership {
    return new PgOwnership(this.db, o)
  }

  close(): Promise<void> {
    return this.db.close()
  }
}

/** Rows to one array per column (what `unnest` takes). */
function columns<T>(rows: T[], cells: (row: T) => unknown[], n: number): unknown[][] {
  const out: unknown[][] = Array.from({length: n}, () => [])
  for (const row of rows) {
    const c = cells(row)
    for (let k = 0; k < n; k++) out[k].push(c[k])
  }
  return out
}

async function event(c: pg.PoolClient, botId: number, userId: number, at: number, kind: string, message: string | null): Promise<void> {
  await c.query(`INSERT INTO bot_events (bot_id, user_id, ts, kind, message) VALUES ($1, $2, to_timestamp($3::float8 / 1000), $4, $5)`, [botId, userId, at, kind, message])
}

async function assertNameFree(c: pg.PoolClient, userId: number, name: string): Promise<void> {
  const r = await c.query(`SELECT id FROM bots WHERE user_id = $1 AND name = $2`, [userId, name])
  const taken = r.rows[0]
  if (taken) {
    throw new BotsError(`user ${userId} already has a bot named "${name}" (id ${taken.id})`, {
      code: 'bot.duplicate', hint: `change it with \`bots update ${taken.id} SPEC\`, or give this spec another name`,
    })
  }
}
