/**
 * With the real runtime in process: a replay feed that stops delivering (a dropped connection,
 * simulated with `pause()`) is declared stale by the runtime, the service records it and
 * reconnects, and the bot goes on from where it stopped: no bar lost, none twice.
 *
 * The service and its feeds run on one SimulatedClock: a bar every 20 ms of clock time (50 a
 * second), staleness after 1 s of clock-time silence. Each step of `runUntil` waits for the
 * service's timers' work and for every feed to have nothing left to do until time moves.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import {SimulatedClock} from '../../src/core/clock.js'
import {closeStore, openStore} from '../../src/data/store.js'
import type {ReplayFeed} from '../../src/live/replay-feed.js'
import {loadRuntime, type RuntimeApi} from '../../src/service/runtime.js'
import {addBot} from '../../src/service/manage.js'
import {LiveService} from '../../src/service/live-service.js'
import {discoverStrategies} from '../../src/strategy/discover.js'
import {tempDir} from '../helpers/tmp.js'
import {events, query, storeWithOrcl, writeSpec} from './helpers.js'

describe('live service: stale feed (real runtime)', () => {
  const dir = tempDir('bots-stale-')
  const db = path.join(dir, 'stale.duckdb')
  before(() => storeWithOrcl(db))

  it('records the silence, reconnects, and the replay continues without a gap', async () => {
    const bot = await addBot(writeSpec(dir, {name: 'dropper', userId: 1, speed: 50, start: '2014-06-02', staleAfter: '1S'}), 1, {path: db})
    const real = await loadRuntime()
    const feeds: ReplayFeed[] = []
    const runtime: RuntimeApi = {
      ...real,
      createReplayFeed: (o, wall) => {
        const f = real.createReplayFeed(o, wall) as ReplayFeed
        feeds.push(f)
        return f
      },
    }
    const lines: string[] = []
    let ended!: () => void
    const replayEnded = new Promise<void>((r) => (ended = r))
    const note = (m: string) => {
      lines.push(m)
      if (/"dropper": the replay ended/.test(m)) ended()
    }
    const log = {info: note, warn: note, error: note}
    const clock = new SimulatedClock(Date.UTC(2025, 0, 6, 12))
    // Held open for the test: the service's and the feed's opens share its instance (no DuckDB
    // start-up and checkpoint per write; the e2e tests cover those).
    const held = await openStore({path: db})
    after(() => closeStore(held))
    const svc = new LiveService({userId: 1, db: {path: db}, log, runtime, clock, discovery: await discoverStrategies(), pollMs: 5_000, heartbeatMs: 5_000, flushMs: 1_000})
    after(() => svc.shutdown())
    await svc.start()
    const settle = () => Promise.all([clock.idle(), ...feeds.map((f) => f.settled())])
    const run = (ms: number) => clock.runUntil(clock.now() + ms, settle)
    const bars = async () => (await query(db, 'SELECT count(DISTINCT ts)::INTEGER AS n FROM bot_bars WHERE bot_id = $id', {id: bot.id}))[0].n as number

    await run(200) // 10 bars, one every 20 ms
    assert.equal(feeds.length, 1)
    const delivered = feeds[0].lastBarTime
    await svc.flush()
    assert.equal(await bars(), 10)
    feeds[0].pause() // the connection drops
    await run(999)
    assert.equal(feeds[0].lastBarTime, delivered)
    assert.equal(feeds[0].status, 'paused')
    assert.ok(!lines.some((l) => /feed silent/.test(l)), lines.join('\n'))
    await run(1) // 1 s without a bar: stale, recorded, reconnected
    assert.ok(lines.some((l) => /"dropper": feed silent for 1 s \(last bar 2014-06-13T04:00:00\.000Z\); reconnecting/.test(l)), lines.join('\n'))
    assert.equal(feeds[0].status, 'live')
    await run(20)
    assert.ok(feeds[0].lastBarTime! > delivered!) // delivering again

    await run(10_000) // the rest of 2014 at 50 bars a second
    await replayEnded
    await svc.shutdown()
    // Every bar from the start to the end of the data, once each (the reconnect resumed after the last one).
    const all = await query(db, 'SELECT count(*)::INTEGER AS n, count(DISTINCT ts)::INTEGER AS d FROM bot_bars WHERE bot_id = $id', {id: bot.id})
    const expected = await query(db, `SELECT count(*)::INTEGER AS n FROM bars WHERE symbol = 'ORCL' AND ts >= TIMESTAMP '2014-06-02 04:00:00'`)
    assert.equal(all[0].d, expected[0].n)
    assert.equal(all[0].n, all[0].d)
    assert.equal(feeds.length, 1) // reconnected, not rebuilt
    // Silent once, for exactly the one drop.
    assert.deepEqual((await events(db, bot.id)).filter((e) => e.kind === 'feed-stale').length, 1)
  })
})
