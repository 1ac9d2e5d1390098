/**
 * The exchange feed on an UNMODIFIED ccxt.pro binance client pointed at the twin (a local
 * Binance-compatible exchange on loopback): bars the twin releases with `advance()` reach the
 * feed's listener once each, in order, with the values REST serves, for two symbols at once.
 *
 * The twin releases bars only when told (speed 0); the feed's clock is a SimulatedClock moved to
 * the twin's "now" after each release, so the grace timer fires only when the test says.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import ccxt from 'ccxt'
import {SimulatedClock} from '../../src/core/clock.js'
import {createExchangeFeed} from '../../src/exchange/exchange-feed.js'
import type {OhlcvSource} from '../../src/exchange/ohlcv-source.js'
import type {BarBatch, FeedListener} from '../../src/live/feed-types.js'
import {startTwin, twinUrls} from '../../src/twin/index.js'

const M = 60_000
const GRACE = 5_000
const SYMBOLS = ['BTC/USDT', 'ETH/USDT']

test('bars released by the twin reach the listener once each, in order, through ccxt.pro binance', {timeout: 60_000}, async () => {
  const twin = await startTwin({
    symbols: SYMBOLS, timeframe: '1m', speed: 0, apiKey: 'k', apiSecret: 's',
    cash: {asset: 'USDT', amount: 10_000}, warmupBars: 6,
  })
  const ex = new ccxt.pro.binance({apiKey: 'k', secret: 's', enableRateLimit: false, options: {fetchCurrencies: false}})
  ex.urls.api = twinUrls(ex.urls.api, twin) // every REST origin → twin.apiUrl, every WebSocket origin → twin.wsUrl
  await ex.loadHttpProxyAgent() // a plain ws:// needs it
  const source: OhlcvSource = ex // the client as it is
  const clock = new SimulatedClock(twin.now())
  const feed = createExchangeFeed({source, symbols: SYMBOLS, timeframeMs: M, ccxtTimeframe: '1m', clock, graceMs: GRACE})
  assert.equal(feed.name, 'exchange:binance')
  assert.ok(feed.watching)

  const got: BarBatch[] = []
  const errors: Error[] = []
  let wake: (() => void) | undefined
  const listener: FeedListener = {
    bars: async (b) => {
      got.push(b)
      wake?.()
    },
    stale: () => {},
    end: () => assert.fail('no end'),
    error: (e) => void errors.push(e),
  }
  /** Resolves when n batches have arrived (the watch answers over a real socket). */
  const until = async (n: number) => {
    while (got.length < n && errors.length === 0) await new Promise<void>((r) => (wake = r))
    assert.deepEqual(errors, [])
  }

  try {
    const last = twin.now() - M // open of the last bar released at start-up
    const after = last - 4 * M // the bot's last bar: three closed bars to backfill, the last one still open to the feed
    await feed.subscribe({symbols: SYMBOLS, timeframeMs: M, after}, listener)
    await Promise.all([twin.whenSubscribed('btcusdt@kline_1m'), twin.whenSubscribed('ethusdt@kline_1m')])
    await until(3)
    assert.deepEqual(got.map((b) => b.time), [after + M, after + 2 * M, after + 3 * M])

    for (let i = 1; i <= 5; i++) {
      await twin.advance()
      await clock.runUntil(twin.now(), () => feed.settled())
      await until(3 + i) // the released bar closes the one before it
    }
    assert.equal(got.length, 8)
    // The last one released has no newer candle: after its period plus the grace, REST settles it.
    await clock.runUntil(twin.now() + GRACE, () => feed.settled())
    await until(9)

    const times = got.map((b) => b.time)
    assert.deepEqual(times, Array.from({length: 9}, (_, i) => after + (i + 1) * M), 'every bar once, in order, none missing')
    assert.equal(times.at(-1), twin.now() - M)
    assert.equal(feed.lastBarTime, twin.now() - M)
    for (const [k, symbol] of SYMBOLS.entries()) {
      const rest = await ex.fetchOHLCV(symbol, '1m', after + M)
      assert.deepEqual(
        got.map((b) => b.bars[k]),
        rest.map(([, open, high, low, close, volume]) => ({open, high, low, close, volume})),
        `${symbol}: the final values`,
      )
    }
    assert.ok(got.every((b) => b.close === b.time + M))
  } finally {
    await feed.close()
    await ex.close()
    await twin.close()
  }
})

test('the twin drops the WebSocket every few messages: the feed backs off, backfills by REST, misses nothing and repeats nothing', {timeout: 60_000}, async () => {
  const twin = await startTwin({
    symbols: SYMBOLS, timeframe: '1m', speed: 0, apiKey: 'k', apiSecret: 's',
    cash: {asset: 'USDT', amount: 10_000}, warmupBars: 3, faults: {dropWsEvery: 5},
  })
  // ccxt 4.5 waits before re-dialling a dropped URL (options.ws.backoff: 1 s, doubling, on the wall
  // clock). The feed backs off on its own clock already: re-dial at once.
  const ex = new ccxt.pro.binance({apiKey: 'k', secret: 's', enableRateLimit: false, options: {fetchCurrencies: false, ws: {backoff: {base: 0}}}})
  ex.urls.api = twinUrls(ex.urls.api, twin)
  await ex.loadHttpProxyAgent()
  const clock = new SimulatedClock(twin.now())
  const log: string[] = []
  const feed = createExchangeFeed({
    source: ex, symbols: SYMBOLS, timeframeMs: M, ccxtTimeframe: '1m', clock, graceMs: GRACE, retryMs: 1_000,
    log: (level, message) => void log.push(`${level}: ${message}`),
  })
  const got: BarBatch[] = []
  const errors: Error[] = []
  const listener: FeedListener = {bars: async (b) => void got.push(b), stale: () => {}, end: () => assert.fail('no end'), error: (e) => void errors.push(e)}
  const subscribed = () => Promise.all([twin.whenSubscribed('btcusdt@kline_1m'), twin.whenSubscribed('ethusdt@kline_1m')])
  try {
    const start = twin.now() // the first bar that closes after subscribe opens now
    await feed.subscribe({symbols: SYMBOLS, timeframeMs: M}, listener)
    await subscribed()
    const released = 8
    for (let i = 1; i <= released; i++) {
      const drops = twin.requests.wsDropped
      await twin.advance()
      // After a drop, let the feed notice (it sets a backoff timer), then move its clock past the backoff.
      if (twin.requests.wsDropped > drops) await clock.untilTimers(() => feed.status === 'paused')
      await clock.runUntil(twin.now(), () => feed.settled())
      await subscribed()
    }
    await clock.runUntil(twin.now() + GRACE, () => feed.settled())
    assert.deepEqual(errors, [])
    assert.ok(twin.requests.wsDropped >= 2, `the socket was dropped (${twin.requests.wsDropped})`)
    assert.ok(log.some((l) => /watching .* failed/.test(l)), log.join('\n'))
    assert.deepEqual(
      got.map((b) => b.time),
      Array.from({length: released}, (_, i) => start + i * M),
      'every released bar once, in order',
    )
    for (const [k, symbol] of SYMBOLS.entries()) {
      const rest = await ex.fetchOHLCV(symbol, '1m', start)
      assert.deepEqual(got.map((b) => b.bars[k]), rest.map(([, open, high, low, close, volume]) => ({open, high, low, close, volume})), `${symbol}: the final values`)
    }
  } finally {
    await feed.close()
    await ex.close()
    await twin.close()
  }
})
