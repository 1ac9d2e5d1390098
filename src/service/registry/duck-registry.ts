/**
 * The embedded registry: the DuckDB store file, opened for one transaction at a time (see
 * `service/db.ts` for why). Every call is one short open → transaction → close, so the management
 * commands work while a service runs. One service process per user (its lease is in `service/lease.ts`),
 * so no write needs a fence.
 */
import {deleteBot, getBot, insertBot, listBots, replaceSpec, setEnabled, type BotRow, type NewBot} from '../bot-rows.js'
import {readDb, withDb, type DbOptions} from '../db.js'
import {parityRecords} from '../parity-records.js'
import {botEvents, botStatus, botTrades} from '../queries.js'
import {appendEvent} from '../records.js'
import {loadResumeInfo} from '../resume-info.js'
import {writeBatch, type Batch} from '../write-batch.js'
import {resolveStorePath} from '../../data/store-path.js'
import {DuckOwnership, type OwnershipOptions} from '../ownership.js'
import type {Registry, Scope, SpecUpdate, WriteResult} from './registry.js'

export class DuckRegistry implements Registry {
  readonly kind = 'duckdb'
  readonly where: string

  constructor(readonly db: DbOptions) {
    this.where = db.path === ':memory:' ? ':memory:' : resolveStorePath(db.path)
  }

  listBots(filter: {userId?: number} = {}): Promise<BotRow[]> {
    return readDb(this.db, (conn) => listBots(conn, filter))
  }

  getBot(id: number, userId?: number): Promise<BotRow> {
    return readDb(this.db, (conn) => getBot(conn, id, userId))
  }

  addBot(b: NewBot): Promise<BotRow> {
    return withDb(this.db, async (conn) => {
      const id = await insertBot(conn, b)
      await appendEvent(conn, {botId: id, userId: b.userId, at: b.now, kind: 'added', message: b.specFile})
      return getBot(conn, id)
    })
  }

  updateSpec(id: number, u: SpecUpdate, check: (before: BotRow) => void): Promise<{bot: BotRow; changed: boolean}> {
    return withDb(this.db, async (conn) => {
      const before = await getBot(conn, id)
      check(before)
      if (sameSpec(before, u)) return {bot: before, changed: false}
      await replaceSpec(conn, id, u)
      await appendEvent(conn, {botId: id, userId: before.userId, at: u.now, kind: 'updated', message: u.specFile})
      return {bot: await getBot(conn, id), changed: true}
    })
  }

  setEnabled(id: number, enabled: boolean, now: number): Promise<BotRow> {
    return withDb(this.db, async (conn) => {
      const bot = await setEnabled(conn, id, enabled, now)
      await appendEvent(conn, {botId: id, userId: bot.userId, at: now, kind: enabled ? 'enabled' : 'disabled'})
      return bot
    })
  }

  removeBot(id: number): Promise<BotRow> {
    return withDb(this.db, (conn) => deleteBot(conn, id))
  }

  status(id?: number, userId?: number) {
    return readDb(this.db, (conn) => botStatus(conn, id, userId))
  }

  trades(id: number, limit?: number) {
    return readDb(this.db, (conn) => botTrades(conn, id, limit))
  }

  events(id: number, limit?: number) {
    return readDb(this.db, (conn) => botEvents(conn, id, limit))
  }

  parityRecords(id: number) {
    return readDb(this.db, (conn) => parityRecords(conn, id))
  }

  resumeInfo(scope: Scope, ids: number[]) {
    return readDb(this.db, (conn) => loadResumeInfo(conn, userOf(scope), ids))
  }

  async writeBatch(scope: Scope, batch: Batch, now: number): Promise<WriteResult> {
    await withDb(this.db, (conn) => writeBatch(conn, userOf(scope), batch, now))
    return {fenced: []}
  }

  ownership(o: OwnershipOptions) {
    return new DuckOwnership(this.db, o)
  }

  async close(): Promise<void> {}
}

/** Same typed spec, same text, same file: nothing to restart (comments aside, the hash says so). */
export const sameSpec = (before: BotRow, u: SpecUpdate) => u.specHash === before.specHash && before.specFile === u.specFile && before.spec === u.spec

/** A DuckDB service runs one user's bots (`--all-users` needs the PostgreSQL registry). */
function userOf(scope: Scope): number {
  if (scope.userId === undefined) throw new Error('bug: a DuckDB registry service is scoped to one user')
  return scope.userId
}
