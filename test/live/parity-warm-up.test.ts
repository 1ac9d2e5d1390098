/**
 * `bots parity` of a fresh bot that warmed up on its feed's recent bars (an exchange bot): the
 * warm-up's decisions were discarded with its scratch broker and it traded from an untouched
 * account, which a backtest over the same recorded bars does not do (it bought on the first
 * warm-up bar, the bot on the first live one): parity reported a difference at the first event
 * for every such buy-and-hold or monthly-rebalance bot. With the state's `warmEnd`, the replay
 * warms up as the bot did.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import buyAndHold from '../../strategies/buy-and-hold.js'
import smaCross from '../../strategies/sma-cross.js'
import {createLiveBot} from '../../src/live/live-bot.js'
import {FeedClock} from '../../src/live/live-clock.js'
import {compareLiveToBacktest} from '../../src/live/parity.js'
import {warmEndOf} from '../../src/service/parity-records.js'
import type {BarBatch, Feed, FeedListener} from '../../src/live/runtime-types.js'
import type {StrategyDefinition} from '../../src/model/strategy.js'
import {min5Spec, recorder} from './live-fixtures.js'

const T = Date.UTC(2024, 0, 2, 8)
const STEP = 300_000
/** A wave, so that an SMA cross happens inside the warm-up bars and after them. */
const price = (i: number) => 100 + 10 * Math.sin(i / 4)
const batch = (i: number): BarBatch => {
  const p = price(i)
  return {time: T + i * STEP, close: T + (i + 1) * STEP, bars: [{open: p, high: p + 1, low: p - 1, close: p + 0.5, volume: 1000}]}
}

/** An exchange-like feed: `recent` bars for the warm-up, then `live` ones delivered one at a time, then the end. */
function exchangeLike(recent: BarBatch[], live: BarBatch[]): Feed {
  let listener: FeedListener | undefined
  return {
    name: 'test', clock: new FeedClock(-Infinity), status: 'live', lastBarTime: undefined,
    async subscribe(_sub, l) {
      listener = l
      void (async () => {
        for (const b of live) await listener!.bars(b)
        listener!.end()
      })()
    },
    async history() {
      return []
    },
    async recent() {
      return recent
    },
    async reconnect() {},
    async close() {},
  }
}

async function liveRun(definition: StrategyDefinition, params: Record<string, unknown>, warm: number, total: number) {
  const spec = min5Spec({market: '24/7', strategy: {name: definition.name, params}})
  const {events, rec} = recorder()
  const bars = Array.from({length: total}, (_, i) => batch(i))
  const bot = createLiveBot({botId: 1, spec, definition, params, feed: exchangeLike(bars.slice(0, warm), bars.slice(warm)), events, warmupBars: warm})
  await bot.start()
  const outcome = await bot.done
  assert.equal(outcome.status, 'stopped', String(outcome.error))
  return {spec, rec, state: outcome.state}
}

test('buy-and-hold decided on its warm-up bar: with warmEnd the replay agrees; without, the first event differs', async () => {
  const {spec, rec, state} = await liveRun(buyAndHold, {quantity: 3}, 1, 12)
  assert.equal(state.warmEnd, T, 'the state keeps where the warm-up ended')
  // Live: the buy was placed at the close of the first live bar (bar 1), not of the warm-up bar.
  assert.deepEqual(rec.orders.map((o) => o.createdAt), [batch(1).close])
  assert.equal(rec.bars.length, 12, 'the warm-up bar is recorded too')
  const live = {fills: rec.fills, orders: rec.orders}
  const replayed = await compareLiveToBacktest({spec, definition: buyAndHold, params: {quantity: 3}, bars: rec.bars, live, warmEnd: state.warmEnd!})
  assert.equal(replayed.same, true, JSON.stringify(replayed.firstDifference))
  assert.equal(replayed.compared, 2)
  assert.equal(replayed.backtest.fills, 1)
  // 100 000 − 3 × bar 2's open + 3 × the last close (no costs).
  assert.ok(Math.abs(replayed.backtest.finalValue - (100_000 - 3 * price(2) + 3 * (price(11) + 0.5))) < 1e-6, String(replayed.backtest.finalValue))
  const backtested = await compareLiveToBacktest({spec, definition: buyAndHold, params: {quantity: 3}, bars: rec.bars, live})
  assert.equal(backtested.same, false)
  assert.equal(backtested.firstDifference?.index, 0)
  assert.equal(backtested.firstDifference?.backtest?.time, batch(0).close)
})

test('an SMA cross inside the warm-up and after it: the replay with warmEnd agrees on every decision', async () => {
  const params = {fast: 2, slow: 5, quantity: 1}
  const {spec, rec, state} = await liveRun(smaCross, params, 30, 90)
  assert.ok(rec.fills.length >= 2, `live made ${rec.fills.length} fills`)
  const live = {fills: rec.fills, orders: rec.orders}
  const replayed = await compareLiveToBacktest({spec, definition: smaCross, params, bars: rec.bars, live, warmEnd: state.warmEnd!})
  assert.equal(replayed.same, true, JSON.stringify(replayed.firstDifference))
  assert.equal(replayed.compared, rec.fills.length + rec.orders.length)
  // The warm-up mattered: a backtest of the same bars decided inside it.
  const backtested = await compareLiveToBacktest({spec, definition: smaCross, params, bars: rec.bars, live})
  assert.equal(backtested.same, false)
  assert.ok(backtested.firstDifference!.backtest!.time <= batch(29).close, JSON.stringify(backtested.firstDifference))
})

test('a warmed-up bot iterating hourly on 5-minute bars: finalValue is its value at the last close, not at its last iteration', async () => {
  const params = {quantity: 3}
  const spec = min5Spec({market: '24/7', sleeptime: '1H', strategy: {name: 'buy-and-hold', params}})
  const {events, rec} = recorder()
  const bars = Array.from({length: 20}, (_, i) => batch(i))
  const bot = createLiveBot({botId: 1, spec, definition: buyAndHold, params, feed: exchangeLike(bars.slice(0, 1), bars.slice(1)), events, warmupBars: 1})
  await bot.start()
  const outcome = await bot.done
  assert.equal(outcome.status, 'stopped')
  assert.equal(rec.fills.length, 1)
  const r = await compareLiveToBacktest({spec, definition: buyAndHold, params, bars: rec.bars, live: {fills: rec.fills, orders: rec.orders}, warmEnd: outcome.state.warmEnd!})
  assert.equal(r.same, true, JSON.stringify(r.firstDifference))
  // By hand: 100 000 − 3 × the fill price (no costs) + 3 units at the last bar's close, price(19)
  // + 0.5. The bot iterates hourly (every 12th bar), so its last iteration came well before bar 19
  // (found in review: that iteration's value was reported).
  const expected = 100_000 - 3 * rec.fills[0].price + 3 * (price(19) + 0.5)
  assert.ok(Math.abs(r.backtest.finalValue - expected) < 1e-6, `finalValue ${r.backtest.finalValue}, expected ${expected}`)
})

test('the saved state\'s warmEnd reaches parity from either registry: DuckDB keeps the state as JSON text, PostgreSQL as an object', () => {
  assert.deepEqual(warmEndOf(JSON.stringify({warmEnd: T, cash: 1})), {warmEnd: T})
  assert.deepEqual(warmEndOf({warmEnd: T, cash: 1}), {warmEnd: T})
  // No warm-up (a paper bot, or a state saved before warmEnd was kept): a plain backtest.
  assert.deepEqual(warmEndOf(JSON.stringify({cash: 1})), {})
  assert.deepEqual(warmEndOf({warmEnd: null}), {})
  assert.deepEqual(warmEndOf(undefined), {})
})
