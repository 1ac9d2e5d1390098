/**
 * The replay feed: bars from a real DuckDB store, in order, at a pace; staleness when they stop;
 * reconnect without a bar twice or a bar missing; the store held by another process is waited for.
 *
 * Pacing, staleness and the waits for a locked store run on a SimulatedClock: time passes only
 * when a test moves it, so a busy machine cannot make a feed look silent.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {once} from 'node:events'
import {test} from 'node:test'
import {SimulatedClock} from '../../src/core/clock.js'
import {createLiveBot} from '../../src/live/live-bot.js'
import {replayFeedOptions} from '../../src/live/feed-for-spec.js'
import {createReplayFeed} from '../../src/live/replay-feed.js'
import {loadReplayBars} from '../../src/live/replay-load.js'
import type {BarBatch, FeedListener, FeedStaleInfo} from '../../src/live/runtime-types.js'
import smaCross from '../../strategies/sma-cross.js'
import {fillRows, orclSpec, orclStore, recorder, runBacktestFromStore} from './live-fixtures.js'

const db = await orclStore()
const spec = orclSpec({live: {feed: {type: 'replay', speed: 1, start: '2014-01-02'}}})
const T0 = Date.UTC(2025, 0, 6, 12)

/** A listener that collects batches and lets a test wait for the n-th one, the end or staleness. */
function collector() {
  const got: BarBatch[] = []
  const waiters: {when: () => boolean; resolve: () => void}[] = []
  const stale: FeedStaleInfo[] = []
  let ended = false
  const poke = () => {
    for (const w of [...waiters]) if (w.when()) (waiters.splice(waiters.indexOf(w), 1), w.resolve())
  }
  const listener: FeedListener = {
    bars: async (b) => void (got.push(b), poke()),
    stale: (info) => void (stale.push(info), poke()),
    end: () => void ((ended = true), poke()),
    error: (e) => {
      throw e
    },
  }
  const until = (when: () => boolean) => new Promise<void>((resolve) => (when() ? resolve() : waiters.push({when, resolve})))
  return {got, stale, listener, until, ended: () => ended}
}

test('delivers every bar from live.feed.start, in order, with close times, then ends', async () => {
  const clock = new SimulatedClock(T0)
  const feed = createReplayFeed(replayFeedOptions(spec, {db, speed: Infinity}), clock)
  const c = collector()
  await feed.subscribe({symbols: ['ORCL'], timeframeMs: spec.timeframeMs}, c.listener)
  await c.until(c.ended)
  assert.equal(feed.status, 'ended')
  assert.equal(clock.now(), T0) // as fast as the listener takes them: no time passes
  assert.equal(c.got[0].time, Date.parse('2014-01-02T05:00:00Z')) // local midnight, New York
  assert.equal(c.got.length, 252)
  for (let i = 1; i < c.got.length; i++) {
    assert.ok(c.got[i].time > c.got[i - 1].time)
    assert.equal(c.got[i - 1].close, Math.min(c.got[i - 1].time + 86_400_000, c.got[i].time))
  }
  assert.equal(feed.lastBarTime, c.got[c.got.length - 1].time)
})

test('paced at a given speed (bars a second); the pace does not change the bars', async () => {
  const window = {end: Date.parse('2014-01-20T00:00:00Z')}
  const clock = new SimulatedClock(T0)
  const feed = createReplayFeed({...replayFeedOptions(spec, {db, speed: 2}), ...window}, clock)
  const c = collector()
  await feed.subscribe({symbols: ['ORCL'], timeframeMs: spec.timeframeMs}, c.listener)
  const settle = () => feed.settled()
  // 2 bars a second: one every 500 ms of clock time.
  await clock.runUntil(T0 + 499, settle)
  assert.equal(c.got.length, 0)
  await clock.runUntil(T0 + 500, settle)
  assert.equal(c.got.length, 1)
  await clock.runUntil(T0 + 2_999, settle)
  assert.equal(c.got.length, 5)
  await clock.runUntil(T0 + 6_000, settle)
  assert.equal(c.got.length, 12) // 2 to 17 January 2014
  await clock.runUntil(T0 + 6_500, settle) // the end comes when the next bar would have
  assert.ok(c.ended())
  assert.equal(c.got.length, 12)
  assert.equal(clock.pendingTimers, 0)
  // The same bars as at full speed.
  const fast = createReplayFeed({...replayFeedOptions(spec, {db, speed: Infinity}), ...window}, new SimulatedClock(T0))
  const f = collector()
  await fast.subscribe({symbols: ['ORCL'], timeframeMs: spec.timeframeMs}, f.listener)
  await f.until(f.ended)
  assert.deepEqual(c.got, f.got)
})

test('pause and close end a wait for the next bar: no timer left behind', async () => {
  const clock = new SimulatedClock(T0)
  const feed = createReplayFeed(replayFeedOptions(spec, {db, speed: 1}), clock)
  const c = collector()
  await feed.subscribe({symbols: ['ORCL'], timeframeMs: spec.timeframeMs}, c.listener)
  await clock.runUntil(T0 + 3_000, () => feed.settled())
  assert.equal(c.got.length, 3)
  feed.pause()
  await feed.settled()
  assert.equal(clock.pendingTimers, 0)
  await feed.reconnect()
  await clock.runUntil(T0 + 4_000, () => feed.settled())
  assert.equal(c.got.length, 4) // one interval after the reconnect
  await feed.close()
  await feed.settled()
  assert.equal(clock.pendingTimers, 0)
})

test('a dropped feed goes stale; reconnect resumes after the last bar: none twice, none missing', async () => {
  const clock = new SimulatedClock(T0)
  const feed = createReplayFeed(replayFeedOptions(spec, {db, speed: Infinity, staleAfterMs: 20}), clock)
  const c = collector()
  await feed.subscribe({symbols: ['ORCL'], timeframeMs: spec.timeframeMs}, c.listener)
  await c.until(() => c.got.length >= 50)
  feed.pause()
  await feed.settled()
  const delivered = c.got.length
  clock.advanceBy(19)
  assert.equal(c.stale.length, 0)
  assert.equal(feed.status, 'paused')
  clock.advanceBy(1) // 20 ms without a bar
  assert.equal(c.stale.length, 1)
  assert.equal(feed.status, 'stale')
  assert.equal(c.got.length, delivered)
  assert.deepEqual(c.stale[0], {lastBarTime: c.got[delivered - 1].time, silentMs: 20})
  clock.advanceBy(1_000)
  assert.equal(c.stale.length, 1) // once per silence
  await feed.reconnect()
  assert.equal(feed.status, 'live')
  // Reconnecting again at once (a nervous supervisor) must not start a second delivery.
  await feed.reconnect()
  await c.until(c.ended)
  const times = c.got.map((b) => b.time)
  assert.equal(new Set(times).size, times.length, 'a bar delivered twice')
  assert.equal(times.length, 252, 'a bar missing')
  assert.equal(c.stale.length, 1)
  await feed.close()
})

test('a bot on a feed that drops twice: onFeedStale, reconnect by the supervisor, trades identical to the backtest', async () => {
  const clock = new SimulatedClock(T0)
  const feed = createReplayFeed(replayFeedOptions(orclSpec(), {db, speed: Infinity, staleAfterMs: 15}), clock)
  let bars = 0
  const {events, rec} = recorder({
    onCheckpoint: () => {
      if (++bars !== 300 && bars !== 900) return
      feed.pause() // the connection drops; once the feed has stopped, 15 ms of silence pass
      void feed.settled().then(() => clock.advanceBy(15))
    },
    onFeedStale: () => void feed.reconnect(),
  })
  const staleSeen: number[] = []
  const bot = createLiveBot({botId: 2, spec: orclSpec(), definition: smaCross, feed, events: {...events, onFeedStale: (info) => (staleSeen.push(info.lastBarTime!), events.onFeedStale!(info))}})
  await bot.start()
  const outcome = await bot.done
  const {result, bars: all} = await runBacktestFromStore(orclSpec(), smaCross, db)
  assert.equal(staleSeen.length, 2)
  assert.equal(clock.now(), T0 + 30)
  assert.deepEqual(rec.bars.map((b) => b.time), Array.from(all[0].time))
  assert.deepEqual(fillRows(rec.fills), fillRows(result.fills))
  assert.equal(outcome.state.cash, result.finalCash)
})

test('reconnect while the bot is still busy with a bar: that bar is not delivered again', async () => {
  const feed = createReplayFeed({...replayFeedOptions(spec, {db, speed: Infinity}), end: Date.parse('2014-02-01T00:00:00Z')}, new SimulatedClock(T0))
  const c = collector()
  let release!: () => void
  let sixthArrived!: () => void
  const sixth = new Promise<void>((r) => (sixthArrived = r))
  let calls = 0
  const slow: FeedListener = {...c.listener, bars: async (b) => {
    if (++calls === 6) {
      sixthArrived()
      await new Promise<void>((r) => (release = r)) // the 6th bar takes until the test says
    }
    await c.listener.bars(b)
  }}
  await feed.subscribe({symbols: ['ORCL'], timeframeMs: spec.timeframeMs}, slow)
  await sixth
  await feed.reconnect()
  await feed.reconnect()
  // One turn: the reconnect's pump (which yields a turn first) now waits for the 6th bar's delivery.
  await new Promise((r) => setImmediate(r))
  release()
  await c.until(c.ended)
  const times = c.got.map((b) => b.time)
  assert.equal(new Set(times).size, times.length, 'a bar delivered twice')
  assert.equal(times.length, 21) // trading days of January 2014
})

test('a busy bot is not a stale feed', async () => {
  const clock = new SimulatedClock(T0)
  const feed = createReplayFeed({...replayFeedOptions(spec, {db, speed: Infinity, staleAfterMs: 10}), end: Date.parse('2014-01-10T00:00:00Z')}, clock)
  const c = collector()
  const slow: FeedListener = {...c.listener, bars: async (b) => {
    clock.advanceBy(30) // each bar takes the bot longer than staleAfterMs
    await c.listener.bars(b)
  }}
  await feed.subscribe({symbols: ['ORCL'], timeframeMs: spec.timeframeMs}, slow)
  await c.until(c.ended)
  assert.equal(c.got.length, 6)
  assert.equal(clock.now(), T0 + 180)
  assert.equal(c.stale.length, 0)
})

test('waits while another process holds the store for writing, then reads it', async () => {
  const holder = spawn(process.execPath, ['--input-type=module', '-e', `
    import {DuckDBInstance} from '@duckdb/node-api'
    const db = await DuckDBInstance.create(${JSON.stringify(db)})
    const conn = await db.connect()
    console.log('locked')
    process.stdin.on('data', () => { conn.closeSync(); db.closeSync(); process.exit(0) })
  `], {cwd: process.cwd(), stdio: ['pipe', 'pipe', 'inherit']})
  const exited = once(holder, 'exit') // attached now: the child may be gone before the read returns
  const [line] = await once(holder.stdout!, 'data')
  assert.match(String(line), /locked/)
  await assert.rejects(loadReplayBars({db, symbols: ['ORCL'], timeframe: '1D', attempts: 1}), (e: Error) => /holds the store/.test(e.message))
  const clock = new SimulatedClock(T0)
  const load = loadReplayBars({db, symbols: ['ORCL'], timeframe: '1D', start: Date.parse('2014-01-01T00:00:00Z'), clock})
  // Locked: it waits 25 ms (on the clock), then 50…
  await clock.untilTimers(() => clock.nextTimerTime() === T0 + 25)
  clock.advanceBy(25)
  await clock.untilTimers(() => clock.nextTimerTime() === T0 + 75)
  holder.stdin!.end('release\n')
  await exited
  clock.advanceBy(50)
  const view = await load
  assert.equal(view.length, 252)
})

test('a fresh replay with no bar from its start is an error naming the data\'s span; a resumed one that played them all just ends', async () => {
  // Found by an audit: a `start` after the data ended at once, the bot `stopped`, without a word.
  const late = orclSpec({live: {feed: {type: 'replay', speed: 1, start: '2016-01-04'}}})
  const clock = new SimulatedClock(T0)
  const fresh = createReplayFeed(replayFeedOptions(late, {db, speed: Infinity}), clock)
  await assert.rejects(fresh.subscribe({symbols: ['ORCL'], timeframeMs: late.timeframeMs}, collector().listener), (e: Error & {diagnostic?: {code: string}}) => {
    assert.equal(e.diagnostic?.code, 'live.feed.window')
    assert.match(e.message, /^the replay has no bar to play from 2016-01-0[34] \(the data: ORCL \d{4}-\d\d-\d\d … 2014-12-31\)$/)
    return true
  })
  const resumed = createReplayFeed(replayFeedOptions(late, {db, speed: Infinity}), clock)
  const c = collector()
  await resumed.subscribe({symbols: ['ORCL'], timeframeMs: late.timeframeMs, after: Date.parse('2014-12-31T05:00:00Z')}, c.listener)
  await c.until(c.ended)
  assert.deepEqual([resumed.status, c.got.length], ['ended', 0])
})
