/**
 * `bots live` as a real process trading on `bots twin` over loopback, through ccxt: bars come
 * from the twin's WebSocket kline stream, orders go to its REST API. The bot runs on the bars'
 * clock (`live.feed.clock: bars`), so its decisions are those of a backtest of the same bars.
 *
 * The process is SIGKILLed while an order request is on its way to the twin (the twin holds
 * every answer for a moment), then started again: the twin ends with exactly one order per
 * decision, and every twin fill is recorded once. A wrong API key puts the bot in `error`, and
 * no credential appears in the database or in anything the service printed.
 *
 * The test waits for what the service prints and what the twin receives, never for an amount of
 * time (the timeouts in the helpers are safety nets).
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import {addBot} from '../../src/service/manage.js'
import {botRow, botsJson, query, startLive, tradesOf} from '../service/helpers.js'
import {ENV, EVERY, KEY, SECRET, rig, spec, twinWait} from './twin-e2e.js'

describe('bots live on bots twin (real processes, loopback only)', () => {
  const r = rig('bots-e2e-twin-')

  it('trades, survives a SIGKILL with an order in flight, and never sends an order twice', async () => {
    const db = path.join(r.dir, 'bots.duckdb')
    const bot = await addBot(spec(r.dir, 'twin-bot', r.twin, 'TWIN_E2E_KEY'), 1, {path: db, strategies: [r.strategies]})
    const args = ['--user-id', '1', '--db', db, '--strategies', r.strategies, '--verbose', '--poll-interval', '1']
    let live = startLive(args, ENV)
    await live.waitForOutput(/"twin-bot": started/)
    await twinWait(r.twin.whenSubscribed('idxusdt@kline_5m'), 'the kline subscription', live)

    /** Releases bar k and waits until the bot has iterated on it (and, on a decision, sent the order). */
    const step = async (k: number, from: number) => {
      await r.twin.advance(1)
      await live.waitForOutput(new RegExp(`"twin-bot": iteration ${k}\\b`), {after: from})
      if (k % EVERY === 0) await twinWait(r.twin.when(() => r.twin.orders().length >= k / EVERY), `order ${k / EVERY}`, live)
    }
    let mark = live.mark()
    for (let k = 1; k < 3 * EVERY; k++) await step(k, mark)

    // The third decision: kill the service the moment its order request reaches the r.twin.
    const sent = (r.twin.requests.byPath['POST /api/v3/order'] ?? 0)
    await r.twin.advance(1)
    await twinWait(r.twin.when(() => (r.twin.requests.byPath['POST /api/v3/order'] ?? 0) > sent), 'the third order request', live)
    live.child.kill('SIGKILL')
    await live.exited
    const firstOutput = live.output()
    await twinWait(r.twin.when(() => r.twin.orders().length === 3), 'the third order', live) // the twin still takes the order it was sent
    // Started again: it resumes from its last saved state, makes the same decisions, finds the
    // order it had sent by its client id, and sends nothing twice.
    live = startLive(args, ENV)
    mark = live.mark()
    await live.waitForOutput(/"twin-bot": resumed from its saved state/, {after: mark})
    await twinWait(r.twin.whenSubscribed('idxusdt@kline_5m'), 'the kline subscription after the restart', live)
    await live.waitForOutput(new RegExp(`"twin-bot": iteration ${3 * EVERY}\\b`), {after: mark})
    for (let k = 3 * EVERY + 1; k <= 5 * EVERY; k++) await step(k, mark)
    await r.twin.advance(1) // fills the last order
    await live.waitForOutput(new RegExp(`"twin-bot": iteration ${5 * EVERY + 1}\\b`), {after: mark})
    assert.equal((await twinWait(live.signal('SIGTERM'), 'the exit after SIGTERM', live)).code, 0, live.output())
    assert.doesNotMatch(live.output(), /not this bot's/)

    const orders = r.twin.orders()
    assert.deepEqual(orders.map((o) => o.clientOrderId), [1, 2, 3, 4, 5].map((i) => `b${bot.id}r1o${i}`), 'one order per decision')
    assert.deepEqual(orders.map((o) => o.side), ['BUY', 'SELL', 'BUY', 'SELL', 'BUY'])
    // Every twin fill recorded once, with its trade id.
    const fills = r.twin.trades()
    const trades = await tradesOf(db, bot.id)
    assert.equal(trades.length, fills.length)
    const recorded = await query(db, 'SELECT trade_id, price FROM bot_trades WHERE bot_id = $id ORDER BY trade_id', {id: bot.id})
    assert.deepEqual(recorded.map((r) => String(r.trade_id)).sort(), fills.map((f) => String(f.id)).sort())
    // Market orders filled at the open of the bar after the decision, as in a backtest.
    assert.deepEqual(recorded.map((r) => r.price).sort(), fills.map((f) => f.price).sort())
    const intents = await query(db, 'SELECT client_order_id FROM bot_orders WHERE bot_id = $id ORDER BY order_id', {id: bot.id})
    assert.deepEqual(intents.map((r) => r.client_order_id), orders.map((o) => o.clientOrderId))

    // The bars it acted on, replayed through a backtest, make the same decisions.
    const parity = await botsJson(db, 'parity', String(bot.id), '--strategies', r.strategies)
    assert.equal(parity.same, true, JSON.stringify(parity))
    assert.equal(parity.liveOrders, 5)

    // Credentials never reach the store or the output.
    const text = (rows: unknown) => JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? String(v) : v))
    const tables = ['bots', 'bot_events', 'bot_state', 'bot_orders', 'bot_trades', 'bot_metrics']
    const everything = (await Promise.all(tables.map(async (t) => text(await query(db, `SELECT * FROM ${t}`))))).join('') + firstOutput + live.output()
    assert.doesNotMatch(everything, new RegExp(`${KEY}|${SECRET}`))
  })

  it('a wrong API key puts the bot in error, not in a restart loop, and the key is never printed', async () => {
    const db = path.join(r.dir, 'wrong.duckdb')
    const bot = await addBot(spec(r.dir, 'wrong-key', r.twin, 'TWIN_E2E_WRONG'), 1, {path: db, strategies: [r.strategies]})
    const live = startLive(['--user-id', '1', '--db', db, '--strategies', r.strategies, '--poll-interval', '1'], ENV)
    await live.waitForOutput(/"wrong-key": .*(API key|API-key)/)
    assert.equal((await live.signal('SIGTERM')).code, 0, live.output())
    const row = await botRow(db, bot.id)
    assert.equal(row.status, 'error')
    assert.match(row.error, /API.key/)
    assert.doesNotMatch(live.output() + JSON.stringify(row), /not-the-key|e2e-secret/)
    assert.doesNotMatch(live.output(), /restart 1 of/)
  })
  it('paper on live data: the simulated broker trades on the exchange\'s bars, recorded like a real bot, nothing sent', async () => {
    const db = path.join(r.dir, 'paper.duckdb')
    const ordersBefore = r.twin.orders().length
    const bot = await addBot(spec(r.dir, 'forward', r.twin, 'TWIN_E2E_KEY', 'paper'), 1, {path: db, strategies: [r.strategies]})
    const live = startLive(['--user-id', '1', '--db', db, '--strategies', r.strategies, '--verbose', '--poll-interval', '1'], ENV)
    await live.waitForOutput(/"forward": started/)
    await twinWait(r.twin.whenSubscribed('idxusdt@kline_5m'), 'the kline subscription', live)
    const bars = 2 * EVERY + 1
    for (let k = 1; k <= bars; k++) {
      await r.twin.advance(1)
      await live.waitForOutput(new RegExp(`"forward": iteration ${k}\\b`))
    }
    await live.waitForOutput(/"forward": filled sell 1 IDX\/USDT/)
    assert.equal((await twinWait(live.signal('SIGTERM'), 'the exit after SIGTERM', live)).code, 0, live.output())
    assert.equal(r.twin.orders().length, ordersBefore, 'a paper bot sends nothing to the exchange')
    assert.equal((await tradesOf(db, bot.id)).length, 2)
    const parity = await botsJson(db, 'parity', String(bot.id), '--strategies', r.strategies)
    assert.equal(parity.same, true, JSON.stringify(parity))
  })
})
