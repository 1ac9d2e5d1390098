/**
 * Issue 16, items 11 and 13.
 *
 * 11: a closed replay feed sets no timer again (its stale watch was re-armed by a delivery in
 * flight at close, and the timer kept `bots live` alive for `stale_after` after SIGTERM).
 * Unit tests run on a SimulatedClock; the real-process test waits for output lines, and its
 * timeout (well under the spec's 75 s `stale_after`) is a safety net, not a timing assertion.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {SimulatedClock} from '../../src/core/clock.js'
import {replayFeedOptions} from '../../src/live/feed-for-spec.js'
import {createReplayFeed} from '../../src/live/replay-feed.js'
import type {FeedListener} from '../../src/live/runtime-types.js'
import {StaleWatch} from '../../src/live/stale-watch.js'
import {tempDir} from '../helpers/tmp.js'
import {orclSpec, orclStore} from '../live/live-fixtures.js'
import {botsJson, startLive, storeWithOrcl, writeSpec} from '../service/helpers.js'

const T0 = Date.UTC(2025, 0, 6, 12)

describe('item 11: close() is final for the stale watch', () => {
  it('a stale watch touched after close() arms no timer', () => {
    const clock = new SimulatedClock(T0)
    let fired = 0
    const watch = new StaleWatch(75_000, clock, () => fired++)
    watch.touch()
    assert.equal(clock.pendingTimers, 1)
    watch.close()
    assert.equal(clock.pendingTimers, 0)
    watch.touch()
    assert.equal(clock.pendingTimers, 0)
    clock.advanceBy(200_000)
    assert.equal(fired, 0)
  })

  it('stop() (not close) still lets a later touch() re-arm: a paused feed watches again on reconnect', () => {
    const clock = new SimulatedClock(T0)
    const watch = new StaleWatch(75_000, clock, () => {})
    watch.touch()
    watch.stop()
    assert.equal(clock.pendingTimers, 0)
    watch.touch()
    assert.equal(clock.pendingTimers, 1)
  })

  it('a replay feed closed while the bot takes a bar leaves no timer pending once the bar is taken', async () => {
    const db = await orclStore()
    const spec = orclSpec({live: {feed: {type: 'replay', speed: 1, start: '2014-01-02'}}})
    const clock = new SimulatedClock(T0)
    const feed = createReplayFeed({...replayFeedOptions(spec, {db, speed: Infinity}), staleAfterMs: 75_000}, clock)
    let release!: () => void
    let taking!: () => void
    const inBar = new Promise<void>((r) => (taking = r))
    const listener: FeedListener = {
      bars: () => {
        taking()
        return new Promise<void>((r) => (release = r))
      },
      stale: () => {},
      end: () => {},
      error: (e) => {
        throw e
      },
    }
    await feed.subscribe({symbols: ['ORCL'], timeframeMs: spec.timeframeMs}, listener)
    await inBar
    await feed.close()
    release()
    await feed.settled()
    await clock.runUntil(T0 + 1_000, () => feed.settled())
    assert.equal(feed.status, 'closed')
    assert.equal(clock.pendingTimers, 0)
  })

  it('a paced replay feed closed between bars leaves no timer pending', async () => {
    const db = await orclStore()
    const spec = orclSpec({live: {feed: {type: 'replay', speed: 1, start: '2014-01-02'}}})
    const clock = new SimulatedClock(T0)
    const feed = createReplayFeed({...replayFeedOptions(spec, {db, speed: 2}), staleAfterMs: 75_000}, clock)
    let n = 0
    const listener: FeedListener = {bars: async () => void n++, stale: () => {}, end: () => {}, error: (e) => { throw e }}
    await feed.subscribe({symbols: ['ORCL'], timeframeMs: spec.timeframeMs}, listener)
    await clock.runUntil(T0 + 2_000, () => feed.settled())
    assert.ok(n > 0)
    await feed.close()
    await clock.runUntil(T0 + 3_000, () => feed.settled())
    assert.equal(clock.pendingTimers, 0)
  })
})

describe('item 11: bots live (real process) exits promptly on SIGTERM whatever stale_after is', () => {
  const dir = tempDir('bots-hostile-11-')
  const db = path.join(dir, 'live.duckdb')
  before(() => storeWithOrcl(db))

  it('bots with live.feed.stale_after 75S: SIGTERM exits 0', async () => {
    // Fast and trading often, eight of them: each fill is flushed to disk before its bot goes on, and
    // the flushes queue, so when SIGTERM lands some bot is taking a bar (the delivery the fix is about).
    const n = 8
    for (let i = 0; i < n; i++) await botsJson(db, 'add', writeSpec(dir, {name: `stale${i}`, userId: 1, speed: 1000, staleAfter: '75S', params: {fast: 2, slow: 3, quantity: 10}}))
    const live = startLive(['--user-id', '1', '--db', db, '--poll-interval', '1'])
    await live.waitForOutput(new RegExp(`user 1: ${n} enabled bots found, ${n} loaded, ${n} started`))
    await live.waitForOutput(/filled (buy|sell) 10 ORCL @ [\d.]+ \(order \d+, fill 3\)/)
    const from = live.mark()
    live.child.kill('SIGTERM')
    await live.waitForOutput(/final state recorded/, {after: from, ms: 30_000})
    // Safety net well under stale_after (75 s): a timer left behind would keep the process that long.
    let timer: NodeJS.Timeout | undefined
    const exit = await Promise.race([
      live.exited,
      new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), 30_000))),
    ])
    clearTimeout(timer)
    if (exit === 'hung') live.child.kill('SIGKILL')
    assert.notEqual(exit, 'hung', `still running 30 s after SIGTERM\n${live.output()}`)
    assert.equal((exit as {code: number | null}).code, 0, live.output())
    if (process.env.SHOW11) console.log(live.output())
  })
})
