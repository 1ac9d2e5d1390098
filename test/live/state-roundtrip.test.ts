/**
 * A bot stopped (or killed) midway and resumed from its saved BotState, in a fresh runtime with a
 * fresh feed, ends with the same trades as a bot that ran straight through: no fill lost, no order
 * id used twice, strategy state (indicators in closures) rebuilt by the warm-up.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import openingRange from '../../strategies/opening-range.js'
import smaCross from '../../strategies/sma-cross.js'
import type {BotSpec} from '../../src/model/bot-spec.js'
import type {Fill} from '../../src/model/orders.js'
import type {StrategyDefinition} from '../../src/model/strategy.js'
import {createLiveBot} from '../../src/live/live-bot.js'
import {replayFeedOptions} from '../../src/live/feed-for-spec.js'
import {createReplayFeed} from '../../src/live/replay-feed.js'
import type {BotState} from '../../src/live/runtime-types.js'
import {fillRows, min5Spec, min5Store, orclSpec, orclStore, recorder, runLive} from './live-fixtures.js'

/** Runs until `n` checkpoints, then stops the bot normally (`stop`) or as on SIGTERM (`shutdown`). */
async function runAndStop(spec: BotSpec, definition: StrategyDefinition, db: string, n: number, reason: 'stop' | 'shutdown', initialState?: BotState) {
  const feed = createReplayFeed(replayFeedOptions(spec, {db, speed: Infinity}))
  let count = 0
  let stopping: Promise<BotState> | undefined
  const {events, rec} = recorder({
    onCheckpoint: () => {
      if (++count === n) stopping = bot.stop(reason)
    },
  })
  const bot = createLiveBot({botId: 1, spec, definition, feed, events, initialState})
  await bot.start()
  const outcome = await bot.done
  assert.ok(stopping, 'the bot stopped before the checkpoint')
  assert.deepEqual(await stopping, outcome.state)
  return {...rec, outcome}
}

/** JSON round trip, as the service stores it. */
const persisted = (s: BotState): BotState => JSON.parse(JSON.stringify(s))

function assertNoDuplicateIds(fills: Fill[]): void {
  const ids = fills.map((f) => f.orderId)
  assert.equal(new Set(ids).size, ids.length, 'an order id filled twice')
}

for (const reason of ['stop', 'shutdown'] as const) {
  test(`daily ORCL sma-cross: ${reason} midway, resume, same trades as straight through`, async () => {
    const db = await orclStore()
    const spec = orclSpec()
    const straight = await runLive(spec, smaCross, db)
    for (const at of [1, 37, 400, 801]) {
      const first = await runAndStop(spec, smaCross, db, at, reason)
      assert.equal(first.outcome.status, 'stopped')
      const state = persisted(first.outcome.state)
      const second = await runLive(spec, smaCross, db, {initialState: state})
      const fills = [...first.fills, ...second.fills]
      assertNoDuplicateIds(fills)
      assert.deepEqual(fillRows(fills), fillRows(straight.fills), `resumed after checkpoint ${at}`)
      assert.equal(second.outcome.state.cash, straight.outcome.state.cash)
      assert.equal(second.outcome.state.iterations, straight.outcome.state.iterations)
      assert.deepEqual(second.outcome.state.positions, straight.outcome.state.positions)
      // Bars: the first run's and the second's together are the straight run's, none twice.
      assert.deepEqual([...first.bars, ...second.bars].map((b) => b.time), straight.bars.map((b) => b.time))
    }
  })
}

test('5-minute opening-range: stopped with working day/stop orders, resumed: same fills and order ids', async () => {
  const db = await min5Store()
  const spec = min5Spec({strategy: {name: 'opening-range', params: {rangeBars: 6, quantity: 2}}})
  const straight = await runLive(spec, openingRange, db)
  let withOrders = 0
  for (const at of [10, 150, 333, 1000, 1500]) {
    const first = await runAndStop(spec, openingRange, db, at, 'shutdown')
    const state = persisted(first.outcome.state)
    if (state.openOrders.length > 0) withOrders++
    const second = await runLive(spec, openingRange, db, {initialState: state})
    const fills = [...first.fills, ...second.fills]
    assertNoDuplicateIds(fills)
    assert.deepEqual(fillRows(fills), fillRows(straight.fills), `resumed after checkpoint ${at}`)
    assert.deepEqual([...first.orders, ...second.orders].map((o) => o.id), straight.orders.map((o) => o.id))
    assert.equal(second.outcome.state.cash, straight.outcome.state.cash)
  }
  assert.ok(withOrders > 0, 'no stop point had working orders: pick other checkpoints')
})

test('killed between a fill and its checkpoint: resumed from the last checkpoint, the fill comes again with the same order id', async () => {
  const db = await orclStore()
  const spec = orclSpec()
  const straight = await runLive(spec, smaCross, db)
  // The "process" dies inside the 7th onFill: that promise never settles, the feed goes silent.
  const feed = createReplayFeed(replayFeedOptions(spec, {db, speed: Infinity}))
  let fills = 0
  let killed!: () => void
  const dead = new Promise<void>((resolve) => (killed = resolve))
  const {events, rec} = recorder({
    onFill: () => {
      if (++fills < 7) return
      feed.pause()
      killed()
      return new Promise<void>(() => {})
    },
  })
  const bot = createLiveBot({botId: 1, spec, definition: smaCross, feed, events})
  await bot.start()
  await dead
  const last = persisted(rec.checkpoints[rec.checkpoints.length - 1])
  assert.equal(last.fillCount, 6)
  const second = await runLive(spec, smaCross, db, {initialState: last})
  // The service stores fills keyed by (bot, orderId): the repeated one is the same row.
  const byId = new Map<number, Fill>()
  for (const f of [...rec.fills, ...second.fills]) {
    const seen = byId.get(f.orderId)
    if (seen) assert.deepEqual(seen, f, 'the same order id filled differently')
    byId.set(f.orderId, f)
  }
  assert.equal(rec.fills.length + second.fills.length, straight.fills.length + 1)
  assert.deepEqual(fillRows([...byId.values()]), fillRows(straight.fills))
  await feed.close()
})

test('any state the bot hands out resumes correctly: a mid-step state (onFill, crash) resumes from the checkpoint it carries', async () => {
  const db = await min5Store()
  const spec = min5Spec({strategy: {name: 'opening-range', params: {rangeBars: 6, quantity: 2}}, broker: {cash: 100000, fill_price: 'close'}})
  const straight = await runLive(spec, openingRange, db)
  // The service keeps the state of the 5th fill (as a supervisor recording positions would), then the process dies.
  const feed = createReplayFeed(replayFeedOptions(spec, {db, speed: Infinity}))
  let n = 0
  let midStep: BotState | undefined
  let killed!: () => void
  const dead = new Promise<void>((resolve) => (killed = resolve))
  const {events, rec} = recorder({
    onFill: (_f, _o, state) => {
      if (++n < 5) return
      midStep = persisted(state)
      feed.pause()
      killed()
      return new Promise<void>(() => {})
    },
  })
  createLiveBot({botId: 1, spec, definition: openingRange, feed, events}).start()
  await dead
  assert.equal(midStep!.checkpoint, false)
  assert.equal(midStep!.lastCheckpoint?.checkpoint, true)
  const second = await runLive(spec, openingRange, db, {initialState: midStep})
  const byId = new Map<number, Fill>()
  for (const f of [...rec.fills, ...second.fills]) byId.set(f.orderId, f)
  assert.deepEqual(fillRows([...byId.values()]), fillRows(straight.fills))
  assert.equal(second.outcome.state.cash, straight.outcome.state.cash)
  await feed.close()
})

test('a crashed bot restarted from its outcome state (a transient failure) ends as if it never crashed', async () => {
  const db = await orclStore()
  const spec = orclSpec()
  const straight = await runLive(spec, smaCross, db)
  let n = 0
  const first = await runLive(spec, smaCross, db, {events: {onFill: () => {
    if (++n === 9) throw new Error('database is gone for a moment')
  }}})
  assert.equal(first.outcome.status, 'crashed')
  const second = await runLive(spec, smaCross, db, {initialState: persisted(first.outcome.state)})
  const byId = new Map<number, Fill>()
  for (const f of [...first.fills, ...second.fills]) byId.set(f.orderId, f)
  assert.deepEqual(fillRows([...byId.values()]), fillRows(straight.fills))
  assert.equal(second.outcome.state.cash, straight.outcome.state.cash)
})
