/**
 * Issue 16, item 4, the durable part: while another process holds the DuckDB store, what the
 * service cannot write goes to an fsynced journal beside the store (`<store>.user-<id>.journal`),
 * so a bot that fills goes on at once, and a `kill -9` during the outage loses nothing: the next
 * start commits the journal before any bot starts, each row once, even when the journal is
 * replayed a second time (a crash after the commit and before it was emptied).
 *
 * As in item-4.test.ts: two bots in the real runtime, in process, on a SimulatedClock; the store is
 * held by another process for 120 s of that clock. The settle step waits for every feed to have
 * handed its bar over (the bots are never blocked on the store now: a bot waiting for a locked
 * store would keep its feed busy, and the test would not finish).
 */
import assert from 'node:assert/strict'
import {copyFileSync, existsSync, statSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {SimulatedClock} from '../../src/core/clock.js'
import type {ReplayFeed} from '../../src/live/replay-feed.js'
import {Journal} from '../../src/service/journal.js'
import {LiveService} from '../../src/service/live-service.js'
import {addBot} from '../../src/service/manage.js'
import type {BotRow} from '../../src/service/bot-rows.js'
import {loadRuntime, type RuntimeApi} from '../../src/service/runtime.js'
import {withDb} from '../../src/service/db.js'
import {discoverStrategies} from '../../src/strategy/discover.js'
import {parseJson, runCli} from '../helpers/cli.js'
import {holdStore} from '../helpers/lock-holder.js'
import {tempDir} from '../helpers/tmp.js'
import {query, storeWithOrcl, writeSpec} from '../service/helpers.js'

const fillKey = (f: {symbol: string; side: string; quantity: number; price: number; time: number | string}) =>
  `${f.side} ${f.quantity} ${f.symbol} @ ${f.price} ${typeof f.time === 'number' ? new Date(f.time).toISOString() : f.time}`

/** A service on its own simulated clock, with the feeds it creates (to know when they are settled). */
async function service(db: string, start: number) {
  const real = await loadRuntime()
  const feeds: ReplayFeed[] = []
  const runtime: RuntimeApi = {...real, createReplayFeed: (o, wall) => (feeds.push(real.createReplayFeed(o, wall) as ReplayFeed), feeds.at(-1)!)}
  const lines: string[] = []
  const note = (m: string) => void lines.push(m)
  const clock = new SimulatedClock(start)
  const svc = new LiveService({userId: 1, db: {path: db}, log: {info: note, warn: note, error: note}, runtime, clock, discovery: await discoverStrategies(), pollMs: 5_000, heartbeatMs: 2_000, flushMs: 1_000})
  // Every feed has handed its bar over; the timers' work is done or waits on the clock (a poll
  // waiting for the held store, the journal's commit between tries).
  const settle = () => Promise.all([Promise.race([clock.idle(), svc.writesWaiting()]), ...feeds.map((f) => f.settled())])
  const run = (ms: number) => clock.runUntil(clock.now() + ms, settle)
  return {svc, clock, lines, run}
}

async function twoBots(dir: string, db: string): Promise<{specs: string[]; bots: BotRow[]}> {
  await storeWithOrcl(db)
  const specs = [
    writeSpec(dir, {name: 'one', userId: 1, speed: 10, start: '2014-01-02', params: {fast: 3, slow: 8, quantity: 10}}),
    writeSpec(dir, {name: 'two', userId: 1, speed: 10, start: '2014-01-02', params: {fast: 5, slow: 20, quantity: 10}}),
  ]
  return {specs, bots: [await addBot(specs[0], 1, {path: db}), await addBot(specs[1], 1, {path: db})]}
}

const storeFills = (db: string, id: number) =>
  query(db, `SELECT symbol, side, quantity, price, epoch_ms(fill_time)::DOUBLE AS time, order_id::INTEGER AS o, fill_seq AS s FROM bot_trades WHERE bot_id = $id ORDER BY fill_time, order_id, fill_seq`, {id})

async function backtestFills(db: string, spec: string) {
  const bt = await runCli(['backtest', spec, '--db', db, '--no-record', '--json', '--no-report'])
  assert.equal(bt.code, 0, bt.stderr)
  const fills = parseJson(bt).fills
  assert.ok(fills.length > 0)
  return fills.map(fillKey)
}

describe('issue 16, item 4: the journal of a store held for 120 s', () => {
  it('bots go on while the store is held, their fills in the journal; once it is free every fill is in the store once and the journal is empty', async () => {
    const dir = tempDir('bots-item4-journal-')
    const db = path.join(dir, 'held.duckdb')
    const journalFile = `${db}.user-1.journal`
    const {specs, bots} = await twoBots(dir, db)
    const {svc, lines, run} = await service(db, Date.UTC(2025, 0, 6, 12))
    await svc.start()
    await run(3_000) // 30 bars each, recorded in the store
    const holder = await holdStore(db)
    let journaled
    try {
      await run(120_000)
      journaled = await new Journal(journalFile).readAll()
    } finally {
      await holder.release()
    }
    // While the store was held, both bots played their year to the end (not one waited for the
    // store), and what they did is on disk in the journal.
    for (const bot of bots) {
      const mine = journaled.flatMap((e) => e.batch.events).filter((e) => e.botId === bot.id).map((e) => e.kind)
      assert.ok(mine.includes('feed-end'), `${bot.name} reached the end of its replay while the store was held: ${mine.join(', ')}`)
      assert.ok(journaled.some((e) => e.batch.trades.some((t) => t.botId === bot.id)), `${bot.name} filled while the store was held`)
      assert.ok(journaled.some((e) => e.batch.statuses.get(bot.id)?.status === 'stopped'), `${bot.name}'s status is journaled`)
    }
    assert.ok(lines.some((l) => /the store cannot be written now \(.*stayed locked.*journaled in .*user-1\.journal/.test(l)), lines.join('\n'))

    await run(30_000) // the journal is committed (retries every 5 s at most)
    await svc.flush()
    assert.equal(statSync(journalFile).size, 0, 'the journal is empty once committed')
    assert.ok(lines.some((l) => /the store takes writes again; .* written from the journal/.test(l)), lines.join('\n'))
    await svc.shutdown()
    assert.ok(!lines.some((l) => /not recorded/.test(l)), lines.join('\n'))

    for (const [k, bot] of bots.entries()) {
      const kinds = (await query(db, 'SELECT kind FROM bot_events WHERE bot_id = $id ORDER BY id', {id: bot.id})).map((r) => r.kind)
      assert.ok(!kinds.includes('crash') && !kinds.includes('error'), `${bot.name}: ${kinds.join(', ')}`)
      assert.equal(kinds.filter((x) => x === 'feed-end').length, 1, `${bot.name}: one feed-end: ${kinds.join(', ')}`)
      const [row] = await query(db, 'SELECT status, error FROM bots WHERE id = $id', {id: bot.id})
      assert.deepEqual({...row}, {status: 'stopped', error: null})
      const fills = await storeFills(db, bot.id)
      assert.equal(new Set(fills.map((f) => `${f.o}/${f.s}`)).size, fills.length, 'no fill twice')
      assert.deepEqual(fills.map(fillKey), await backtestFills(db, specs[k]))
    }
  })

  it('kill -9 during the outage: the next start commits the journal before the bots start, each row once, and again after a crash before the journal was emptied', async () => {
    const dir = tempDir('bots-item4-crash-')
    const db = path.join(dir, 'crash.duckdb')
    const journalFile = `${db}.user-1.journal`
    const store = path.join(dir, 'after-death.duckdb')
    const storeJournal = `${store}.user-1.journal`
    const {specs, bots} = await twoBots(dir, db)
    const [one, two] = bots

    // The first service runs, the store is held, the bots play to the end into the journal, and
    // the process "dies": its clock never moves again and nothing of it is stopped or flushed.
    const first = await service(db, Date.UTC(2025, 0, 6, 12))
    await first.svc.start()
    await first.run(3_000)
    const holder = await holdStore(db)
    let journaled
    try {
      await first.run(120_000)
      await first.svc.writesWaiting()
      journaled = await new Journal(journalFile).readAll()
      copyFileSync(journalFile, `${journalFile}.copy`)
      // The files as the dead process left them, taken while the store is still held: the first
      // service lives on in this process, and a store write of its under way when the store is
      // freed could still land in the original. Everything after the death runs on these copies.
      copyFileSync(db, store)
      if (existsSync(`${db}.wal`)) copyFileSync(`${db}.wal`, `${store}.wal`)
      copyFileSync(journalFile, storeJournal)
    } finally {
      await holder.release()
    }
    const journaledFills = journaled.flatMap((e) => e.batch.trades)
    const journaledEvents = journaled.flatMap((e) => e.batch.events)
    assert.ok(journaledFills.some((t) => t.botId === one.id) && journaledFills.some((t) => t.botId === two.id), 'both bots filled during the outage')
    assert.ok(journaledEvents.filter((e) => e.kind === 'feed-end').length === 2, 'both replays ended during the outage')
    // What the store holds after the death: not those fills, and bot one still "running".
    for (const t of journaledFills) {
      const rows = await query(store, 'SELECT 1 FROM bot_trades WHERE bot_id = $b AND run = $r AND order_id = $o AND fill_seq = $s', {b: t.botId, r: t.run, o: t.orderId, s: t.fillSeq})
      assert.equal(rows.length, 0, 'a journaled fill is not in the store yet')
    }
    assert.equal((await query(store, 'SELECT status FROM bots WHERE id = $id', {id: one.id}))[0].status, 'running')
    // Bot one is disabled meanwhile: the next service does not run it, so its row shows what the replay wrote.
    await withDb({path: store}, (conn) => conn.run('UPDATE bots SET enabled = false WHERE id = $id', {id: one.id}))

    // The next start, later: the journal is committed before any bot starts, then emptied.
    const second = await service(store, Date.UTC(2025, 0, 6, 14))
    await second.svc.start()
    assert.ok(second.lines.some((l) => new RegExp(`journal .*user-1\\.journal: ${journaled.length} batches \\(${journaledFills.length} fills\\) of a previous run committed`).test(l)), second.lines.join('\n'))
    assert.equal(statSync(storeJournal).size, 0)
    const [row] = await query(store, 'SELECT status, error FROM bots WHERE id = $id', {id: one.id})
    assert.deepEqual({...row}, {status: 'stopped', error: null}, 'bot one\'s last status, from the journal')
    await second.run(60_000) // bot two resumes after its last bar: nothing more to play
    await second.svc.shutdown()

    const expected = [await backtestFills(store, specs[0]), await backtestFills(store, specs[1])]
    const check = async () => {
      for (const [k, bot] of bots.entries()) {
        const fills = await storeFills(store, bot.id)
        assert.equal(new Set(fills.map((f) => `${f.o}/${f.s}`)).size, fills.length, 'no fill twice')
        assert.deepEqual(fills.map(fillKey), expected[k])
        const kinds = (await query(store, 'SELECT kind FROM bot_events WHERE bot_id = $id ORDER BY id', {id: bot.id})).map((r) => r.kind)
        assert.ok(!kinds.includes('crash') && !kinds.includes('error'), `${bot.name}: ${kinds.join(', ')}`)
      }
      // Each journaled event is in the store once.
      for (const e of journaledEvents) {
        const rows = await query(store, 'SELECT 1 FROM bot_events WHERE bot_id = $b AND kind = $k AND epoch_ms(ts) = $at AND message IS NOT DISTINCT FROM $m', {b: e.botId, k: e.kind, at: e.at, m: e.message ?? null})
        assert.equal(rows.length, 1, `${e.kind} of bot ${e.botId} at ${new Date(e.at).toISOString()} recorded once`)
      }
    }
    await check()

    // A crash after the commit and before the journal was emptied: the same journal again.
    copyFileSync(`${journalFile}.copy`, storeJournal)
    await withDb({path: store}, (conn) => conn.run('UPDATE bots SET enabled = false WHERE id = $id', {id: two.id}))
    const third = await service(store, Date.UTC(2025, 0, 6, 16))
    await third.svc.start()
    assert.ok(third.lines.some((l) => new RegExp(`of a previous run committed \\(${journaled.length} already in the store, skipped\\)`).test(l)), third.lines.join('\n'))
    await third.svc.shutdown()
    assert.equal(statSync(storeJournal).size, 0)
    assert.ok(existsSync(storeJournal))
    await check()
  })
})
