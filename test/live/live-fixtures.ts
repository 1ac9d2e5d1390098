/** Shared by the live tests: real DuckDB stores in temp folders, specs, and a bot run to the end. */
import path from 'node:path'
import {after} from 'node:test'
import {fileURLToPath} from 'node:url'
import {createCalendar} from '../../src/calendar/index.js'
import {importFiles} from '../../src/data/import.js'
import {loadBars} from '../../src/data/load-bars.js'
import {closeStore, withStore} from '../../src/data/store.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import {toBotSpec} from '../../src/spec/bot-spec.js'
import type {BotSpec} from '../../src/model/bot-spec.js'
import type {StrategyDefinition} from '../../src/model/strategy.js'
import type {Fill, Order} from '../../src/model/orders.js'
import {createLiveBot} from '../../src/live/live-bot.js'
import {replayFeedOptions} from '../../src/live/feed-for-spec.js'
import {createReplayFeed} from '../../src/live/replay-feed.js'
import type {BotState, LiveBar, LiveBotEvents, LiveBotOutcome} from '../../src/live/runtime-types.js'
import {tempDir} from '../helpers/tmp.js'

export const FIXTURES = fileURLToPath(new URL('../fixtures/data/', import.meta.url))
export const ORCL = path.join(FIXTURES, 'orcl-1995-2014.txt')
export const MIN5 = path.join(FIXTURES, '2006-min-005.txt')

after(() => closeStore())

/** A fresh store in a temp folder with the given files imported. */
export async function storeWith(files: {file: string; symbol: string; timeframe: string; timezone: string; timeLabel?: 'open' | 'close'}[]): Promise<string> {
  const db = path.join(tempDir('bots-live-'), 'bots.duckdb')
  await withStore({path: db}, async (store) => {
    for (const f of files) await importFiles(store, [f.file], {symbol: f.symbol, timeframe: f.timeframe, timezone: f.timezone, timeLabel: f.timeLabel})
  })
  return db
}

export const orclStore = () => storeWith([{file: ORCL, symbol: 'ORCL', timeframe: '1D', timezone: 'America/New_York'}])
export const min5Store = () => storeWith([{file: MIN5, symbol: 'IDX', timeframe: '5M', timezone: 'Europe/Berlin', timeLabel: 'close'}])

export function orclSpec(over: Record<string, unknown> = {}): BotSpec {
  return toBotSpec({
    name: 'orcl-live',
    strategy: {name: 'sma-cross', params: {fast: 10, slow: 30, quantity: 10}},
    symbols: ['ORCL'],
    timeframe: '1D',
    market: 'NYSE',
    broker: {cash: 100000, commission: {percent: 0.1}},
    live: {feed: {type: 'replay', speed: 1, start: '2010-01-04'}},
    ...over,
  })
}

export function min5Spec(over: Record<string, unknown> = {}): BotSpec {
  return toBotSpec({
    name: 'idx-live',
    strategy: {name: 'sma-cross', params: {fast: 10, slow: 30, quantity: 1}},
    symbols: ['IDX'],
    timeframe: '5M',
    sleeptime: '5M',
    market: {timezone: 'Europe/Berlin', open: '09:00', close: '17:30'},
    broker: {cash: 100000},
    live: {feed: {type: 'replay', speed: 1}},
    ...over,
  })
}

export interface Recorded {
  fills: Fill[]
  orders: Order[]
  bars: LiveBar[]
  checkpoints: BotState[]
  outcome: LiveBotOutcome
}

/** Everything a bot reported, as the service would record it. */
export function recorder(extra: LiveBotEvents = {}): {events: LiveBotEvents; rec: Omit<Recorded, 'outcome'>} {
  const rec = {fills: [] as Fill[], orders: [] as Order[], bars: [] as LiveBar[], checkpoints: [] as BotState[]}
  const events: LiveBotEvents = {
    ...extra,
    onFill: async (fill, order, state) => {
      rec.fills.push(fill)
      await extra.onFill?.(fill, order, state)
    },
    onOrder: (order) => {
      rec.orders.push({...('toJSON' in order ? (order as {toJSON(): Order}).toJSON() : order)})
    },
    onBar: (bar) => {
      rec.bars.push(bar)
    },
    onCheckpoint: async (state) => {
      rec.checkpoints.push(state)
      await extra.onCheckpoint?.(state)
    },
  }
  return {events, rec}
}

/** Replays a spec at max speed through a live bot until the feed ends (or `extra` stops it). */
export async function runLive(
  spec: BotSpec,
  definition: StrategyDefinition,
  db: string,
  o: {initialState?: BotState; events?: LiveBotEvents; end?: number} = {},
): Promise<Recorded> {
  const feed = createReplayFeed({...replayFeedOptions(spec, {db, speed: Infinity}), end: o.end})
  const {events, rec} = recorder(o.events)
  const bot = createLiveBot({botId: 7, spec, definition, feed, events, initialState: o.initialState})
  await bot.start()
  const outcome = await bot.done
  return {...rec, outcome}
}

/** The same spec through the backtester, on the same bars of the same store. */
export async function runBacktestFromStore(spec: BotSpec, definition: StrategyDefinition, db: string, end?: number) {
  const start = replayFeedOptions(spec, {db}).start
  const bars = await withStore({path: db, readOnly: true}, (store) =>
    Promise.all(spec.symbols.map((symbol) => loadBars(store, {symbol, timeframe: spec.timeframeMs, start, end}))))
  const result = await runBacktest({spec, bars, definition, params: spec.strategy.params, calendar: createCalendar(spec.market)})
  return {bars, result}
}

/** Fills as plain comparable rows. */
export const fillRows = (fills: readonly Fill[]) => fills.map((f) => ({...f}))
