/**
 * `compareLiveToBacktest` on what a live bot really recorded (its bars, orders and fills from the
 * runtime's events): the same decisions as the backtest, or the first one that differs.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import smaCross from '../../strategies/sma-cross.js'
import openingRange from '../../strategies/opening-range.js'
import {compareLiveToBacktest} from '../../src/live/parity.js'
import {createLiveBot} from '../../src/live/live-bot.js'
import {replayFeedOptions} from '../../src/live/feed-for-spec.js'
import {createReplayFeed} from '../../src/live/replay-feed.js'
import type {BotState, Feed} from '../../src/live/runtime-types.js'
import {min5Spec, min5Store, orclSpec, orclStore, recorder, runLive} from './live-fixtures.js'

test('a replayed bot agrees with the backtest on its recorded bars (daily and 5-minute)', async () => {
  const db = await orclStore()
  const live = await runLive(orclSpec(), smaCross, db)
  const report = await compareLiveToBacktest({spec: orclSpec(), definition: smaCross, bars: live.bars, live: {fills: live.fills, orders: live.orders}})
  assert.equal(report.same, true, JSON.stringify(report.firstDifference))
  assert.equal(report.compared, live.fills.length + live.orders.length)
  assert.equal(report.backtest.fills, live.fills.length)

  const db5 = await min5Store()
  const spec = min5Spec({strategy: {name: 'opening-range', params: {rangeBars: 6, quantity: 2}}})
  const l5 = await runLive(spec, openingRange, db5)
  const r5 = await compareLiveToBacktest({spec, definition: openingRange, bars: l5.bars, live: {fills: l5.fills, orders: l5.orders}})
  assert.equal(r5.same, true, JSON.stringify(r5.firstDifference))
})

test('reports the first decision that differs: a fill price, a missing fill, an extra order', async () => {
  const db = await orclStore()
  const live = await runLive(orclSpec(), smaCross, db)
  const base = {spec: orclSpec(), definition: smaCross, bars: live.bars}

  const fills = live.fills.map((f, i) => (i === 3 ? {...f, price: f.price + 0.01} : f))
  const priced = await compareLiveToBacktest({...base, live: {fills}})
  assert.equal(priced.same, false)
  assert.equal(priced.firstDifference?.field, 'price')
  assert.equal(priced.firstDifference?.index, 3) // fills only: the 4th event
  assert.equal(priced.firstDifference?.live?.orderId, live.fills[3].orderId)

  const missing = await compareLiveToBacktest({...base, live: {fills: live.fills.slice(0, -1)}})
  assert.equal(missing.firstDifference?.field, 'missing-live')
  assert.equal(missing.firstDifference?.backtest?.orderId, live.fills[live.fills.length - 1].orderId)

  const sized = live.orders.map((o, i) => (i === 5 ? {...o, quantity: 11} : o))
  const bigger = await compareLiveToBacktest({...base, live: {fills: live.fills, orders: sized}})
  assert.equal(bigger.firstDifference?.field, 'quantity')
  assert.equal(bigger.firstDifference?.live?.kind, 'order')
  assert.equal(bigger.firstDifference?.live?.orderId, live.orders[5].id)
})

/** A feed that cannot serve history: a resumed strategy then starts with empty indicators. */
function withoutHistory(feed: Feed): Feed {
  return new Proxy(feed, {get: (f, k) => (k === 'history' ? async () => [] : Reflect.get(f, k, f))})
}

test('a bot resumed without history (no warm-up) diverges, and parity finds where', async () => {
  const db = await orclStore()
  const spec = orclSpec()
  // Run 600 bars, stop, resume on a feed without history: sma-cross needs 31 bars to act again.
  const first = await new Promise<{state: BotState; rec: ReturnType<typeof recorder>['rec']}>((resolve, reject) => {
    let n = 0
    const {events, rec} = recorder({onCheckpoint: () => void (++n === 600 && bot.stop().then((state) => resolve({state, rec}), reject))})
    const bot = createLiveBot({botId: 3, spec, definition: smaCross, feed: createReplayFeed(replayFeedOptions(spec, {db, speed: Infinity})), events})
    bot.start().catch(reject)
  })
  const feed = withoutHistory(createReplayFeed(replayFeedOptions(spec, {db, speed: Infinity})))
  const {events, rec} = recorder()
  const bot = createLiveBot({botId: 3, spec, definition: smaCross, feed, events, initialState: JSON.parse(JSON.stringify(first.state))})
  await bot.start()
  await bot.done
  const report = await compareLiveToBacktest({
    spec, definition: smaCross, bars: [...first.rec.bars, ...rec.bars],
    live: {fills: [...first.rec.fills, ...rec.fills], orders: [...first.rec.orders, ...rec.orders]},
  })
  assert.equal(report.same, false)
  const d = report.firstDifference!
  // Everything before the restart agrees; the first difference comes after it.
  assert.ok((d.live ?? d.backtest)!.time > first.state.time, JSON.stringify(d))
})
