/**
 * `bots parity` of a warmed-up bot (replayWarmedUp): backtest.finalValue is the value at the end
 * of the recorded bars, as a plain backtest's finalValue is.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import buyAndHold from '../../strategies/buy-and-hold.js'
import {createLiveBot} from '../../src/live/live-bot.js'
import {FeedClock} from '../../src/live/live-clock.js'
import {compareLiveToBacktest} from '../../src/live/parity.js'
import type {BarBatch, Feed, FeedListener} from '../../src/live/runtime-types.js'
import {min5Spec, recorder} from './live-fixtures.js'

const T = Date.UTC(2024, 0, 2, 8)
const STEP = 300_000
const price = (i: number) => 100 + i
const batch = (i: number): BarBatch => {
  const p = price(i)
  return {time: T + i * STEP, close: T + (i + 1) * STEP, bars: [{open: p, high: p + 1, low: p - 1, close: p + 0.5, volume: 1000}]}
}

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
    async history() { return [] },
    async recent() { return recent },
    async reconnect() {},
    async close() {},
  }
}

test('a warmed-up bot iterating hourly on 5-minute bars: finalValue is the value at the last close, not at the last iteration', async () => {
  const params = {quantity: 3}
  const spec = min5Spec({market: '24/7', sleeptime: '1H', strategy: {name: 'buy-and-hold', params}})
  const {events, rec} = recorder()
  const bars = Array.from({length: 20}, (_, i) => batch(i))
  const bot = createLiveBot({botId: 1, spec, definition: buyAndHold, params, feed: exchangeLike(bars.slice(0, 1), bars.slice(1)), events, warmupBars: 1})
  await bot.start()
  const outcome = await bot.done
  assert.equal(outcome.status, 'stopped')
  assert.equal(rec.fills.length, 1)
  const fill = rec.fills[0]
  const r = await compareLiveToBacktest({spec, definition: buyAndHold, params, bars: rec.bars, live: {fills: rec.fills, orders: rec.orders}, warmEnd: outcome.state.warmEnd!})
  assert.equal(r.same, true, JSON.stringify(r.firstDifference))
  // By hand: 100 000 cash − 3 × the fill price (no costs) + 3 units at the last bar's close,
  // price(19) + 0.5 = 119.5. The bot iterates hourly (every 12th bar), so its last iteration was
  // well before bar 19: the value there is not the run's final value.
  const expected = 100_000 - 3 * fill.price + 3 * 119.5
  assert.ok(Math.abs(r.backtest.finalValue - expected) < 1e-6, `finalValue ${r.backtest.finalValue}, expected ${expected}`)
})
