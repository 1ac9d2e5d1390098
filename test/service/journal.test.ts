/**
 * The recorder's journal (`src/service/journal.ts`): what it writes reads back as it was (Maps,
 * Sets, numbers JSON cannot hold), a line torn by a crash mid-append is skipped, `clear` empties
 * it; and `DuckRegistry.commitJournal` commits each entry once however often it is given the same
 * entries (a crash after the commit and before the journal was emptied).
 */
import assert from 'node:assert/strict'
import {appendFileSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {decodeEntry, encodeEntry, Journal, mergeBatches, type JournalEntry} from '../../src/service/journal.js'
import {replayJournal} from '../../src/service/journal-replay.js'
import {addBot} from '../../src/service/manage.js'
import {DuckRegistry} from '../../src/service/registry/duck-registry.js'
import {emptyBatch, type Batch} from '../../src/service/write-batch.js'
import {tempDir} from '../helpers/tmp.js'
import {query, writeSpec} from './helpers.js'

const T0 = Date.UTC(2025, 0, 6, 12)

function batchOf(botId: number, n: number, o: {status?: 'running' | 'stopped' | 'crashed'; error?: string | null} = {}): Batch {
  const b = emptyBatch()
  b.trades.push({botId, userId: 1, run: 1, orderId: n, fillSeq: n, symbol: 'ORCL', side: n % 2 ? 'buy' : 'sell', quantity: 10, price: 30 + n, commission: 0.5, time: T0 + n * 1000})
  b.events.push({botId, userId: 1, at: T0 + n * 1000, kind: 'feed-stale', message: `event ${n}`})
  b.metrics.push({botId, userId: 1, at: T0 + n * 1000, equity: n === 1 ? Number.NaN : 1000 + n, cash: Number.POSITIVE_INFINITY, positions: {ORCL: n}, pnl: -n})
  b.states.set(botId, {botId, userId: 1, run: 1, specHash: 'h', state: {fillCount: n}, at: T0 + n * 1000})
  if (o.status !== undefined || o.error !== undefined) b.statuses.set(botId, {...(o.status ? {status: o.status} : {}), ...(o.error !== undefined ? {error: o.error} : {})})
  b.heartbeats.add(botId)
  return b
}

describe('journal file', () => {
  const dir = tempDir('bots-journal-')

  it('reads back what it appended: Maps, Sets, null against absent, NaN and Infinity', async () => {
    const file = path.join(dir, 'round.journal')
    const j = new Journal(file)
    const a = batchOf(1, 1, {status: 'crashed', error: 'boom'})
    a.statuses.set(2, {error: null})
    a.lease = {userId: 1, pid: 42, host: 'here'}
    const b = batchOf(1, 2)
    await j.append({seq: 7, batch: a})
    await j.append({seq: 8, batch: b})
    const back = await j.readAll()
    assert.deepEqual(back, [{seq: 7, batch: a}, {seq: 8, batch: b}])
    assert.ok(back[0].batch.states instanceof Map && back[0].batch.heartbeats instanceof Set)
    assert.ok(Number.isNaN(back[0].batch.metrics[0].equity))
    assert.equal(back[0].batch.metrics[0].cash, Number.POSITIVE_INFINITY)
    assert.ok(!('status' in back[0].batch.statuses.get(2)!), 'an absent status stays absent (leave as is)')
    assert.equal(back[0].batch.statuses.get(2)!.error, null, 'a null error stays null (clear it)')
    assert.equal(readFileSync(file, 'utf8').split('\n').length, 3, 'one line per batch')
    assert.deepEqual(decodeEntry(encodeEntry(back[1])), back[1])
  })

  it('skips a line torn by a crash mid-append, with a warning, and appends after it on a new line', async () => {
    const file = path.join(dir, 'torn.journal')
    await new Journal(file).append({seq: 1, batch: batchOf(1, 1)})
    appendFileSync(file, encodeEntry({seq: 2, batch: batchOf(1, 2)}).slice(0, 40)) // the process died here
    const warnings: string[] = []
    const after = new Journal(file, (m) => void warnings.push(m))
    assert.deepEqual((await after.readAll()).map((e) => e.seq), [1])
    assert.equal(warnings.length, 1)
    assert.match(warnings[0], /line 2 is torn/)
    // A new process appending to that file starts a new line: the torn one stays alone.
    await after.append({seq: 3, batch: batchOf(1, 3)})
    assert.deepEqual((await after.readAll()).map((e) => e.seq), [1, 3])
  })

  it('clear empties the file; a missing file reads as empty and clears quietly', async () => {
    const file = path.join(dir, 'clear.journal')
    const j = new Journal(file)
    assert.deepEqual(await j.readAll(), [])
    await j.clear()
    await j.append({seq: 1, batch: batchOf(1, 1)})
    assert.ok((await j.size()) > 0)
    await j.clear()
    assert.equal(await j.size(), 0)
    assert.deepEqual(await j.readAll(), [])
    await j.append({seq: 2, batch: batchOf(1, 2)})
    assert.deepEqual((await j.readAll()).map((e) => e.seq), [2])
  })

  it('one file per user beside the store', () => {
    assert.equal(Journal.forStore('/x/.bots/bots.duckdb', 3).file, '/x/.bots/bots.duckdb.user-3.journal')
  })

  it('merges batches in order: rows appended, the latest state, statuses field by field', () => {
    const m = mergeBatches([batchOf(1, 1, {status: 'crashed', error: 'boom'}), batchOf(1, 2, {status: 'running'}), batchOf(1, 3)])
    assert.deepEqual(m.trades.map((t) => t.fillSeq), [1, 2, 3])
    assert.deepEqual(m.states.get(1)!.state, {fillCount: 3})
    assert.deepEqual(m.statuses.get(1), {status: 'running', error: 'boom'})
    assert.deepEqual([...m.heartbeats], [1])
  })
})

describe('DuckRegistry.commitJournal', () => {
  const dir = tempDir('bots-journal-commit-')
  const db = path.join(dir, 'commit.duckdb')

  it('commits each entry once, however often it is given (replayed after a crash before clear)', async () => {
    const bot = await addBot(writeSpec(dir, {name: 'j', userId: 1}), 1, {path: db})
    const reg = new DuckRegistry({path: db})
    const scope = {userId: 1}
    const entries: JournalEntry[] = [1, 2, 3].map((n) => ({seq: n, batch: batchOf(bot.id, n, n === 2 ? {status: 'crashed', error: 'boom'} : {})}))
    assert.deepEqual(await reg.commitJournal(scope, [], T0), {seq: 0, written: 0}, 'nothing committed yet')
    assert.deepEqual(await reg.commitJournal(scope, entries.slice(0, 2), T0), {seq: 2, written: 2})
    assert.deepEqual(await reg.commitJournal(scope, entries.slice(0, 2), T0), {seq: 2, written: 0}, 'the same entries again')
    assert.deepEqual(await reg.commitJournal(scope, entries, T0), {seq: 3, written: 1}, 'and one more')
    assert.deepEqual(await reg.commitJournal(scope, entries, T0), {seq: 3, written: 0})
    const trades = await query(db, 'SELECT fill_seq FROM bot_trades WHERE bot_id = $id ORDER BY fill_seq', {id: bot.id})
    assert.deepEqual(trades.map((t) => t.fill_seq), [1, 2, 3])
    const events = await query(db, `SELECT message FROM bot_events WHERE bot_id = $id AND kind = 'feed-stale' ORDER BY id`, {id: bot.id})
    assert.deepEqual(events.map((e) => e.message), ['event 1', 'event 2', 'event 3'], 'events once each')
    const metrics = await query(db, 'SELECT count(*)::INTEGER AS n FROM bot_metrics WHERE bot_id = $id', {id: bot.id})
    assert.equal(metrics[0].n, 3)
    const [row] = await query(db, 'SELECT status, error FROM bots WHERE id = $id', {id: bot.id})
    assert.deepEqual({...row}, {status: 'crashed', error: 'boom'}, 'the status of entry 2, not undone by replays')
    const [state] = await query(db, 'SELECT state FROM bot_state WHERE bot_id = $id', {id: bot.id})
    assert.deepEqual(JSON.parse(state.state), {fillCount: 3})
    // Another user's marker is its own.
    assert.deepEqual(await reg.commitJournal({userId: 2}, [], T0), {seq: 0, written: 0})
  })
})

describe('replayJournal (a service start)', () => {
  const dir = tempDir('bots-journal-replay-')

  it('a batch the store refuses costs only itself: the others are committed, it is kept beside the journal, the journal is emptied', async () => {
    const db = path.join(dir, 'replay.duckdb')
    const bot = await addBot(writeSpec(dir, {name: 'r', userId: 1}), 1, {path: db})
    const reg = new DuckRegistry({path: db})
    const file = Journal.forStore(db, 1)
    // Batch 2 sets a status the bots table's CHECK refuses: the whole journal in one transaction fails.
    const bad = batchOf(bot.id, 2)
    bad.statuses.set(bot.id, {status: 'bogus' as never})
    for (const [seq, batch] of [[1, batchOf(bot.id, 1)], [2, bad], [3, batchOf(bot.id, 3)]] as const) await file.append({seq, batch})
    const lines: string[] = []
    const log = {info: (m: string) => void lines.push(`info ${m}`), error: (m: string) => void lines.push(`error ${m}`)}
    const last = await replayJournal(file, (entries) => reg.commitJournal({userId: 1}, entries, T0), log)
    assert.equal(last, 3)
    const trades = await query(db, 'SELECT fill_seq FROM bot_trades WHERE bot_id = $id ORDER BY fill_seq', {id: bot.id})
    assert.deepEqual(trades.map((t) => t.fill_seq), [1, 3], 'the fills of the batches the store takes')
    assert.equal(await file.size(), 0, 'the journal is emptied')
    const aside = `${file.file}.failed-3`
    assert.deepEqual(readFileSync(aside, 'utf8').trim().split('\n').map((l) => decodeEntry(l).seq), [2], 'only the refused batch is kept aside')
    assert.match(lines.join('\n'), /error journal .*: the store refused 1 batch \(1 fills\) of a previous run \(.*\); kept in .*failed-3; the other 2 batches were committed/)
    // Replayed again (a crash before the journal was emptied): nothing is written twice.
    await file.append({seq: 3, batch: batchOf(bot.id, 3)})
    assert.equal(await replayJournal(file, (entries) => reg.commitJournal({userId: 1}, entries, T0), log), 3)
    assert.equal((await query(db, 'SELECT count(*)::INTEGER AS n FROM bot_trades WHERE bot_id = $id', {id: bot.id}))[0].n, 2)
  })

  it('a journal the store takes whole is committed in one go and emptied', async () => {
    const db = path.join(dir, 'whole.duckdb')
    const bot = await addBot(writeSpec(dir, {name: 'w', userId: 1}), 1, {path: db})
    const reg = new DuckRegistry({path: db})
    const file = Journal.forStore(db, 1)
    for (const seq of [1, 2]) await file.append({seq, batch: batchOf(bot.id, seq)})
    const lines: string[] = []
    const last = await replayJournal(file, (entries) => reg.commitJournal({userId: 1}, entries, T0), {info: (m) => void lines.push(m), error: (m) => void lines.push(m)})
    assert.equal(last, 2)
    assert.equal(await file.size(), 0)
    assert.match(lines.join('\n'), /2 batches \(2 fills\) of a previous run committed$/)
  })
})
