/**
 * With the real runtime in process: a replay feed that stops delivering (a dropped connection,
 * simulated with `pause()`) is declared stale by the runtime, the service records it and
 * reconnects, and the bot goes on from where it stopped: no bar lost, none twice.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import {loadRuntime, type RuntimeApi} from '../../src/service/runtime.js'
import {addBot} from '../../src/service/manage.js'
import {LiveService} from '../../src/service/live-service.js'
import {discoverStrategies} from '../../src/strategy/discover.js'
import {tempDir} from '../helpers/tmp.js'
import {events, query, storeWithOrcl, waitFor, writeSpec} from './helpers.js'

describe('live service: stale feed (real runtime)', () => {
  const dir = tempDir('bots-stale-')
  const db = path.join(dir, 'stale.duckdb')
  before(() => storeWithOrcl(db))

  it('records the silence, reconnects, and the replay continues without a gap', async () => {
    const bot = await addBot(writeSpec(dir, {name: 'dropper', userId: 1, speed: 50, start: '2014-06-02', staleAfter: '1S'}), 1, {path: db})
    const real = await loadRuntime()
    const feeds: {pause(): void}[] = []
    const runtime: RuntimeApi = {
      ...real,
      createReplayFeed: (o) => {
        const f = real.createReplayFeed(o)
        feeds.push(f as unknown as {pause(): void})
        return f
      },
    }
    const lines: string[] = []
    const log = {info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m)}
    const svc = new LiveService({userId: 1, db: {path: db}, log, runtime, discovery: await discoverStrategies(), pollMs: 200, heartbeatMs: 200, flushMs: 50})
    after(() => svc.shutdown())
    await svc.start()
    const bars = async () => (await query(db, 'SELECT count(DISTINCT ts)::INTEGER AS n FROM bot_bars WHERE bot_id = $id', {id: bot.id}))[0].n as number
    await waitFor('some bars', async () => (await bars()) >= 10)
    feeds[0].pause()
    await waitFor('stale recorded', async () => (await events(db, bot.id)).some((e) => e.kind === 'feed-stale'), 10_000)
    assert.ok(lines.some((l) => /"dropper": feed silent for 1 s \(last bar 2014-\d\d-\d\dT.*\); reconnecting/.test(l)), lines.join('\n'))
    await waitFor('the replay ended', () => lines.some((l) => /"dropper": the replay ended/.test(l)), 20_000)
    await svc.shutdown()
    // Every bar from the start to the end of the data, once each (the reconnect resumed after the last one).
    const all = await query(db, 'SELECT count(*)::INTEGER AS n, count(DISTINCT ts)::INTEGER AS d FROM bot_bars WHERE bot_id = $id', {id: bot.id})
    const expected = await query(db, `SELECT count(*)::INTEGER AS n FROM bars WHERE symbol = 'ORCL' AND ts >= TIMESTAMP '2014-06-02 04:00:00'`)
    assert.equal(all[0].d, expected[0].n)
    assert.equal(all[0].n, all[0].d)
    assert.equal(feeds.length, 1) // reconnected, not rebuilt
  })
})
