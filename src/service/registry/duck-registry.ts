/**
 * The embedded registry: the DuckDB store file, opened for one transaction at a time (see
 * `service/db.ts` for why). Every call is one short open → transaction → close, so the management
 * commands work while a service runs. One service process per user (its lease is in `service/lease.ts`),
 * so no write needs a fence.
 */
import {statSync} from 'node:fs'
import type {DuckDBConnection} from '@duckdb/node-api'
import {deleteBot, getBot, insertBot, listBots, replaceSpec, setEnabled, type BotRow, type NewBot} from '../bot-rows.js'
import {readDb, withDb, type DbOptions} from '../db.js'
import {parityRecords} from '../parity-records.js'
import {botEvents, botStatus, botTrades} from '../queries.js'
import {appendEvent} from '../records.js'
import {loadResumeInfo} from '../resume-info.js'
import {writeBatch, type Batch} from '../write-batch.js'
import {mergeBatches, type JournalEntry} from '../journal.js'
import {resolveStorePath} from '../../data/store-path.js'
import {DuckOwnership, type OwnershipOptions} from '../ownership.js'
import type {Registry, Scope, SpecUpdate, WriteResult} from './registry.js'

export class DuckRegistry implements Registry {
  readonly kind = 'duckdb'
  readonly where: string

  constructor(readonly db: DbOptions) {
    this.where = db.path === ':memory:' ? ':memory:' : resolveStorePath(db.path)
  }

  /**
   * A poll that finds the file as it last read it (same size and modification time of the file and
   * its write-ahead log) reuses what it read: an idle service then costs a `stat` a poll, not a
   * DuckDB open and close. Any write, by any process, changes one of them.
   */
  async listBots(filter: {userId?: number} = {}): Promise<BotRow[]> {
    const state = fileState(this.where)
    const user = filter.userId ?? '*'
    const l = this.listed
    if (l && l.user === user && l.state === state && state !== '' && l.reads < 30) {
      l.reads++
      return l.rows
    }
    const rows = await readDb(this.db, (conn) => listBots(conn, filter))
    // The state before the read: a write during it shows as a change at the next poll. Read again
    // after 30 cached answers anyway, whatever the file says.
    this.listed = {user, state, rows, reads: 0}
    return rows
  }

  private listed: {user: number | '*'; state: string; rows: BotRow[]; reads: number} | undefined

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
    if (ids.length === 0) return Promise.resolve(new Map())
    return readDb(this.db, (conn) => loadResumeInfo(conn, userOf(scope), ids))
  }

  async writeBatch(scope: Scope, batch: Batch, now: number): Promise<WriteResult> {
    await this.write(batch, (conn) => writeBatch(conn, userOf(scope), batch, now))
    return {fenced: []}
  }

  /**
   * Journaled batches (`journal.ts`), in order, in one transaction: those the store has not
   * committed yet (numbered after the last one it recorded for this user) are merged and written,
   * and the store records the last number with them. Committing the same entries again writes
   * nothing: a journal replayed after a crash between the commit and its `clear` records each row
   * once, events and statuses included. Resolves with the store's last committed number, and how
   * many of the entries were written now.
   */
  async commitJournal(scope: Scope, entries: JournalEntry[], now: number): Promise<{seq: number; written: number}> {
    const user = userOf(scope)
    let last = 0
    let written = 0
    let batch: Batch | undefined
    await this.write(undefined, async (conn) => {
      if (!this.journalTable) await conn.run(JOURNAL_TABLE)
      const [row] = (await conn.runAndReadAll('SELECT seq::DOUBLE AS seq FROM service_journal WHERE user_id = $user', {user})).getRowObjectsJS()
      last = (row?.seq as number | undefined) ?? 0
      const fresh = entries.filter((e) => e.seq > last)
      if (fresh.length === 0) return
      written = fresh.length
      batch = mergeBatches(fresh.map((e) => e.batch))
      await writeBatch(conn, user, batch, now)
      last = Math.max(...fresh.map((e) => e.seq))
      await conn.run('INSERT INTO service_journal VALUES ($user, $seq) ON CONFLICT (user_id) DO UPDATE SET seq = excluded.seq', {user, seq: last})
    }, () => batch)
    this.journalTable = true
    return {seq: last, written}
  }

  /** The service_journal table exists (it is created with the first journaled commit of this process). */
  private journalTable = false

  /** One write transaction; `batch` (or what `written()` returns) says what it changed, for the cached list. */
  private async write(batch: Batch | undefined, fn: (conn: DuckDBConnection) => Promise<void>, written = () => batch): Promise<void> {
    let unchangedBefore = false
    await withDb(this.db, (conn) => {
      // Sampled while this process holds the file: nobody else can write until it closes it.
      unchangedBefore = this.listed !== undefined && this.listed.state === fileState(this.where)
      return fn(conn)
    })
    // Only this service's records changed (not which bots exist or their specs): the cached list
    // stays valid for the file as it is now. The next foreign write changes the file again.
    const b = written()
    if (unchangedBefore && this.listed && !(b && touchesBots(b))) this.listed.state = fileState(this.where)
  }

  ownership(o: OwnershipOptions) {
    return new DuckOwnership(this.db, o)
  }

  async close(): Promise<void> {}
}

/**
 * The last journal entry the store committed, per user (see `commitJournal`). Created on first
 * use rather than by a migration: only a service with a journal reads or writes it.
 */
const JOURNAL_TABLE = 'CREATE TABLE IF NOT EXISTS service_journal (user_id BIGINT PRIMARY KEY, seq BIGINT NOT NULL)'

/** Same typed spec, same text, same file: nothing to restart (comments aside, the hash says so). */
export const sameSpec = (before: BotRow, u: SpecUpdate) => u.specHash === before.specHash && before.specFile === u.specFile && before.spec === u.spec

/** A DuckDB service runs one user's bots (`--all-users` needs the PostgreSQL registry). */
function userOf(scope: Scope): number {
  if (scope.userId === undefined) throw new Error('bug: a DuckDB registry service is scoped to one user')
  return scope.userId
}

/** Size and modification time of a store and its WAL ('' for an in-memory or missing store). */
function fileState(file: string): string {
  if (file === ':memory:') return ''
  const one = (f: string) => {
    try {
      const st = statSync(f)
      return `${st.size}:${st.mtimeMs}`
    } catch {
      return '-'
    }
  }
  const main = one(file)
  return main === '-' ? '' : `${main}/${one(`${file}.wal`)}`
}

/** Whether a batch changes what `listBots` returns beyond heartbeats (statuses and errors do). */
function touchesBots(b: Batch): boolean {
  return b.statuses.size > 0
}
