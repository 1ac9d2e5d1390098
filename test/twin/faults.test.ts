import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import ccxt from 'ccxt'
import WebSocket from 'ws'
import {SimulatedClock} from '../../src/core/clock.js'
import {client, twin} from './helpers.js'

describe('twin authentication and fault injection', () => {
  it('a wrong key or a wrong secret → AuthenticationError (-2015 / -1022, HTTP 401)', async () => {
    const t = await twin()
    const wrongKey = await client(t, {apiKey: 'nope'})
    await assert.rejects(wrongKey.fetchBalance(), (e: Error) => e instanceof ccxt.AuthenticationError && /-2015/.test(e.message))
    const wrongSecret = await client(t, {secret: 'nope'})
    await assert.rejects(wrongSecret.fetchBalance(), (e: Error) => e instanceof ccxt.AuthenticationError && /-1022/.test(e.message))
    assert.ok(t.requests.authFailed >= 2)
    assert.equal(t.orders().length, 0)
  })

  it('http429Every N: every Nth request answers 429 → ccxt DDoSProtection (a NetworkError); the next succeeds', async () => {
    const t = await twin({faults: {http429Every: 3}})
    const ex = await client(t)
    Object.assign(ex.options, {fetchMarkets: {types: ['spot']}, fetchMargins: false})
    await ex.loadMarkets() // request 1
    await ex.fetchOHLCV('BTC/USDT', '1m') // 2
    await assert.rejects(ex.fetchBalance(), (e: Error) => {
      assert.ok(e instanceof ccxt.DDoSProtection && e instanceof ccxt.NetworkError, e.constructor.name)
      assert.match(e.message, /429.*-1003/)
      return true
    }) // 3
    await ex.fetchBalance() // 4
    await ex.fetchOHLCV('BTC/USDT', '1m') // 5
    await assert.rejects(ex.fetchOHLCV('BTC/USDT', '1m'), ccxt.DDoSProtection) // 6
    assert.equal(t.requests.rest, 6)
    assert.equal(t.requests.rateLimited, 2)
  })

  it('latencyMs: the answer waits on the twin clock', async () => {
    const clock = new SimulatedClock(0)
    const t = await twin({clock, faults: {latencyMs: 250}})
    const ex = await client(t)
    Object.assign(ex.options, {fetchMarkets: {types: ['spot']}, fetchMargins: false})
    let done = false
    const p = ex.loadMarkets().then(() => (done = true))
    await clock.untilTimers()
    assert.equal(done, false)
    clock.advanceBy(249)
    assert.equal(clock.pendingTimers, 1)
    clock.advanceBy(1)
    await p
    assert.equal(done, true)
  })

  it('dropWsEvery N: the socket is closed (1001) after N messages; REST recovers what it missed', async () => {
    const t = await twin({faults: {dropWsEvery: 2}})
    const ws = new WebSocket(`${t.wsUrl}/ws/btcusdt@kline_1m`)
    const got: {k: {t: number; x: boolean}}[] = []
    ws.on('message', (d) => got.push(JSON.parse(String(d))))
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
    await t.whenSubscribed('btcusdt@kline_1m')
    await t.advance(3)
    assert.equal(await closed, 1001)
    assert.equal(got.length, 2)
    assert.ok(got.every((m) => m.k.x === true))
    assert.equal(t.requests.wsDropped, 1)
    const ex = await client(t)
    const missed = await ex.fetchOHLCV('BTC/USDT', '1m', got[1].k.t + 60_000)
    assert.equal(missed.length, 1)
    assert.equal(missed[0][0], got[1].k.t + 60_000)
  })
})
