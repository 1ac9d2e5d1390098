/**
 * A live bot whose strategy (or whose service handler) fails: `onBotCrash` runs once, `onCrash`
 * fires with the error and the last state, the bot stops itself and its feed, nothing loops.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import type {StrategyHooks} from '../../src/model/strategy.js'
import {createLiveBot} from '../../src/live/live-bot.js'
import {replayFeedOptions} from '../../src/live/feed-for-spec.js'
import {createReplayFeed} from '../../src/live/replay-feed.js'
import type {BotState, LiveBotEvents} from '../../src/live/runtime-types.js'
import {strategyOf} from '../engine/engine-fixtures.js'
import {orclSpec, orclStore} from './live-fixtures.js'

const db = await orclStore()

async function crashRun(hooks: () => StrategyHooks, events: LiveBotEvents = {}, spec = orclSpec()) {
  const feed = createReplayFeed(replayFeedOptions(spec, {db, speed: Infinity}))
  const crashes: {error: Error; state: BotState}[] = []
  const bot = createLiveBot({botId: 9, spec, definition: strategyOf('boom', hooks), feed, events: {...events, onCrash: (error, state) => crashes.push({error, state})}})
  await bot.start()
  const outcome = await bot.done
  return {bot, feed, outcome, crashes}
}

test('a strategy that throws: onBotCrash once, onCrash, status crashed, feed closed, no further iteration or onStop', async () => {
  const calls: string[] = []
  let iterations = 0
  const {bot, feed, outcome, crashes} = await crashRun(() => ({
    onTradingIteration(ctx) {
      if (++iterations === 40) throw new Error('kaboom')
      if (iterations === 35) ctx.buy(1)
    },
    onBotCrash(_ctx, error) {
      calls.push(`crash:${(error as Error).message}`)
    },
    onStop() {
      calls.push('stop')
    },
    onAbruptClosing() {
      calls.push('abrupt')
    },
  }))
  assert.deepEqual(calls, ['crash:kaboom'])
  assert.equal(iterations, 40)
  assert.equal(bot.status, 'crashed')
  assert.equal(feed.status, 'closed')
  assert.equal(outcome.status, 'crashed')
  assert.match(outcome.error!.message, /strategy "boom" crashed in onTradingIteration at 2010-.*kaboom/)
  assert.equal(crashes.length, 1)
  assert.equal(crashes[0].error, outcome.error)
  assert.equal(crashes[0].state.positions[0].quantity, 1) // the state at the crash, for the service to record
  // Stopping a crashed bot runs nothing and gives its last state.
  assert.deepEqual(await bot.stop(), outcome.state)
  assert.deepEqual(calls, ['crash:kaboom'])
  assert.equal(iterations, 40)
})

test('a failing onBotCrash does not hide the crash', async () => {
  const {outcome} = await crashRun(() => ({
    initialize() {
      throw new Error('bad init')
    },
    onBotCrash() {
      throw new Error('worse')
    },
  }))
  assert.equal(outcome.status, 'crashed')
  assert.match(outcome.error!.message, /crashed in initialize .*bad init/)
})

test('a service handler that throws (onFill) crashes the bot the same way, before the strategy hears of the fill', async () => {
  const calls: string[] = []
  const {outcome, crashes} = await crashRun(
    () => ({
      onTradingIteration(ctx) {
        if (ctx.barCount() === 3) ctx.buy(1)
      },
      onFilledOrder() {
        calls.push('filled')
      },
      onBotCrash() {
        calls.push('crash')
      },
    }),
    {
      onFill: async () => {
        throw new Error('database is gone')
      },
    },
  )
  assert.deepEqual(calls, ['crash'])
  assert.equal(crashes.length, 1)
  assert.match(outcome.error!.message, /crashed in the live runtime .*database is gone/)
})

test('a callback that re-orders on every fill is stopped as a runaway, not looped forever', async () => {
  const spec = orclSpec({broker: {cash: 1e12, fill_price: 'close'}})
  let fills = 0
  const {outcome} = await crashRun(
    () => ({
      onTradingIteration(ctx) {
        if (ctx.barCount() === 2) ctx.buy(1)
      },
      onFilledOrder(ctx) {
        fills++
        ctx.buy(1)
      },
    }),
    {},
    spec,
  )
  assert.equal(outcome.status, 'crashed')
  assert.match(outcome.error!.message, /more than 100000 order events at one moment/)
  assert.ok(fills <= 100_001)
})

test('a crash while resuming (warm-up) rejects start()', async () => {
  const spec = orclSpec()
  let n = 0
  let stopped!: Promise<BotState>
  const ok = createLiveBot({botId: 1, spec, definition: strategyOf('fine', () => ({})), feed: createReplayFeed(replayFeedOptions(spec, {db, speed: Infinity})),
    events: {onCheckpoint: () => void (++n === 10 && (stopped = ok.stop()))}})
  await ok.start()
  await ok.done
  const state = await stopped
  assert.notEqual(state.firstBarTime, null)
  const feed = createReplayFeed(replayFeedOptions(spec, {db, speed: Infinity}))
  const bot = createLiveBot({botId: 1, spec, definition: strategyOf('fine', () => ({initialize() {
    throw new Error('no')
  }})), feed, initialState: state})
  await assert.rejects(bot.start(), /crashed in initialize/)
  assert.equal((await bot.done).status, 'crashed')
})

test('a state from before the first bar resumes as a fresh start (initialize at the first bar)', async () => {
  const spec = orclSpec()
  const first = createLiveBot({botId: 1, spec, definition: strategyOf('fine', () => ({})), feed: createReplayFeed(replayFeedOptions(spec, {db, speed: Infinity}))})
  await first.start()
  const state = await first.stop()
  assert.equal(state.firstBarTime, null)
  const seen: number[] = []
  const bot = createLiveBot({botId: 1, spec, definition: strategyOf('fine', () => ({initialize: (ctx) => void seen.push(ctx.now)})),
    feed: createReplayFeed(replayFeedOptions(spec, {db, speed: Infinity})), initialState: JSON.parse(JSON.stringify(state))})
  await bot.start()
  assert.equal((await bot.done).reason, 'feed-ended')
  assert.deepEqual(seen, [Date.parse('2010-01-04T05:00:00Z')])
})
