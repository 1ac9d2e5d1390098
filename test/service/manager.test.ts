/**
 * The service's logic with a fake runtime (in process, fast): which bots start, the diff at each
 * poll, crashes and backoff, recording before the strategy hears, user isolation.
 *
 * Time is a SimulatedClock: nothing happens between two steps the test takes. `clock.runUntil(t)`
 * fires the service's timers due by `t` (polls, heartbeats, flushes, restarts) one time step at a
 * time and awaits the work each started (its store writes included) before going on.
 */
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import {SimulatedClock} from '../../src/core/clock.js'
import {closeStore, openStore} from '../../src/data/store.js'
import {discoverStrategies, type Discovery} from '../../src/strategy/discover.js'
import {addBot, enableBot, removeBot, updateBot} from '../../src/service/manage.js'
import {LiveService} from '../../src/service/live-service.js'
import type {ServiceLog} from '../../src/service/service-log.js'
import {tempDir} from '../helpers/tmp.js'
import {FakeRuntime} from './fake-runtime.js'
import {botRow, events, query, writeSpec} from './helpers.js'

/** A Monday noon, when the simulated clock starts. */
const T0 = Date.UTC(2025, 0, 6, 12)

function capture(): ServiceLog & {lines: string[]} {
  const lines: string[] = []
  return {lines, info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`)}
}

describe('live service (fake runtime)', () => {
  let discovery: Discovery
  const dir = tempDir('bots-svc-')
  before(async () => {
    discovery = await discoverStrategies()
  })

  async function service(db: string, userId: number, runtime: FakeRuntime, over: Partial<ConstructorParameters<typeof LiveService>[0]> = {}) {
    const log = capture()
    const clock = new SimulatedClock(T0)
    // Held open for the test: the service's opens in this process share its instance, so each
    // write is not also a DuckDB start-up and checkpoint (the e2e tests cover those).
    const held = await openStore({path: db})
    const svc = new LiveService({userId, db: {path: db}, log, runtime, discovery, clock, pollMs: 50, heartbeatMs: 50, metricsMs: 60_000, flushMs: 20, policy: {baseMs: 20, maxMs: 100, maxRestarts: 2}, ...over})
    after(async () => {
      await svc.shutdown()
      await closeStore(held)
    })
    const report = await svc.start()
    /** Let `ms` of simulated time pass: every timer due meanwhile fires, and its work is done. */
    const pass = (ms: number) => clock.runUntil(clock.now() + ms)
    return {svc, log, report, clock, pass}
  }

  it('starts only the user\'s enabled, valid bots; marks an invalid one error and goes on', async () => {
    const db = path.join(dir, 'start.duckdb')
    const a = await addBot(writeSpec(dir, {name: 'a'}), 1, {path: db, discovery})
    const b = await addBot(writeSpec(dir, {name: 'b'}), 1, {path: db, discovery, enabled: false})
    const c = await addBot(writeSpec(dir, {name: 'c'}), 1, {path: db, discovery})
    const other = await addBot(writeSpec(dir, {name: 'a-user2'}), 2, {path: db, discovery})
    // Break c in the database (as a spec from an older version could be): validation at start catches it.
    await query(db, 'SELECT 1') // the store exists
    const {withDb} = await import('../../src/service/db.js')
    await withDb({path: db}, (conn) => conn.run(`UPDATE bots SET spec = replace(spec, '"fast":5', '"fast":50') WHERE id = ${c.id}`))
    const before2 = await botRow(db, other.id)

    const runtime = new FakeRuntime()
    const {report, log, svc, clock, pass} = await service(db, 1, runtime)
    assert.deepEqual(report.started, [a.id])
    // The service hands its own clock to every feed it builds (pacing, staleness).
    assert.equal(runtime.latest(a.id).feed.wall, clock)
    assert.equal(report.found, 2)
    assert.deepEqual(report.failed.map((f) => f.id), [c.id])
    assert.match(report.failed[0].message, /strategy: .*fast \(50\) must be smaller than slow \(20\)/)
    assert.ok(log.lines.some((l) => /2 enabled bots found, 1 loaded, 1 started, 1 failed/.test(l)), log.lines.join('\n'))
    assert.equal((await botRow(db, a.id)).status, 'running')
    assert.equal((await botRow(db, b.id)).status, 'stopped')
    const cRow = await botRow(db, c.id)
    assert.equal(cRow.status, 'error')
    assert.match(cRow.error, /fast \(50\)/)
    // A heartbeat with its running status, then every 50 ms of clock time, for the running bot only.
    assert.equal((await botRow(db, a.id)).heartbeat, T0)
    await pass(49)
    assert.equal((await botRow(db, a.id)).heartbeat, T0)
    await pass(1)
    assert.equal((await botRow(db, a.id)).heartbeat, T0 + 50)
    await pass(50)
    assert.equal((await botRow(db, a.id)).heartbeat, T0 + 100)
    assert.equal((await botRow(db, b.id)).heartbeat, null)
    // Never touched: the other user's bot.
    assert.deepEqual(await botRow(db, other.id), before2)
    assert.deepEqual((await events(db, other.id)).map((e) => e.kind), ['added'])
    assert.ok(runtime.bots.every((x) => x.botId !== String(other.id)))
    await svc.shutdown()
    assert.equal((await botRow(db, a.id)).status, 'stopped')
    assert.equal(runtime.latest(a.id).stoppedWith, 'shutdown')
  })

  /**
   * Two bots, `early` and `late`, whose start waits until `release()`: a service still in its first
   * sync once `earlyStarted` has resolved.
   */
  async function slowStart(name: string, over: Partial<ConstructorParameters<typeof LiveService>[0]>) {
    const db = path.join(dir, `${name}.duckdb`)
    const early = await addBot(writeSpec(dir, {name: 'early'}), 1, {path: db, discovery})
    const late = await addBot(writeSpec(dir, {name: 'late'}), 1, {path: db, discovery})
    const runtime = new FakeRuntime()
    let release!: () => void
    runtime.startGates.set(late.id, new Promise<void>((r) => (release = r)))
    const earlyStarted = runtime.whenStarted(early.id)
    const clock = new SimulatedClock(T0)
    const held = await openStore({path: db})
    const log = capture()
    const svc = new LiveService({userId: 1, db: {path: db}, log, runtime, discovery, clock, pollMs: 3_600_000, heartbeatMs: 3_600_000, metricsMs: 3_600_000, flushMs: 3_600_000, ...over})
    after(async () => {
      release()
      await svc.shutdown()
      await closeStore(held)
    })
    const both = [early.id, late.id].sort((x, y) => x - y)
    return {db, early, late, runtime, clock, log, svc, earlyStarted, release: () => release(), both}
  }

  it('runs its timers while its bots start: one started early has its heartbeat before the last has started', async () => {
    const {db, early, late, clock, svc, earlyStarted, release, both} = await slowStart('slow-start', {heartbeatMs: 50, flushMs: 20})
    let done = false
    const starting = svc.start().finally(() => (done = true))
    await earlyStarted
    await new Promise((r) => setImmediate(r)) // its supervisor marks it running
    await clock.runUntil(T0 + 50)
    assert.equal(done, false, 'the late bot is still starting')
    assert.equal((await botRow(db, early.id)).status, 'running')
    assert.equal((await botRow(db, early.id)).heartbeat, T0 + 50)
    assert.equal((await botRow(db, late.id)).heartbeat, null)
    release()
    const report = await starting
    assert.deepEqual([...report.started].sort((x, y) => x - y), both)
  })

  it('a change made while its bots start is applied at once and printed as a poll, after the start-up line', async () => {
    const {db, early, runtime, clock, log, svc, earlyStarted, release, both} = await slowStart('change-while-starting', {pollMs: 50})
    const starting = svc.start()
    await earlyStarted
    await enableBot(early.id, false, {path: db})
    // The poll due now finds the first sync still running: it asks for another right after it.
    clock.advanceTo(T0 + 50)
    release()
    const report = await starting
    assert.deepEqual([...report.started].sort((x, y) => x - y), both)
    const lines = log.lines.filter((l) => /enabled bots found|poll:/.test(l))
    assert.match(lines[0] ?? '', /2 enabled bots found, 2 loaded, 2 started/)
    assert.match(lines[1] ?? '', /poll: 0 started, 1 stopped/)
    assert.equal((await botRow(db, early.id)).status, 'stopped')
    assert.equal(runtime.latest(early.id).stoppedWith, 'stop')
  })

  it('records a fill (with the state after it) before the runtime goes on; never twice', async () => {
    const db = path.join(dir, 'fill.duckdb')
    const a = await addBot(writeSpec(dir, {name: 'filler'}), 1, {path: db, discovery})
    const runtime = new FakeRuntime()
    await service(db, 1, runtime, {flushMs: 60_000})
    const bot = runtime.latest(a.id)
    await bot.fill('ORCL', 'buy', 10, 12.5, Date.UTC(2014, 0, 3))
    // Awaited by the runtime: by now it is in the database, flush timer or not.
    const trades = await query(db, 'SELECT order_id::INTEGER AS o, side, quantity, price FROM bot_trades WHERE bot_id = $id', {id: a.id})
    assert.deepEqual(trades, [{o: 1, side: 'buy', quantity: 10, price: 12.5}])
    const st = await query(db, 'SELECT state FROM bot_state WHERE bot_id = $id', {id: a.id})
    assert.equal(JSON.parse(st[0].state).positions[0].quantity, 10)
    // The same fill re-delivered (after a resume) is not recorded again.
    await bot.options.events!.onFill!({orderId: 1, symbol: 'ORCL', side: 'buy', quantity: 10, price: 12.5, commission: 1, time: Date.UTC(2014, 0, 3)}, {id: 1} as any, bot.snapshot())
    assert.equal((await query(db, 'SELECT count(*)::INTEGER AS n FROM bot_trades')).at(0)!.n, 1)
  })

  it('hot reload: starts added and enabled bots, stops disabled and removed ones, restarts a changed one, leaves the rest alone', async () => {
    const db = path.join(dir, 'reload.duckdb')
    const keep = await addBot(writeSpec(dir, {name: 'keep'}), 1, {path: db, discovery})
    const change = await addBot(writeSpec(dir, {name: 'change'}), 1, {path: db, discovery})
    const off = await addBot(writeSpec(dir, {name: 'off'}), 1, {path: db, discovery})
    const gone = await addBot(writeSpec(dir, {name: 'gone'}), 1, {path: db, discovery})
    const runtime = new FakeRuntime()
    const {pass} = await service(db, 1, runtime)
    const keepBot = runtime.latest(keep.id)
    await runtime.latest(change.id).fill('ORCL', 'buy', 10, 20, Date.UTC(2014, 0, 3))

    const added = await addBot(writeSpec(dir, {name: 'added'}), 1, {path: db, discovery})
    await enableBot(off.id, false, {path: db})
    await removeBot(gone.id, {path: db})
    await updateBot(change.id, writeSpec(dir, {name: 'change', params: {fast: 3, slow: 20, quantity: 10}}), {path: db, discovery})
    // A comment and key order are not a new bot: the text is stored, the spec_hash (of the typed spec) stays.
    const keepFile = writeSpec(dir, {name: 'keep'})
    writeFileSync(keepFile, '# reviewed\n' + readFileSync(keepFile, 'utf8').replace('market: NYSE\n', '').replace('symbols:', 'market: NYSE\nsymbols:'))
    const cosmetic = await updateBot(keep.id, keepFile, {path: db, discovery})
    assert.equal(cosmetic.changed, true)
    assert.equal(cosmetic.bot.specHash, keep.specHash)
    assert.match(cosmetic.bot.spec, /^# reviewed/)

    // Nothing changes before the next poll…
    assert.equal(runtime.created(added.id).length, 0)
    assert.equal(runtime.latest(off.id).status, 'running')
    await pass(50) // …which applies every change
    assert.equal(runtime.created(change.id).length, 2)
    assert.equal(runtime.latest(change.id).status, 'running')
    assert.equal(runtime.created(added.id).length, 1)
    assert.equal(runtime.latest(off.id).stoppedWith, 'stop')
    assert.equal(runtime.latest(gone.id).stoppedWith, 'stop')
    // The new version resumes the old one's account.
    assert.equal(runtime.latest(change.id).options.initialState?.positions[0].quantity, 10)
    assert.equal(runtime.created(change.id)[0].stoppedWith, 'stop')
    // Untouched.
    assert.equal(runtime.created(keep.id).length, 1)
    assert.equal(keepBot.status, 'running')
    // Written before the poll ends.
    assert.equal((await botRow(db, off.id)).status, 'stopped')
    assert.equal((await botRow(db, added.id)).status, 'running')
    assert.deepEqual((await query(db, 'SELECT count(*)::INTEGER AS n FROM bot_events WHERE bot_id = $id', {id: gone.id}))[0].n, 0)
    const kinds = (await events(db, change.id)).map((e) => e.kind)
    assert.ok(kinds.includes('reload'), kinds.join())

    // A new spec that fails validation leaves the running version alone and records why.
    const {withDb} = await import('../../src/service/db.js')
    await withDb({path: db}, (conn) => conn.run(`UPDATE bots SET spec = replace(spec, 'sma-cross', 'sma-crosss'), spec_hash = 'broken' WHERE id = ${change.id}`))
    await pass(50)
    assert.match((await botRow(db, change.id)).error, /new spec rejected, the previous one keeps running: .*sma-crosss/)
    assert.equal(runtime.created(change.id).length, 2)
    assert.equal(runtime.latest(change.id).status, 'running')
    assert.equal((await botRow(db, change.id)).status, 'running')
    // Not retried at every poll: the rejected version is remembered.
    const errors = (await events(db, change.id)).filter((e) => e.kind === 'error').length
    await pass(200)
    assert.equal((await events(db, change.id)).filter((e) => e.kind === 'error').length, errors)
  })

  it('a crashed bot is marked crashed and restarted with backoff from its state; after N crashes it stays error; others run on', async () => {
    const db = path.join(dir, 'crash.duckdb')
    const a = await addBot(writeSpec(dir, {name: 'crashy'}), 1, {path: db, discovery})
    const b = await addBot(writeSpec(dir, {name: 'steady'}), 1, {path: db, discovery})
    const runtime = new FakeRuntime()
    const {pass, svc} = await service(db, 1, runtime)
    await runtime.latest(a.id).fill('ORCL', 'buy', 5, 10, Date.UTC(2014, 0, 3))
    runtime.latest(a.id).crash('boom 1')
    // Backoff: 20 ms of clock time after the first crash, 40 after the second (base 20, doubling).
    await pass(19)
    assert.equal(runtime.created(a.id).length, 1)
    await svc.flush()
    assert.equal((await botRow(db, a.id)).status, 'crashed')
    await pass(1)
    assert.equal(runtime.created(a.id).length, 2)
    assert.equal(runtime.latest(a.id).status, 'running')
    assert.equal(runtime.latest(a.id).options.initialState?.positions[0].quantity, 5)
    runtime.latest(a.id).crash('boom 2')
    await pass(39)
    assert.equal(runtime.created(a.id).length, 2)
    await pass(1)
    assert.equal(runtime.created(a.id).length, 3)
    assert.equal(runtime.latest(a.id).status, 'running')
    runtime.latest(a.id).crash('boom 3')
    await pass(100) // 80 would have been the next backoff
    assert.equal(runtime.created(a.id).length, 3)
    assert.equal((await botRow(db, a.id)).status, 'error')
    assert.match((await botRow(db, a.id)).error, /crashed 3 times in a row; not restarted \(last: boom 3\)/)
    const kinds = (await events(db, a.id)).map((e) => e.kind)
    assert.deepEqual(kinds.filter((k) => k === 'crash').length, 3)
    assert.deepEqual(kinds.filter((k) => k === 'restart').length, 2)
    assert.equal(runtime.latest(b.id).status, 'running')
    assert.equal((await botRow(db, b.id)).status, 'running')
    // Trades were kept across the restarts, once.
    assert.equal((await query(db, 'SELECT count(*)::INTEGER AS n FROM bot_trades WHERE bot_id = $id', {id: a.id}))[0].n, 1)
  })

  it('a bot that ran without crashing for the stable time starts its restart count afresh', async () => {
    const db = path.join(dir, 'stable.duckdb')
    const a = await addBot(writeSpec(dir, {name: 'sometimes'}), 1, {path: db, discovery})
    const runtime = new FakeRuntime()
    const {pass, svc} = await service(db, 1, runtime, {pollMs: 3_600_000, heartbeatMs: 3_600_000, policy: {baseMs: 20, maxMs: 100, maxRestarts: 2, stableMs: 1_000}})
    runtime.latest(a.id).crash('boom 1')
    await pass(20)
    runtime.latest(a.id).crash('boom 2')
    await pass(40)
    assert.equal(runtime.created(a.id).length, 3)
    await pass(1_000) // stable: the budget is whole again
    runtime.latest(a.id).crash('boom 3')
    await pass(19)
    assert.equal(runtime.created(a.id).length, 3)
    await pass(1) // the first delay again, not a give-up
    assert.equal(runtime.created(a.id).length, 4)
    assert.equal(runtime.latest(a.id).status, 'running')
    await svc.flush()
    assert.equal((await botRow(db, a.id)).status, 'running')
  })

  it('shutdown gives up on a bot that does not stop in time, keeping its last state', async () => {
    const db = path.join(dir, 'stuck.duckdb')
    const a = await addBot(writeSpec(dir, {name: 'stuck'}), 1, {path: db, discovery})
    const b = await addBot(writeSpec(dir, {name: 'prompt'}), 1, {path: db, discovery})
    const runtime = new FakeRuntime()
    const {svc, clock, log} = await service(db, 1, runtime, {stopTimeoutMs: 5_000})
    await runtime.latest(a.id).bar('ORCL', Date.UTC(2014, 0, 3), 20)
    runtime.latest(a.id).hangOnStop = true
    let stopped = false
    const shutdown = svc.shutdown('test').then(() => (stopped = true))
    await clock.runUntil(clock.now() + 4_999)
    assert.equal(stopped, false)
    assert.equal(runtime.latest(b.id).stoppedWith, 'shutdown')
    await clock.runUntil(clock.now() + 1)
    await shutdown
    assert.ok(log.lines.some((l) => /"stuck": did not stop within 5000 ms; keeping its last state/.test(l)), log.lines.join('\n'))
    assert.equal((await botRow(db, a.id)).status, 'stopped')
    const st = await query(db, 'SELECT state FROM bot_state WHERE bot_id = $id', {id: a.id})
    assert.equal(JSON.parse(st[0].state).lastBarTime.ORCL, Date.UTC(2014, 0, 3))
  })

  it('a stale feed is reconnected and logged; a start failure that is a config problem is an error, not a crash loop', async () => {
    const db = path.join(dir, 'stale.duckdb')
    const a = await addBot(writeSpec(dir, {name: 'stale'}), 1, {path: db, discovery})
    const b = await addBot(writeSpec(dir, {name: 'nodata'}), 1, {path: db, discovery})
    const runtime = new FakeRuntime()
    const {BotsError} = await import('../../src/core/errors.js')
    runtime.startErrors.set(b.id, new BotsError('no 1D bars for ORCL in the store', {hint: 'import it first'}))
    const {pass} = await service(db, 1, runtime)
    // Failed at start, recorded before start() returned.
    const row = await botRow(db, b.id)
    assert.equal(row.status, 'error')
    assert.match(row.error, /start failed: no 1D bars for ORCL in the store \(import it first\)/)
    runtime.latest(a.id).stale(3000)
    assert.equal(runtime.latest(a.id).feed.reconnects, 1)
    await pass(20) // a flush
    assert.ok((await events(db, a.id)).some((e) => e.kind === 'feed-stale' && /silent for 3 s/.test(e.message ?? '')))
    await pass(150) // polls: the failed bot is not started again
    assert.equal(runtime.created(b.id).length, 1)
    assert.equal((await botRow(db, b.id)).status, 'error')
  })

  it('a replay that ends leaves the bot stopped and not restarted at the next poll', async () => {
    const db = path.join(dir, 'end.duckdb')
    const a = await addBot(writeSpec(dir, {name: 'ends'}), 1, {path: db, discovery})
    const runtime = new FakeRuntime()
    const {pass} = await service(db, 1, runtime)
    runtime.latest(a.id).end()
    await pass(200) // a flush, and several polls
    assert.equal((await botRow(db, a.id)).status, 'stopped')
    assert.equal(runtime.created(a.id).length, 1)
    assert.deepEqual((await events(db, a.id)).map((e) => e.kind), ['added', 'start', 'feed-end', 'stop'])
  })
})
