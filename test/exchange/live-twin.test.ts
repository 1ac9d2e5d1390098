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
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import {closeStore, importFiles, openStore} from '../../src/data/index.js'
import {addBot} from '../../src/service/manage.js'
import {startTwin, type Twin} from '../../src/twin/index.js'
import {ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {SAFETY_MS, botRow, botsJson, query, startLive, tradesOf, type LiveProcess} from '../service/helpers.js'

const S = 'IDX/USDT'
const KEY = 'e2e-key-7c1f9a'
const SECRET = 'e2e-secret-4be20d'
const EVERY = 3

// Buys, then sells, every EVERY iterations, and says so for the test to follow.
const TOGGLE = `import {defineStrategy} from 'bots'
export default defineStrategy<{every: number}>({
  name: 'toggle-every',
  description: 'Buys one unit, then sells it, every \`every\` iterations; logs each iteration.',
  params: {type: 'object', properties: {every: {type: 'integer', minimum: 1, default: 3, description: 'Iterations between orders.'}}, additionalProperties: false},
  create(p) {
    let n = 0
    return {
      onTradingIteration(ctx) {
        n++
        ctx.log.info('iteration ' + n)
        if (n % p.every === 0) ctx.position() === 0 ? ctx.buy(1) : ctx.sell(1)
      },
    }
  },
})
`

// toggle-every with a warm-up: it needs 4 bars before it may order.
const WARM_TOGGLE = TOGGLE.replace("name: 'toggle-every'", "name: 'warm-toggle',\n  warmup: () => 4").replace('if (n % p.every === 0)', 'if (n > 4 && n % p.every === 0)')

function spec(dir: string, name: string, twin: Twin, keyEnv: string, broker: 'exchange' | 'paper' = 'exchange'): string {
  const file = path.join(dir, `${name}.yaml`)
  writeFileSync(file, [
    `name: ${name}`,
    'strategy: {name: toggle-every, params: {every: ' + EVERY + '}}',
    `symbols: [${S}]`,
    'timeframe: 5M',
    'market: 24/7',
    'broker: {cash: 100000}',
    'live:',
    '  feed: {type: exchange, clock: bars}',
    `  broker: {type: ${broker}}`,
    '  exchange:',
    '    id: binance',
    `    api_url: ${twin.apiUrl}`,
    `    ws_url: ${twin.wsUrl}`,
    `    credentials_env: {key: ${keyEnv}, secret: TWIN_E2E_SECRET}`,
  ].join('\n') + '\n')
  return file
}

/** A wait on the twin with a safety net: past it, fail with what the service printed. */
function twinWait<T>(p: Promise<T>, what: string, live: LiveProcess): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const net = new Promise<T>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`twin: ${what} did not happen within ${SAFETY_MS / 1000} s (safety net)\n--- output ---\n${live.output()}`)), SAFETY_MS)
  })
  return Promise.race([p, net]).finally(() => clearTimeout(timer))
}

describe('bots live on bots twin (real processes, loopback only)', () => {
  const dir = tempDir('bots-e2e-twin-')
  const strategies = path.join(dir, 'strategies')
  const twinDb = path.join(dir, 'twin.duckdb')
  let twin: Twin
  before(async () => {
    mkdirSync(strategies)
    writeFileSync(path.join(strategies, 'toggle-every.ts'), TOGGLE)
    writeFileSync(path.join(strategies, 'warm-toggle.ts'), WARM_TOGGLE)
    const store = await openStore({path: twinDb})
    try {
      await importFiles(store, [`${ROOT}examples/data/index-2006-5min.csv`], {symbol: S, timeframe: '5m'})
    } finally {
      await closeStore(store)
    }
    // Every REST answer is held 40 ms: an order request can be caught on its way.
    twin = await startTwin({db: twinDb, symbols: [S], timeframe: '5m', start: '2006-01-03', speed: 0, apiKey: KEY, apiSecret: SECRET,
      cash: {asset: 'USDT', amount: 1_000_000}, faults: {latencyMs: 40}})
  })
  after(() => twin?.close())

  const env = {TWIN_E2E_KEY: KEY, TWIN_E2E_SECRET: SECRET, TWIN_E2E_WRONG: 'not-the-key'}
  const orderRequests = () => twin.requests.byPath['POST /api/v3/order'] ?? 0

  it('trades, survives a SIGKILL with an order in flight, and never sends an order twice', async () => {
    const db = path.join(dir, 'bots.duckdb')
    const bot = await addBot(spec(dir, 'twin-bot', twin, 'TWIN_E2E_KEY'), 1, {path: db, strategies: [strategies]})
    const args = ['--user-id', '1', '--db', db, '--strategies', strategies, '--verbose', '--poll-interval', '1']
    let live = startLive(args, env)
    await live.waitForOutput(/"twin-bot": started/)
    await twinWait(twin.whenSubscribed('idxusdt@kline_5m'), 'the kline subscription', live)

    /** Releases bar k and waits until the bot has iterated on it (and, on a decision, sent the order). */
    const step = async (k: number, from: number) => {
      await twin.advance(1)
      await live.waitForOutput(new RegExp(`"twin-bot": iteration ${k}\\b`), {after: from})
      if (k % EVERY === 0) await twinWait(twin.when(() => twin.orders().length >= k / EVERY), `order ${k / EVERY}`, live)
    }
    let mark = live.mark()
    for (let k = 1; k < 3 * EVERY; k++) await step(k, mark)

    // The third decision: kill the service the moment its order request reaches the twin.
    const sent = orderRequests()
    await twin.advance(1)
    await twinWait(twin.when(() => orderRequests() > sent), 'the third order request', live)
    live.child.kill('SIGKILL')
    await live.exited
    const firstOutput = live.output()
    await twinWait(twin.when(() => twin.orders().length === 3), 'the third order', live) // the twin still takes the order it was sent
    // Started again: it resumes from its last saved state, makes the same decisions, finds the
    // order it had sent by its client id, and sends nothing twice.
    live = startLive(args, env)
    mark = live.mark()
    await live.waitForOutput(/"twin-bot": resumed from its saved state/, {after: mark})
    await twinWait(twin.whenSubscribed('idxusdt@kline_5m'), 'the kline subscription after the restart', live)
    await live.waitForOutput(new RegExp(`"twin-bot": iteration ${3 * EVERY}\\b`), {after: mark})
    for (let k = 3 * EVERY + 1; k <= 5 * EVERY; k++) await step(k, mark)
    await twin.advance(1) // fills the last order
    await live.waitForOutput(new RegExp(`"twin-bot": iteration ${5 * EVERY + 1}\\b`), {after: mark})
    assert.equal((await twinWait(live.signal('SIGTERM'), 'the exit after SIGTERM', live)).code, 0, live.output())
    assert.doesNotMatch(live.output(), /not this bot's/)

    const orders = twin.orders()
    assert.deepEqual(orders.map((o) => o.clientOrderId), [1, 2, 3, 4, 5].map((i) => `b${bot.id}r1o${i}`), 'one order per decision')
    assert.deepEqual(orders.map((o) => o.side), ['BUY', 'SELL', 'BUY', 'SELL', 'BUY'])
    // Every twin fill recorded once, with its trade id.
    const fills = twin.trades()
    const trades = await tradesOf(db, bot.id)
    assert.equal(trades.length, fills.length)
    const recorded = await query(db, 'SELECT trade_id, price FROM bot_trades WHERE bot_id = $id ORDER BY trade_id', {id: bot.id})
    assert.deepEqual(recorded.map((r) => String(r.trade_id)).sort(), fills.map((f) => String(f.id)).sort())
    // Market orders filled at the open of the bar after the decision, as in a backtest.
    assert.deepEqual(recorded.map((r) => r.price).sort(), fills.map((f) => f.price).sort())
    const intents = await query(db, 'SELECT client_order_id FROM bot_orders WHERE bot_id = $id ORDER BY order_id', {id: bot.id})
    assert.deepEqual(intents.map((r) => r.client_order_id), orders.map((o) => o.clientOrderId))

    // The bars it acted on, replayed through a backtest, make the same decisions.
    const parity = await botsJson(db, 'parity', String(bot.id), '--strategies', strategies)
    assert.equal(parity.same, true, JSON.stringify(parity))
    assert.equal(parity.liveOrders, 5)

    // Credentials never reach the store or the output.
    const text = (rows: unknown) => JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? String(v) : v))
    const tables = ['bots', 'bot_events', 'bot_state', 'bot_orders', 'bot_trades', 'bot_metrics']
    const everything = (await Promise.all(tables.map(async (t) => text(await query(db, `SELECT * FROM ${t}`))))).join('') + firstOutput + live.output()
    assert.doesNotMatch(everything, new RegExp(`${KEY}|${SECRET}`))
  })

  it('a wrong API key puts the bot in error, not in a restart loop, and the key is never printed', async () => {
    const db = path.join(dir, 'wrong.duckdb')
    const bot = await addBot(spec(dir, 'wrong-key', twin, 'TWIN_E2E_WRONG'), 1, {path: db, strategies: [strategies]})
    const live = startLive(['--user-id', '1', '--db', db, '--strategies', strategies, '--poll-interval', '1'], env)
    await live.waitForOutput(/"wrong-key": .*(API key|API-key)/)
    assert.equal((await live.signal('SIGTERM')).code, 0, live.output())
    const row = await botRow(db, bot.id)
    assert.equal(row.status, 'error')
    assert.match(row.error, /API.key/)
    assert.doesNotMatch(live.output() + JSON.stringify(row), /not-the-key|e2e-secret/)
    assert.doesNotMatch(live.output(), /restart 1 of/)
  })
  it('WebSocket drops, 429s and partial fills: every bar once, in order, every partial fill recorded once', async () => {
    const faulty = await startTwin({db: twinDb, symbols: [S], timeframe: '5m', start: '2006-01-03', speed: 0, apiKey: KEY, apiSecret: SECRET,
      cash: {asset: 'USDT', amount: 1_000_000}, faults: {dropWsEvery: 7, http429Every: 13, partialFills: 2}})
    after(() => faulty.close())
    const db = path.join(dir, 'faults.duckdb')
    const bot = await addBot(spec(dir, 'faulty', faulty, 'TWIN_E2E_KEY'), 1, {path: db, strategies: [strategies]})
    const live = startLive(['--user-id', '1', '--db', db, '--strategies', strategies, '--verbose', '--poll-interval', '1'], env)
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
    const parity = await botsJson(db, 'parity', String(bot.id), '--strategies', strategies)
    assert.equal(parity.same, true, JSON.stringify(parity))
  })

  it('paper on live data: the simulated broker trades on the exchange\'s bars, recorded like a real bot, nothing sent', async () => {
    const db = path.join(dir, 'paper.duckdb')
    const ordersBefore = twin.orders().length
    const bot = await addBot(spec(dir, 'forward', twin, 'TWIN_E2E_KEY', 'paper'), 1, {path: db, strategies: [strategies]})
    const live = startLive(['--user-id', '1', '--db', db, '--strategies', strategies, '--verbose', '--poll-interval', '1'], env)
    await live.waitForOutput(/"forward": started/)
    await twinWait(twin.whenSubscribed('idxusdt@kline_5m'), 'the kline subscription', live)
    const bars = 2 * EVERY + 1
    for (let k = 1; k <= bars; k++) {
      await twin.advance(1)
      await live.waitForOutput(new RegExp(`"forward": iteration ${k}\\b`))
    }
    await live.waitForOutput(/"forward": filled sell 1 IDX\/USDT/)
    assert.equal((await twinWait(live.signal('SIGTERM'), 'the exit after SIGTERM', live)).code, 0, live.output())
    assert.equal(twin.orders().length, ordersBefore, 'a paper bot sends nothing to the exchange')
    assert.equal((await tradesOf(db, bot.id)).length, 2)
    const parity = await botsJson(db, 'parity', String(bot.id), '--strategies', strategies)
    assert.equal(parity.same, true, JSON.stringify(parity))
  })
  it('a fresh bot warms its strategy on the exchange\'s latest bars, and parity still holds', async () => {
    const warm = await startTwin({db: twinDb, symbols: [S], timeframe: '5m', start: '2006-01-03', speed: 0, apiKey: KEY, apiSecret: SECRET, cash: {asset: 'USDT', amount: 1_000_000}})
    after(() => warm.close())
    const db = path.join(dir, 'warm.duckdb')
    const file = path.join(dir, 'warm.yaml')
    writeFileSync(file, readFileSync(spec(dir, 'warm', warm, 'TWIN_E2E_KEY'), 'utf8').replace('toggle-every', 'warm-toggle'))
    const bot = await addBot(file, 1, {path: db, strategies: [strategies]})
    const live = startLive(['--user-id', '1', '--db', db, '--strategies', strategies, '--verbose', '--poll-interval', '1'], env)
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
    const parity = await botsJson(db, 'parity', String(bot.id), '--strategies', strategies)
    assert.equal(parity.same, true, JSON.stringify(parity))
    assert.equal(parity.bars, 13)
  })
})
