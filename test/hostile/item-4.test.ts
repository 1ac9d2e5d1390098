/**
 * Issue 16, item 4: a store held for a long time (a big import, a long backtest) costs the live
 * service nothing but waiting. Before, fill batches were dropped after three lock timeouts, the
 * bots went to `crashed`, then `error`, and the `error` status itself was in a dropped batch.
 *
 * Now the recorder keeps every batch until it is written. Here two bots run in the real runtime,
 * in process, on a SimulatedClock; another process holds the store for 120 s of that clock (the
 * service's lock waits and retries run on it, so no real time passes for them). Afterwards every
 * fill is recorded once, equal to `bots backtest`, and no bot was ever in `crashed` or `error`.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, it} from 'node:test'
import {SimulatedClock} from '../../src/core/clock.js'
import type {ReplayFeed} from '../../src/live/replay-feed.js'
import {loadRuntime, type RuntimeApi} from '../../src/service/runtime.js'
import {addBot} from '../../src/service/manage.js'
import {LiveService} from '../../src/service/live-service.js'
import {discoverStrategies} from '../../src/strategy/discover.js'
import {parseJson, runCli} from '../helpers/cli.js'
import {holdStore} from '../helpers/lock-holder.js'
import {tempDir} from '../helpers/tmp.js'
import {events, query, storeWithOrcl, writeSpec} from '../service/helpers.js'

const fillKey = (f: {symbol: string; side: string; quantity: number; price: number; time: number | string}) =>
  `${f.side} ${f.quantity} ${f.symbol} @ ${f.price} ${typeof f.time === 'number' ? new Date(f.time).toISOString() : f.time}`

describe('issue 16, item 4: a store locked for 120 s', () => {
  const dir = tempDir('bots-item4-')
  const db = path.join(dir, 'lock.duckdb')

  it('loses no fill, sends no bot to crashed or error, and records every fill once', async () => {
    await storeWithOrcl(db)
    const specs = [
      writeSpec(dir, {name: 'one', userId: 1, speed: 10, start: '2014-01-02', params: {fast: 3, slow: 8, quantity: 10}}),
      writeSpec(dir, {name: 'two', userId: 1, speed: 10, start: '2014-01-02', params: {fast: 5, slow: 20, quantity: 10}}),
    ]
    const bots = [await addBot(specs[0], 1, {path: db}), await addBot(specs[1], 1, {path: db})]
    const real = await loadRuntime()
    const feeds: ReplayFeed[] = []
    const runtime: RuntimeApi = {...real, createReplayFeed: (o, wall) => (feeds.push(real.createReplayFeed(o, wall) as ReplayFeed), feeds.at(-1)!)}
    const lines: string[] = []
    const note = (m: string) => void lines.push(m)
    const clock = new SimulatedClock(Date.UTC(2025, 0, 6, 12))
    const svc = new LiveService({userId: 1, db: {path: db}, log: {info: note, warn: note, error: note}, runtime, clock, discovery: await discoverStrategies(), pollMs: 5_000, heartbeatMs: 2_000, flushMs: 1_000})
    await svc.start()
    // Each step waits for the feeds and timers' work, or for the service's writes to wait on the
    // clock (a bot blocked on its fill's write keeps its feed busy until time moves).
    const settle = () => Promise.race([Promise.all([clock.idle(), ...feeds.map((f) => f.settled())]), svc.writesWaiting()])
    const run = (ms: number) => clock.runUntil(clock.now() + ms, settle)

    await run(3_000) // 30 bars each, recorded
    const holder = await holdStore(db)
    try {
      await run(120_000) // the store is held by another process all along
    } finally {
      await holder.release()
    }
    await run(60_000) // the queue drains; the replays reach the end of 2014
    await svc.shutdown()

    assert.ok(lines.some((l) => /the store cannot be written now \(.*stayed locked/.test(l)), 'the lock was felt\n' + lines.join('\n'))
    assert.ok(!lines.some((l) => /not recorded/.test(l)), lines.join('\n'))
    assert.ok(lines.some((l) => /the store takes writes again/.test(l)), lines.join('\n'))
    for (const [k, bot] of bots.entries()) {
      const kinds = (await events(db, bot.id)).map((e) => e.kind)
      assert.ok(!kinds.includes('crash') && !kinds.includes('error'), `${bot.name}: ${kinds.join(', ')}`)
      assert.ok(kinds.includes('feed-end'), `${bot.name} reached the end of its replay: ${kinds.join(', ')}`)
      const [row] = await query(db, 'SELECT status FROM bots WHERE id = $id', {id: bot.id})
      assert.equal(row.status, 'stopped')
      const fills = await query(db, `SELECT symbol, side, quantity, price, epoch_ms(fill_time)::DOUBLE AS time, order_id::INTEGER AS o, fill_seq AS s FROM bot_trades WHERE bot_id = $id ORDER BY fill_time, order_id`, {id: bot.id})
      assert.equal(new Set(fills.map((f) => `${f.o}/${f.s}`)).size, fills.length, 'no fill twice')
      const bt = await runCli(['backtest', specs[k], '--db', db, '--no-record', '--json', '--no-report'])
      assert.equal(bt.code, 0, bt.stderr)
      const expected = parseJson(bt).fills
      assert.ok(expected.length > 0)
      assert.deepEqual(fills.map(fillKey), expected.map(fillKey))
    }
  })
})
