/**
 * The exchange bar feed against a scripted exchange: closed bars once each, in order, with their
 * final values; forming bars never; several symbols grouped by open time; a dropped watch, a rate
 * limit, a resume, a close; history in pages.
 *
 * Time is a SimulatedClock the tests move; the exchange is an in-test fake whose REST side serves
 * an array of candles and whose watch resolves when a test pushes an update (or throws, as a
 * dropped socket would).
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {BadSymbol, NetworkError, RateLimitExceeded} from 'ccxt'
import {SimulatedClock} from '../../src/core/clock.js'
import {createExchangeFeed, type ExchangeFeed, type ExchangeFeedOptions} from '../../src/exchange/exchange-feed.js'
import type {OhlcvRow, OhlcvSource} from '../../src/exchange/ohlcv-source.js'
import type {BarBatch, FeedListener, FeedStaleInfo} from '../../src/live/feed-types.js'

const T0 = Date.UTC(2025, 0, 6, 12)
const M = 60_000
const GRACE = 5_000

/** A candle whose prices all derive from `c` (so a test can tell versions of a bar apart). */
const row = (t: number, c: number, v = 10): number[] => [t, c, c + 1, c - 1, c, v]

interface Waiting {
  resolve: (rows: OhlcvRow[]) => void
  reject: (e: Error) => void
}

/**
 * A scripted exchange. `rest[symbol]` is what REST serves (rows opened by now, from `since`, at most
 * `limit`); `push` changes a candle there and sends it on the watch as well; `drop` fails the
 * watch as a closed socket does; `failWatch`/`failFetch` queue errors for the next calls.
 */
class FakeExchange implements OhlcvSource {
  readonly id = 'fake'
  readonly has: Record<string, boolean | undefined> = {fetchOHLCV: true, watchOHLCV: true}
  readonly rest = new Map<string, number[][]>()
  readonly fetches: {symbol: string; since: number | undefined; limit: number | undefined; at: number}[] = []
  readonly watches: {symbol: string; at: number}[] = []
  readonly failFetch: Error[] = []
  readonly failWatch = new Map<string, Error[]>()
  private readonly buffered = new Map<string, number[][]>()
  private readonly waiting = new Map<string, Waiting>()

  constructor(
    private readonly clock: SimulatedClock,
    watch = true,
  ) {
    if (!watch) this.has.watchOHLCV = false
  }

  /** Sets a candle on the REST side only (the watch does not see it). */
  set(symbol: string, r: number[]): void {
    const rows = this.rest.get(symbol) ?? []
    const i = rows.findIndex((x) => x[0] >= r[0])
    if (i < 0) rows.push(r)
    else if (rows[i][0] === r[0]) rows[i] = r
    else rows.splice(i, 0, r)
    this.rest.set(symbol, rows)
  }

  /** An update of a candle: on REST and on the watch. */
  push(symbol: string, r: number[]): void {
    this.set(symbol, r)
    this.emit(symbol, r)
  }

  /** A candle on the watch only. */
  emit(symbol: string, r: number[]): void {
    const w = this.waiting.get(symbol)
    if (w) {
      this.waiting.delete(symbol)
      w.resolve([[...r]])
    } else this.buffered.set(symbol, [...(this.buffered.get(symbol) ?? []), [...r]])
  }

  /** The socket closes: the watch waiting for this symbol throws. */
  drop(symbol: string, e: Error = new NetworkError('connection closed')): void {
    const w = this.waiting.get(symbol)
    assert.ok(w, `no watch on ${symbol} to drop`)
    this.waiting.delete(symbol)
    w.reject(e)
  }

  watchingNow(symbol: string): boolean {
    return this.waiting.has(symbol)
  }

  async fetchOHLCV(symbol: string, _tf?: string, since?: number, limit?: number): Promise<OhlcvRow[]> {
    this.fetches.push({symbol, since, limit, at: this.clock.now()})
    const e = this.failFetch.shift()
    if (e) throw e
    const now = this.clock.now()
    return (this.rest.get(symbol) ?? [])
      .filter((r) => r[0] <= now && (since === undefined || r[0] >= since))
      .slice(0, limit ?? Infinity)
      .map((r) => [...r])
  }

  watchOHLCV(symbol: string): Promise<OhlcvRow[]> {
    this.watches.push({symbol, at: this.clock.now()})
    const e = this.failWatch.get(symbol)?.shift()
    if (e) return Promise.reject(e)
    const b = this.buffered.get(symbol)
    if (b?.length) {
      this.buffered.delete(symbol)
      return Promise.resolve(b)
    }
    return new Promise((resolve, reject) => this.waiting.set(symbol, {resolve, reject}))
  }
}

function collector() {
  const got: BarBatch[] = []
  const stale: FeedStaleInfo[] = []
  const errors: Error[] = []
  const listener: FeedListener = {
    bars: async (b) => void got.push(b),
    stale: (info) => void stale.push(info),
    end: () => assert.fail('an exchange feed does not end'),
    error: (e) => void errors.push(e),
  }
  return {got, stale, errors, listener}
}

function setup(symbols: string[], o: Partial<ExchangeFeedOptions> & {start?: number; watch?: boolean} = {}) {
  const clock = new SimulatedClock(o.start ?? T0 + 1_000)
  const ex = new FakeExchange(clock, o.watch ?? true)
  const log: string[] = []
  const feed = createExchangeFeed({
    source: ex,
    symbols,
    timeframeMs: M,
    ccxtTimeframe: '1m',
    clock,
    graceMs: GRACE,
    retryMs: 1_000,
    rateLimitMs: 10_000,
    log: (level, message) => void log.push(`${level}: ${message}`),
    ...o,
  })
  const c = collector()
  const settle = () => feed.settled()
  const run = (t: number) => clock.runUntil(t, settle)
  return {clock, ex, feed, c, log, settle, run}
}

/** The bars of a one-symbol feed as [open time, close price]. */
const closes = (got: BarBatch[]) => got.map((b) => [b.time, b.bars[0]?.close ?? null])

test('each closed bar once, in order, with its last values; a forming bar never; the last bar after its period plus the grace, with REST values', async () => {
  const {ex, feed, c, settle, run} = setup(['BTC/USDT'])
  ex.set('BTC/USDT', row(T0, 100))
  await feed.subscribe({symbols: ['BTC/USDT'], timeframeMs: M}, c.listener)
  await settle()
  assert.equal(feed.status, 'live')
  assert.equal(feed.name, 'exchange:fake')
  assert.equal(feed.clock.kind, 'wall')
  assert.ok(ex.watchingNow('BTC/USDT'))

  ex.push('BTC/USDT', row(T0, 101)) // updates of the forming bar
  await settle()
  ex.push('BTC/USDT', row(T0, 102))
  await settle()
  await run(T0 + 30_000)
  ex.push('BTC/USDT', row(T0, 103))
  await settle()
  assert.deepEqual(c.got, [], 'a forming bar is never delivered')

  await run(T0 + M)
  ex.push('BTC/USDT', row(T0 + M, 200)) // a newer candle: T0 is closed
  await settle()
  assert.deepEqual(closes(c.got), [[T0, 103]])
  assert.equal(c.got[0].close, T0 + M)
  assert.deepEqual(c.got[0].bars[0], {open: 103, high: 104, low: 102, close: 103, volume: 10})
  assert.equal(feed.lastBarTime, T0)

  ex.push('BTC/USDT', row(T0 + M, 201))
  await settle()
  // The exchange has the final values; the watch goes quiet (no newer candle comes).
  ex.set('BTC/USDT', row(T0 + M, 205))
  await run(T0 + 2 * M + GRACE - 1)
  assert.equal(c.got.length, 1)
  await run(T0 + 2 * M + GRACE)
  assert.deepEqual(closes(c.got), [[T0, 103], [T0 + M, 205]], 'confirmed by REST after period + grace, with the REST values')
  assert.deepEqual(ex.fetches.at(-1), {symbol: 'BTC/USDT', since: T0 + M, limit: 500, at: T0 + 2 * M + GRACE})

  // Late watch candles for settled bars change nothing.
  ex.push('BTC/USDT', row(T0 + M, 206))
  await settle()
  await run(T0 + 3 * M)
  ex.push('BTC/USDT', row(T0 + 2 * M, 300))
  await settle()
  ex.push('BTC/USDT', row(T0 + 3 * M, 400))
  await settle()
  assert.deepEqual(closes(c.got), [[T0, 103], [T0 + M, 205], [T0 + 2 * M, 300]])
  await feed.close()
})

test('only bars that close after subscribe, without `after`', async () => {
  const {ex, feed, c, settle, run} = setup(['BTC/USDT'], {start: T0 + 30_000})
  ex.set('BTC/USDT', row(T0 - 2 * M, 1))
  ex.set('BTC/USDT', row(T0 - M, 2))
  ex.set('BTC/USDT', row(T0, 3))
  await feed.subscribe({symbols: ['BTC/USDT'], timeframeMs: M}, c.listener)
  await settle()
  assert.deepEqual(ex.fetches.map((f) => f.since), [T0 + 30_000 - M + 1])
  await run(T0 + M)
  ex.push('BTC/USDT', row(T0 + M, 4))
  await settle()
  assert.deepEqual(closes(c.got), [[T0, 3]])
  await feed.close()
})

test('two symbols: bars sharing an open time go out together; a symbol without a bar is null', async () => {
  const A = 'BTC/USDT'
  const B = 'ETH/USDT'
  const {ex, feed, c, settle, run} = setup([A, B], {start: T0 + 3 * M + 1_000})
  for (let i = 0; i <= 3; i++) ex.set(A, row(T0 + i * M, 100 + i))
  for (const i of [0, 2, 3]) ex.set(B, row(T0 + i * M, 200 + i)) // B has no bar at T0 + M
  ex.set(B, row(T0 - M, 199)) // delivered already: the bot's last bar
  ex.set(A, row(T0 - M, 99))
  await feed.subscribe({symbols: [A, B], timeframeMs: M, after: T0 - M}, c.listener)
  assert.equal(feed.lastBarTime, T0 - M)
  await settle()
  assert.equal(feed.lastBarTime, T0 + 2 * M)
  const view = () => c.got.map((b) => [b.time, ...b.bars.map((x) => x?.close ?? null)])
  assert.deepEqual(view(), [
    [T0, 100, 200],
    [T0 + M, 101, null],
    [T0 + 2 * M, 102, 202],
  ])

  // Live: A's watch moves on, B's stays quiet: at T0+3M's period + grace, REST settles B.
  await run(T0 + 4 * M)
  ex.push(A, row(T0 + 3 * M, 103.5))
  await settle()
  ex.push(A, row(T0 + 4 * M, 104))
  await settle()
  assert.equal(c.got.length, 3, 'B has not closed T0+3M yet')
  await run(T0 + 4 * M + GRACE)
  assert.deepEqual(view().at(-1), [T0 + 3 * M, 103.5, 203])

  // B has no bar at T0+4M at all: after the grace, null.
  await run(T0 + 5 * M)
  ex.push(A, row(T0 + 5 * M, 105))
  await settle()
  assert.equal(c.got.length, 4)
  await run(T0 + 5 * M + GRACE)
  assert.deepEqual(view().at(-1), [T0 + 4 * M, 104, null])
  for (const b of c.got) assert.equal(b.close, b.time + M)
  await feed.close()
})

test('a dropped watch: back off, fetch the missed bars, then live again: no gap, no bar twice', async () => {
  const S = 'BTC/USDT'
  const {ex, feed, c, settle, run, log} = setup([S], {start: T0 + 1_000})
  ex.set(S, row(T0, 100))
  await feed.subscribe({symbols: [S], timeframeMs: M}, c.listener)
  await settle()
  await run(T0 + M)
  ex.push(S, row(T0 + M, 101))
  await settle()
  assert.deepEqual(closes(c.got), [[T0, 100]])

  // The socket drops; it will not come back for a while (each try fails at once).
  const dropAt = T0 + M + 10_000
  await run(dropAt)
  ex.failWatch.set(S, Array.from({length: 6}, () => new NetworkError('connect ECONNREFUSED')))
  ex.drop(S)
  await settle()
  assert.equal(feed.status, 'paused')
  // The exchange moves on meanwhile.
  ex.set(S, row(T0 + M, 111))
  for (let i = 2; i <= 5; i++) ex.set(S, row(T0 + i * M, 100 + i))
  await run(T0 + 5 * M + 30_000)
  assert.equal(feed.status, 'paused')
  assert.ok(log.some((l) => /watching BTC\/USDT failed \(connect ECONNREFUSED\); retrying in \d+ ms/.test(l)))
  // Backoff doubles: 1, 2, 4, 8, 16, 32 s after each failure.
  const tries = ex.watches.filter((w) => w.at > dropAt).map((w) => w.at - dropAt)
  assert.deepEqual(tries.slice(0, 4), [1_000, 3_000, 7_000, 15_000])

  await run(T0 + 6 * M) // the watch is back (the failures are used up)
  assert.ok(ex.watchingNow(S))
  ex.push(S, row(T0 + 5 * M, 105.5)) // ccxt re-sends the forming bar
  await settle()
  assert.equal(feed.status, 'live')
  ex.push(S, row(T0 + 6 * M, 106))
  await settle()
  ex.push(S, row(T0 + 4 * M, 999)) // an old candle again (a replayed cache): ignored
  await settle()
  assert.deepEqual(closes(c.got), [
    [T0, 100],
    [T0 + M, 111],
    [T0 + 2 * M, 102],
    [T0 + 3 * M, 103],
    [T0 + 4 * M, 104],
    [T0 + 5 * M, 105.5],
  ])
  await feed.close()
})

test('a watch back after a drop whose first candle is newer than any seen: the gap is filled by REST first', async () => {
  const S = 'BTC/USDT'
  const {ex, feed, c, settle, run} = setup([S], {start: T0 + 1_000, graceMs: 50_000})
  ex.set(S, row(T0, 100))
  await feed.subscribe({symbols: [S], timeframeMs: M}, c.listener)
  await settle()
  ex.push(S, row(T0, 101))
  await settle()
  await run(T0 + 50_000)
  ex.drop(S) // reconnects after 1 s: REST still shows T0 forming
  await run(T0 + 52_000)
  assert.ok(ex.watchingNow(S))
  // Meanwhile T0 closed with new values and T0+M opened; the watch's first candle is T0+M.
  await run(T0 + M + 5_000)
  ex.set(S, row(T0, 109))
  ex.push(S, row(T0 + M, 200))
  await settle()
  assert.deepEqual(closes(c.got), [[T0, 109]], 'the values REST has, not the stale ones seen before the drop')
  assert.deepEqual(ex.fetches.at(-1), {symbol: S, since: T0, limit: 500, at: T0 + M + 5_000}, 'the gap filled when the new candle came')
  await feed.close()
})

test('a rate limit backs off longer than a network error', async () => {
  const S = 'BTC/USDT'
  const {ex, feed, c, settle, run} = setup([S])
  await feed.subscribe({symbols: [S], timeframeMs: M}, c.listener)
  await settle()
  const t1 = T0 + 5_000
  await run(t1)
  ex.drop(S, new RateLimitExceeded('binance {"code":-1003,"msg":"Too many requests"}'))
  await settle()
  assert.equal(feed.status, 'paused')
  const n = ex.watches.length
  await run(t1 + 9_999)
  assert.equal(ex.watches.length, n, 'no new try before the rate-limit wait')
  await run(t1 + 10_000)
  assert.equal(ex.watches.length, n + 1)
  assert.equal(ex.fetches.at(-1)!.at, t1 + 10_000, 'a REST backfill before watching again')

  ex.push(S, row(T0, 1)) // the watch works again: the failures are forgotten
  await settle()
  const t2 = T0 + 20_000
  await run(t2)
  ex.drop(S, new NetworkError('socket hang up'))
  await settle()
  const m = ex.watches.length
  await run(t2 + 999)
  assert.equal(ex.watches.length, m)
  await run(t2 + 1_000)
  assert.equal(ex.watches.length, m + 1)
  assert.equal(feed.status, 'paused')
  ex.push(S, row(T0, 2)) // data again: live
  await settle()
  assert.equal(feed.status, 'live')
  await feed.close()
})

test('polling when the exchange cannot watch; a rate-limited poll waits longer', async () => {
  const S = 'BTC/USDT'
  const {ex, feed, c, settle, run} = setup([S], {watch: false, pollMs: 10_000})
  ex.set(S, row(T0, 100))
  await feed.subscribe({symbols: [S], timeframeMs: M}, c.listener)
  await settle()
  assert.equal(ex.watches.length, 0)
  assert.equal(ex.fetches.length, 1)
  await run(T0 + 51_000)
  assert.equal(ex.fetches.length, 6) // every 10 s
  ex.set(S, row(T0, 104))
  await run(T0 + M)
  ex.set(S, row(T0 + M, 200))
  await run(T0 + M + 1_000)
  assert.deepEqual(closes(c.got), [[T0, 104]], 'closed once a poll shows a newer candle')
  ex.failFetch.push(new RateLimitExceeded('429'))
  await run(T0 + M + 11_000)
  assert.equal(feed.status, 'paused')
  const at = ex.fetches.length
  await run(T0 + M + 20_999)
  assert.equal(ex.fetches.length, at)
  await run(T0 + M + 21_000)
  assert.equal(ex.fetches.length, at + 1)
  assert.equal(feed.status, 'live')
  await run(T0 + 2 * M + 1_000)
  ex.set(S, row(T0 + 2 * M, 300))
  await run(T0 + 2 * M + 12_000)
  assert.deepEqual(closes(c.got), [[T0, 104], [T0 + M, 200]])
  await feed.close()
})

test('resume `after` a bar: every bar after it by REST, in pages, then live', async () => {
  const S = 'BTC/USDT'
  const {ex, feed, c, settle, run} = setup([S], {start: T0 + 10 * M + 2_000, historyLimit: 4})
  for (let i = -3; i <= 10; i++) ex.set(S, row(T0 + i * M, 100 + i))
  await feed.subscribe({symbols: [S], timeframeMs: M, after: T0}, c.listener)
  await settle()
  assert.deepEqual(
    closes(c.got).map(([t]) => t),
    [1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => T0 + i * M),
  )
  assert.deepEqual(
    ex.fetches.map((f) => f.since),
    [T0 + 1, T0 + 4 * M + 1, T0 + 8 * M + 1],
  )
  await run(T0 + 11 * M)
  ex.push(S, row(T0 + 11 * M, 111))
  await settle()
  assert.deepEqual(closes(c.got).at(-1), [T0 + 10 * M, 110])
  assert.equal(c.got.length, 10)
  await feed.close()
})

test('reconnect() on demand: backfills after the last bar, delivers nothing twice', async () => {
  const S = 'BTC/USDT'
  const {ex, feed, c, settle, run} = setup([S])
  ex.set(S, row(T0, 100))
  await feed.subscribe({symbols: [S], timeframeMs: M}, c.listener)
  await settle()
  await run(T0 + M)
  ex.push(S, row(T0 + M, 101))
  await settle()
  assert.equal(c.got.length, 1)
  ex.set(S, row(T0 + M, 102))
  ex.set(S, row(T0 + 2 * M, 103))
  await run(T0 + 2 * M + 1_000)
  await feed.reconnect()
  await settle()
  assert.deepEqual(ex.fetches.at(-1)!.since, T0 + M)
  assert.deepEqual(closes(c.got), [[T0, 100], [T0 + M, 102]])
  // The old watch resolving now changes nothing; the new one carries on.
  ex.push(S, row(T0 + 2 * M, 104))
  await settle()
  await run(T0 + 3 * M)
  ex.push(S, row(T0 + 3 * M, 105))
  await settle()
  assert.deepEqual(closes(c.got), [[T0, 100], [T0 + M, 102], [T0 + 2 * M, 104]])
  await feed.close()
})

test('close() stops loops and timers; a watch resolving after it delivers nothing; idempotent', async () => {
  const S = 'BTC/USDT'
  const {ex, clock, feed, c, settle, run} = setup([S], {staleAfterMs: 5 * M, watch: true})
  ex.set(S, row(T0, 100))
  await feed.subscribe({symbols: [S], timeframeMs: M}, c.listener)
  await settle()
  ex.push(S, row(T0, 101))
  await settle()
  assert.ok(clock.pendingTimers > 0) // grace and stale timers
  const watches = ex.watches.length
  await feed.close()
  assert.equal(feed.status, 'closed')
  assert.equal(clock.pendingTimers, 0)
  const fetches = ex.fetches.length
  ex.push(S, row(T0 + M, 102)) // resolves the pending watch
  await settle()
  await run(T0 + 60 * M)
  assert.deepEqual(c.got, [])
  assert.equal(ex.fetches.length, fetches)
  assert.equal(ex.watches.length, watches)
  await feed.close()
  await feed.reconnect()
  assert.equal(feed.status, 'closed')
  assert.deepEqual(c.stale, [])
})

test('close() during a backoff ends it', async () => {
  const S = 'BTC/USDT'
  const {ex, clock, feed, c, settle, run} = setup([S])
  await feed.subscribe({symbols: [S], timeframeMs: M}, c.listener)
  await settle()
  ex.drop(S)
  await settle()
  assert.equal(feed.status, 'paused')
  await feed.close()
  assert.equal(clock.pendingTimers, 0)
  await run(T0 + 10 * M)
  assert.equal(ex.watches.length, 1)
})

test('stale once per silence; a bar ends it', async () => {
  const S = 'BTC/USDT'
  const {ex, feed, c, settle, run} = setup([S], {staleAfterMs: 3 * M})
  await feed.subscribe({symbols: [S], timeframeMs: M}, c.listener)
  await settle()
  await run(T0 + 1_000 + 3 * M - 1)
  assert.equal(c.stale.length, 0)
  await run(T0 + 1_000 + 3 * M)
  assert.deepEqual(c.stale, [{lastBarTime: undefined, silentMs: 3 * M}])
  assert.equal(feed.status, 'stale')
  await run(T0 + 10 * M)
  assert.equal(c.stale.length, 1)
  ex.push(S, row(T0 + 10 * M, 1))
  await settle()
  await run(T0 + 11 * M)
  ex.push(S, row(T0 + 11 * M, 2))
  await settle()
  assert.equal(c.got.length, 1)
  assert.equal(feed.status, 'live')
  await feed.close()
})

test('an unknown symbol or bad credentials are fatal: listener.error, loops stop', async () => {
  const {ex, feed, c, settle, run} = setup(['NOPE/USDT'])
  ex.failFetch.push(new BadSymbol('binance does not have market symbol NOPE/USDT'))
  await feed.subscribe({symbols: ['NOPE/USDT'], timeframeMs: M}, c.listener)
  await settle()
  assert.equal(c.errors.length, 1)
  assert.ok(c.errors[0] instanceof BadSymbol)
  await run(T0 + 10 * M)
  assert.equal(ex.fetches.length, 1)
  assert.equal(ex.watches.length, 0)
  await feed.close()
})

test('history: REST pages, grouped by open time across symbols, closed bars only', async () => {
  const A = 'BTC/USDT'
  const B = 'ETH/USDT'
  const {ex, feed} = setup([A, B], {start: T0 + 10 * M + 30_000, historyLimit: 3})
  for (let i = 0; i <= 10; i++) ex.set(A, row(T0 + i * M, 100 + i))
  for (let i = 0; i <= 10; i++) if (i !== 4) ex.set(B, row(T0 + i * M, 200 + i))
  const sub = {symbols: [A, B], timeframeMs: M}
  const all = await feed.history(sub, T0 + M, T0 + 20 * M)
  assert.deepEqual(
    all.map((b) => [b.time, ...b.bars.map((x) => x?.close ?? null)]),
    [1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => [T0 + i * M, 100 + i, i === 4 ? null : 200 + i]),
    'T0+10M is still forming',
  )
  assert.ok(all.every((b) => b.close === b.time + M))
  assert.deepEqual(
    ex.fetches.filter((f) => f.symbol === A).map((f) => f.since),
    [T0 + M, T0 + 3 * M + 1, T0 + 6 * M + 1, T0 + 9 * M + 1],
  )
  ex.fetches.length = 0
  const part = await feed.history(sub, T0 + 2 * M, T0 + 3 * M)
  assert.deepEqual(
    part.map((b) => b.time),
    [T0 + 2 * M, T0 + 3 * M],
  )
  assert.equal(ex.fetches.length, 2, 'one page per symbol reaches `through`')
  assert.equal(feed.status, 'idle')
  await feed.close()
})

test('history retries a network error', async () => {
  const S = 'BTC/USDT'
  const {ex, clock, feed} = setup([S], {start: T0 + 5 * M})
  for (let i = 0; i < 5; i++) ex.set(S, row(T0 + i * M, i))
  ex.failFetch.push(new NetworkError('ETIMEDOUT'))
  const p = feed.history({symbols: [S], timeframeMs: M}, T0, T0 + 4 * M)
  await clock.runUntil(T0 + 5 * M + 1_000)
  assert.equal((await p).length, 5)
  await feed.close()
})

test('the feed reads time and waits only through its clock (no Date.now, new Date(), global timers, Math.random)', async () => {
  const {readFileSync} = await import('node:fs')
  const code = (src: string) => src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1')
  const forbidden = [/\bDate\.now\(/, /new Date\(\s*\)/, /(?<![.\w])setTimeout\b/, /(?<![.\w])setInterval\b/, /\bMath\.random\(/, /from\s*'node:timers/]
  for (const f of ['exchange-feed.ts', 'candle-assembler.ts', 'ohlcv-source.ts']) {
    const src = code(readFileSync(new URL(`../../src/exchange/${f}`, import.meta.url), 'utf8'))
    for (const re of forbidden) assert.ok(!re.test(src), `${f}: ${re}`)
  }
})
