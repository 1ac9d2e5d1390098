/**
 * `bots live` on `bots twin` under faults (WebSocket drops, 429s, partial fills) and with a
 * strategy that warms up on the exchange's history. Real processes, loopback only; the test
 * waits for what the service prints and the twin receives (the timeouts are safety nets).
 */
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import {addBot} from '../../src/service/manage.js'
import {startTwin} from '../../src/twin/index.js'
import {botsJson, query, startLive} from '../service/helpers.js'
import {ENV, EVERY, KEY, S, SECRET, rig, spec, twinWait} from './twin-e2e.js'

describe('bots live on bots twin: faults and warm-up', () => {
  const r = rig('bots-e2e-twin-')

  it('WebSocket drops, 429s and partial fills: every bar once, in order, every partial fill recorded once', async () => {
    const faulty = await startTwin({db: r.twinDb, symbols: [S], timeframe: '5m', start: '2006-01-03', speed: 0, apiKey: KEY, apiSecret: SECRET,
      cash: {asset: 'USDT', amount: 1_000_000}, faults: {dropWsEvery: 7, http429Every: 13, partialFills: 2}})
    after(() => faulty.close())
    const db = path.join(r.dir, 'faults.duckdb')
    const bot = await addBot(spec(r.dir, 'faulty', faulty, 'TWIN_E2E_KEY'), 1, {path: db, strategies: [r.strategies]})
    const live = startLive(['--user-id', '1', '--db', db, '--strategies', r.strategies, '--verbose', '--poll-interval', '1'], ENV)
    await live.waitForOutput(/"faulty": started/)
    await twinWait(faulty.whenSubscribed('idxusdt@kline_5m'), 'the kline subscription', live)
    const bars = 4 * EVERY + 1
    for (let k = 1; k <= bars; k++) {
      // After a drop the bot re-subscribes (backfilling by REST); a kline pushed to no socket is
      // only noticed when the next one arrives, so each bar is released to a listening bot.
      await twinWait(faulty.whenSubscribed('idxusdt@kline_5m'), `the kline subscription before bar ${k}`, live)
      await faulty.advance(1)
      await live.waitForOutput(new RegExp(`"faulty": iteration ${k}\\b`))
      if (k % EVERY === 0) await twinWait(faulty.when(() => faulty.orders().length >= k / EVERY), `order ${k / EVERY}`, live)
    }
    assert.equal((await twinWait(live.signal('SIGTERM'), 'the exit after SIGTERM', live)).code, 0, live.output())
    assert.ok(faulty.requests.wsDropped > 0 && faulty.requests.rateLimited > 0, JSON.stringify(faulty.requests))
    // Each bar reached the strategy once, in order: iterations 1…bars, each printed once.
    const iterations = [...live.output().matchAll(/"faulty": iteration (\d+)\b/g)].map((m) => Number(m[1]))
    assert.deepEqual(iterations, Array.from({length: bars}, (_, i) => i + 1))
    // Two executions per order, each recorded once, numbered within its order.
    const orders = faulty.orders()
    assert.equal(orders.length, 4)
    const recorded = await query(db, 'SELECT order_id, fill_seq, trade_id FROM bot_trades WHERE bot_id = $id ORDER BY order_id, fill_seq', {id: bot.id})
    assert.deepEqual(recorded.map((r) => [Number(r.order_id), Number(r.fill_seq)]), [1, 2, 3, 4].flatMap((o) => [[o, 1], [o, 2]]))
    assert.deepEqual(recorded.map((r) => String(r.trade_id)).sort(), faulty.trades().map((t) => String(t.id)).sort())
    const parity = await botsJson(db, 'parity', String(bot.id), '--strategies', r.strategies)
    assert.equal(parity.same, true, JSON.stringify(parity))
  })

  it('a fresh bot warms its strategy on the exchange\'s latest bars, and parity still holds', async () => {
    const warm = await startTwin({db: r.twinDb, symbols: [S], timeframe: '5m', start: '2006-01-03', speed: 0, apiKey: KEY, apiSecret: SECRET, cash: {asset: 'USDT', amount: 1_000_000}})
    after(() => warm.close())
    const db = path.join(r.dir, 'warm.duckdb')
    const file = path.join(r.dir, 'warm.yaml')
    writeFileSync(file, readFileSync(spec(r.dir, 'warm', warm, 'TWIN_E2E_KEY'), 'utf8').replace('toggle-every', 'warm-toggle'))
    const bot = await addBot(file, 1, {path: db, strategies: [r.strategies]})
    const live = startLive(['--user-id', '1', '--db', db, '--strategies', r.strategies, '--verbose', '--poll-interval', '1'], ENV)
    // Before any new bar: the 4 bars it needs from the exchange's history, then the newest one
    // (left out of the warm-up in case it was still forming) as the first live bar.
    await live.waitForOutput(/"warm": iteration 4\b/)
    await live.waitForOutput(/"warm": started/)
    await live.waitForOutput(/"warm": iteration 5\b/)
    await twinWait(warm.whenSubscribed('idxusdt@kline_5m'), 'the kline subscription', live)
    let orders = 0
    for (let k = 6; k <= 13; k++) {
      await warm.advance(1)
      await live.waitForOutput(new RegExp(`"warm": iteration ${k}\\b`))
      if (k % EVERY === 0) await twinWait(warm.when(() => warm.orders().length > orders), `order at iteration ${k}`, live)
      orders = warm.orders().length
    }
    assert.equal((await twinWait(live.signal('SIGTERM'), 'the exit after SIGTERM', live)).code, 0, live.output())
    assert.deepEqual(warm.orders().map((o) => o.side), ['BUY', 'SELL', 'BUY'])
    // The warm-up bars are recorded with the live ones: a backtest of them decides the same.
    const parity = await botsJson(db, 'parity', String(bot.id), '--strategies', r.strategies)
    assert.equal(parity.same, true, JSON.stringify(parity))
    assert.equal(parity.bars, 13)
  })
  it('an order below the exchange\'s minimum notional is refused before it is sent', async () => {
    const strict = await startTwin({db: r.twinDb, symbols: [S], timeframe: '5m', start: '2006-01-03', speed: 0, apiKey: KEY, apiSecret: SECRET,
      cash: {asset: 'USDT', amount: 1_000_000}, minNotional: 1_000_000})
    after(() => strict.close())
    const db = path.join(r.dir, 'notional.duckdb')
    await addBot(spec(r.dir, 'tiny', strict, 'TWIN_E2E_KEY'), 1, {path: db, strategies: [r.strategies]})
    const live = startLive(['--user-id', '1', '--db', db, '--strategies', r.strategies, '--verbose', '--poll-interval', '1'], ENV)
    await live.waitForOutput(/"tiny": started/)
    await twinWait(strict.whenSubscribed('idxusdt@kline_5m'), 'the kline subscription', live)
    for (let k = 1; k <= EVERY + 1; k++) {
      await strict.advance(1)
      await live.waitForOutput(new RegExp(`"tiny": iteration ${k}\\b`))
    }
    await live.waitForOutput(/"tiny": order 1 \(buy 1 IDX\/USDT\) rejected: order value [\d.]+ USDT is below IDX\/USDT's minimum notional 1000000 USDT/)
    assert.equal((await twinWait(live.signal('SIGTERM'), 'the exit after SIGTERM', live)).code, 0, live.output())
    assert.equal(strict.requests.byPath['POST /api/v3/order'] ?? 0, 0, 'nothing was sent')
    const [order] = await query(db, 'SELECT order_id, client_order_id FROM bot_orders')
    assert.equal(Number(order.order_id), 1, 'the decision is recorded')
  })
})
