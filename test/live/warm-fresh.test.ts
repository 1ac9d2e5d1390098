/**
 * A fresh bot on a feed that offers recent history (an exchange) warms its strategy on it; with
 * no history to offer, it starts as any fresh bot does: on a bar clock, `initialize` runs when the
 * first bar arrives, with the clock at that bar's open.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {createLiveBot} from '../../src/live/live-bot.js'
import {FeedClock} from '../../src/live/live-clock.js'
import type {BarBatch, Feed, FeedListener} from '../../src/live/runtime-types.js'
import {strategyOf} from '../engine/engine-fixtures.js'
import {min5Spec} from './live-fixtures.js'

/** A bar-clock feed the test drives, with `recent` history as given. */
function feedWith(recent: BarBatch[]): Feed & {push(b: BarBatch): Promise<void>} {
  let listener: FeedListener | undefined
  const clock = new FeedClock()
  return {
    name: 'test', clock, status: 'idle', lastBarTime: undefined,
    async subscribe(_sub, l) {
      listener = l
    },
    async history() {
      return []
    },
    async recent() {
      return recent
    },
    async reconnect() {},
    async close() {},
    push: (b) => listener!.bars(b),
  }
}

const T = Date.UTC(2006, 0, 3, 8)
const bar = (i: number): BarBatch => {
  const p = 100 + i
  return {time: T + i * 300_000, close: T + (i + 1) * 300_000, bars: [{open: p, high: p, low: p, close: p, volume: 0}]}
}

function traced(): {calls: string[]; definition: ReturnType<typeof strategyOf>} {
  const calls: string[] = []
  const definition = strategyOf('trace', () => ({
    initialize: (ctx) => void calls.push(`initialize@${ctx.now}`),
    onTradingIteration: (ctx) => void calls.push(`iteration@${ctx.now}`),
  }))
  return {calls, definition}
}

test('with recent history: initialize and iterations on it before any live bar', async () => {
  const {calls, definition} = traced()
  const feed = feedWith([bar(0), bar(1)])
  const bot = createLiveBot({botId: 1, spec: min5Spec({market: '24/7'}), definition, feed, warmupBars: 2})
  await bot.start()
  assert.deepEqual(calls, [`initialize@${T}`, `iteration@${bar(0).close}`, `iteration@${bar(1).close}`])
  await bot.stop()
})

test('with no history to offer: on a bar clock, initialize waits for the first bar', async () => {
  const {calls, definition} = traced()
  const feed = feedWith([])
  const bot = createLiveBot({botId: 1, spec: min5Spec({market: '24/7'}), definition, feed, warmupBars: 2})
  await bot.start()
  assert.deepEqual(calls, [])
  await feed.push(bar(5))
  assert.deepEqual(calls, [`initialize@${bar(5).time}`, `iteration@${bar(5).close}`])
  await bot.stop()
})
