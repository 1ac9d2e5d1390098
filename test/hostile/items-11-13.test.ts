/**
 * Issue 16, items 11 and 13.
 *
 * 11: a closed replay feed sets no timer again (its stale watch was re-armed by a delivery in
 * flight at close, and the timer kept `bots live` alive for `stale_after` after SIGTERM).
 * Unit tests run on a SimulatedClock; the real-process test waits for output lines, and its
 * timeout (well under the spec's 75 s `stale_after`) is a safety net, not a timing assertion.
 *
 * 13: a bot with no bars in the store ends in `error` saying so (not as a strategy crash); symbols
 * that are not names (line breaks, control characters, 100 KB) are refused by validation.
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
import {runCli} from '../helpers/cli.js'
import {SAFETY_MS, botRow, botsJson, startLive, storeWithOrcl, writeSpec, type LiveProcess} from '../service/helpers.js'

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

/** The service's exit, or a failure with its output once the helpers' safety net has passed. */
async function exitOf(live: LiveProcess): Promise<{code: number | null}> {
  let timer: NodeJS.Timeout | undefined
  const net = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      live.child.kill('SIGKILL')
      reject(new Error(`still running ${SAFETY_MS / 1000} s after SIGTERM (safety net)\n${live.output()}`))
    }, SAFETY_MS)
  })
  try {
    return await Promise.race([live.exited, net])
  } finally {
    clearTimeout(timer)
  }
}

describe('item 11: bots live (real process) exits promptly on SIGTERM whatever stale_after is', () => {
  const dir = tempDir('bots-hostile-11-')
  const db = path.join(dir, 'live.duckdb')
  before(() => storeWithOrcl(db))

  it('bots with live.feed.stale_after 2H: SIGTERM exits 0', async () => {
    // Fast and trading often, eight of them: each fill is flushed to disk before its bot goes on, and
    // the flushes queue, so when SIGTERM lands some bot is taking a bar (the delivery the fix is about).
    const n = 8
    for (let i = 0; i < n; i++) await botsJson(db, 'add', writeSpec(dir, {name: `stale${i}`, userId: 1, speed: 1000, staleAfter: '2H', params: {fast: 2, slow: 3, quantity: 10}}))
    const live = startLive(['--user-id', '1', '--db', db, '--poll-interval', '1'])
    await live.waitForOutput(new RegExp(`user 1: ${n} enabled bots found, ${n} loaded, ${n} started`))
    await live.waitForOutput(/filled (buy|sell) 10 ORCL @ [\d.]+ \(order \d+, fill 3\)/)
    const from = live.mark()
    live.child.kill('SIGTERM')
    await live.waitForOutput(/final state recorded/, {after: from})
    // A watchdog left armed would keep the process alive for stale_after (2 hours): the usual
    // safety net (a hang detector, not a timing) then fails the test.
    const exit = await exitOf(live)
    assert.equal(exit.code, 0, live.output())
  })
})

describe('item 13: symbols are names, not text', () => {
  const dir = tempDir('bots-hostile-13s-')

  it('a symbol with a line break, a space, a control character or 100 KB of text is refused, located, with the allowed form', async () => {
    // Length and emptiness are the schema's (maxLength 64, minLength 1); the rest the semantic check's, with its hint.
    const cases: [string, string, RegExp, boolean][] = [
      ['newline', '"ORCL\\nDROP"', /contains whitespace/, true],
      ['space', '"OR CL"', /contains whitespace/, true],
      ['tab', '"ORCL\\t"', /contains whitespace/, true],
      ['control', '"ORCL\\u0007"', /control or unprintable/, true],
      ['huge', 'X'.repeat(100_000), /more than 64 characters|is 100000 characters long/, false],
      ['empty', '""', /fewer than 1 character|is empty/, false],
    ]
    for (const [name, symbol, why, hinted] of cases) {
      const file = writeSpec(dir, {name, symbols: ['ORCL', symbol]})
      const r = await runCli(['validate', file])
      assert.equal(r.code, 1, `${name}: ${r.stdout}${r.stderr}`)
      const out = r.stdout + r.stderr
      assert.match(out, new RegExp(`${name}\\.yaml:\\d+:\\d+ +error +/symbols/1 `), name)
      assert.match(out, why, name)
      if (hinted) assert.match(out, /1 to 64 printable characters with no spaces/, name)
      assert.ok(out.length < 5_000, `${name}: the message quotes the symbol cut short`)
    }
  })

  it('ordinary symbols pass: ORCL, BTC-USD, BRK.B, BTC/USDT:USDT', async () => {
    const file = writeSpec(dir, {name: 'fine', symbols: ['ORCL', 'BTC-USD', 'BRK.B', '"BTC/USDT:USDT"']})
    const r = await runCli(['validate', file])
    assert.doesNotMatch(r.stdout + r.stderr, /symbol\.invalid|\/symbols\//)
  })
})

describe('item 13: a bot with no bars in the store', () => {
  const dir = tempDir('bots-hostile-13b-')
  const db = path.join(dir, 'live.duckdb')
  before(() => storeWithOrcl(db))

  it('goes to error with "no bars for SYMBOL TIMEFRAME … bots data import", not a strategy crash at -Infinity, and is not restarted', async () => {
    const bot = await botsJson(db, 'add', writeSpec(dir, {name: 'nobars', userId: 1, symbols: ['MSFT']}))
    const live = startLive(['--user-id', '1', '--db', db, '--poll-interval', '1', '--restart-delay', '1'])
    await live.waitForOutput(/user 1: 1 enabled bot found/)
    const exit = await live.signal('SIGTERM')
    assert.equal(exit.code, 0, live.output())
    const row = await botRow(db, bot.id)
    assert.equal(row.status, 'error')
    assert.match(row.error, /no 1D bars for MSFT in the store/)
    assert.match(row.error, /bots data import .*--symbol MSFT --timeframe 1D/)
    assert.doesNotMatch(row.error, /crashed|Infinity/)
    assert.doesNotMatch(live.output(), /crashed|Infinity|restart \d+ of/)
  })
})
