/**
 * The `rules` strategy's stops on an exchange broker, end to end: `bots live` as a real process on
 * `bots twin` through ccxt, every fill split into three executions. The exchange broker places
 * market and limit orders only, so the stop-loss is watched by the bot (closed bars) and exits at
 * market; the take-profit is a limit order for the whole entry (before, it was placed at the
 * entry's first execution, for a third of it, and the stop was refused and never replaced). The
 * watched stop survives a restart. The test waits for what the twin receives and what the service
 * prints, never for an amount of time.
 */
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import {addBot} from '../../src/service/manage.js'
import {startTwin} from '../../src/twin/index.js'
import {client} from '../twin/helpers.js'
import {query, startLive} from '../service/helpers.js'
import {ENV, KEY, S, SECRET, rig, spec, twinWait} from './twin-e2e.js'

const STOP_PERCENT = 0.05

describe('bots live on bots twin: rules stops on an exchange broker', () => {
  const r = rig('bots-e2e-twin-stops-')

  it('the stop is watched and closes at market; the take-profit covers every execution of the entry', async () => {
    const twin = await startTwin({db: r.twinDb, symbols: [S], timeframe: '5m', start: '2006-01-03', speed: 0, apiKey: KEY, apiSecret: SECRET,
      cash: {asset: 'USDT', amount: 1_000_000}, faults: {partialFills: 3}})
    after(() => twin.close())
    // The suite's exchange bot, with the rules strategy instead of its toggle.
    const file = path.join(r.dir, 'stops.yaml')
    const rules = `strategy: {name: rules, params: {entry: {long: 'close > 0'}, sizing: {type: quantity, value: 1}, stop_loss: {percent: ${STOP_PERCENT}}, take_profit: {percent: 20}}}`
    writeFileSync(file, readFileSync(spec(r.dir, 'stops', twin, 'TWIN_E2E_KEY'), 'utf8').replace(/^strategy: .*$/m, rules))
    const db = path.join(r.dir, 'stops.duckdb')
    const bot = await addBot(file, 1, {path: db, strategies: [r.strategies]})
    const args = ['--user-id', '1', '--db', db, '--strategies', r.strategies, '--verbose', '--poll-interval', '1']
    let live = startLive(args, ENV)
    await live.waitForOutput(/"stops": started/)
    await twinWait(twin.whenSubscribed('idxusdt@kline_5m'), 'the kline subscription', live)
    const reader = await client(twin, {apiKey: KEY, secret: SECRET})

    // The entry is decided on the first live bar (the twin's newest, at start) and must reach the
    // twin before the next release, where it fills (as a backtest fills it: a later arrival would
    // fill at a later open, and the replay after the restart below would not match). Its fills
    // seen, the take-profit goes out.
    await twinWait(twin.when(() => twin.orders().length >= 1), 'the entry', live)
    await twin.advance(1)
    await twinWait(twin.when(() => twin.orders().length >= 2), 'the take-profit', live)
    const [entry, target] = twin.orders()
    assert.deepEqual([entry.side, entry.type, entry.status, entry.executedQty], ['BUY', 'MARKET', 'FILLED', 1])
    assert.equal(twin.trades().filter((t) => t.orderId === entry.orderId).length, 3, 'the entry filled in three executions')
    assert.deepEqual([target.side, target.type, target.origQty], ['SELL', 'LIMIT', 1], 'the take-profit is for the whole entry')
    const entryPrice = entry.quoteQty / entry.executedQty
    const watched = await live.waitForOutput(/the stop at ([\d.]+) is watched on each bar and closes at market/)
    const level = Number(/at ([\d.]+) is/.exec(watched)![1])
    assert.ok(Math.abs(level - entryPrice * (1 - STOP_PERCENT / 100)) < 1e-9 * entryPrice, `${level} vs entry ${entryPrice}`)

    // Stopped and started again: the bot resumes by replaying its bars on a scratch broker, which
    // must refuse the stop as the exchange did, or the resumed trader holds a scratch stop order
    // that never reaches the exchange, and watches nothing.
    assert.equal((await twinWait(live.signal('SIGTERM'), 'the exit after SIGTERM', live)).code, 0, live.output())
    live = startLive(args, ENV)
    await live.waitForOutput(/"stops": resumed from its saved state/)
    await twinWait(twin.whenSubscribed('idxusdt@kline_5m'), 'the kline subscription after the restart', live)

    // Release bar by bar until one reaches the level (the entry's own bar does not count, as for the
    // broker's stop legs): the bot's exit must come on that bar and no other.
    let low = NaN
    for (let k = 0; k < 200 && !(low <= level); k++) {
      await twin.advance(1)
      const [bar] = (await reader.fetchOHLCV(S, '5m', undefined, 1)) as number[][]
      low = bar[3]
    }
    assert.ok(low <= level, 'no bar reached the stop within 200 bars: choose a tighter STOP_PERCENT')
    await twinWait(twin.when(() => twin.orders().length >= 3), 'the stop exit', live)
    const exit = twin.orders()[2]
    assert.deepEqual([exit.side, exit.type, exit.origQty], ['SELL', 'MARKET', 1])
    assert.equal(twin.orders().length, 3, 'nothing sent twice after the restart')
    await live.waitForOutput(new RegExp(`stop ${level.toString().replace('.', '\\.')} reached \\(bar low ${low.toString().replace('.', '\\.')}\\); closing at market`))
    // The take-profit is canceled with the exit; the exit fills on the next release.
    await twinWait(twin.when(() => twin.orders()[1].status === 'CANCELED'), 'the take-profit canceled', live)
    await twin.advance(1)
    await twinWait(twin.when(() => twin.orders()[2].status === 'FILLED'), 'the exit filled', live)
    await live.waitForOutput(/"stops": filled sell [\d.]+ IDX\/USDT @ [\d.]+ \(order \d+, fill 6\)/)
    assert.equal((await twinWait(live.signal('SIGTERM'), 'the exit after SIGTERM', live)).code, 0, live.output())
    const fills = await query(db, 'SELECT order_id, side FROM bot_trades WHERE bot_id = $id ORDER BY order_id, fill_seq', {id: bot.id})
    assert.deepEqual(fills.map((f) => f.side), ['buy', 'buy', 'buy', 'sell', 'sell', 'sell'])
  })
})
