/**
 * When a live bot's hooks run. On a replay (feed clock) the trace of every hook — its name, the
 * clock and the bars seen — is the backtest's, for daily and intraday bars, 24/7 and sessions,
 * any sleeptime. On a wall clock, timers fire market events on time and iterations wait for bars.
 */
import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import {test} from 'node:test'
import {fileURLToPath} from 'node:url'
import {createCalendar} from '../../src/calendar/index.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {BotSpec} from '../../src/model/bot-spec.js'
import type {StrategyContext, StrategyHooks} from '../../src/model/strategy.js'
import {createLiveBot} from '../../src/live/live-bot.js'
import {min5Spec, min5Store, orclSpec, orclStore, runBacktestFromStore, runLive} from './live-fixtures.js'
import {ManualClock, ManualFeed} from './manual-feed.js'
import {strategyOf} from '../engine/engine-fixtures.js'

const HOOKS = ['initialize', 'beforeMarketOpens', 'beforeStartingTrading', 'onTradingIteration', 'beforeMarketCloses', 'afterMarketCloses', 'onStop'] as const
type Row = [string, number, number]

/** A strategy that records every hook and trades a little (so fills interleave with hooks). */
function tracer(trace: Row[], sleeptime?: number) {
  return strategyOf('tracer', () => {
    const hooks: StrategyHooks = {}
    for (const name of HOOKS) {
      hooks[name] = (ctx: StrategyContext) => {
        trace.push([name, ctx.now, ctx.barCount()])
        if (name === 'initialize' && sleeptime !== undefined) ctx.setSleeptime(sleeptime)
        if (name === 'onTradingIteration' && ctx.barCount() % 7 === 0) ctx.position() > 0 ? ctx.closePosition() : ctx.buy(1)
      }
    }
    hooks.onFilledOrder = (ctx, order) => void trace.push([`filled#${order.id}`, ctx.now, ctx.barCount()])
    return hooks
  })
}

async function traces(spec: BotSpec, db: string, sleeptime?: number) {
  const live: Row[] = []
  const back: Row[] = []
  await runLive(spec, tracer(live, sleeptime), db)
  await runBacktestFromStore(spec, tracer(back, sleeptime), db)
  return {live, back}
}

test('5-minute bars on a market with sessions: the live hook trace is the backtest trace, for several sleeptimes', async () => {
  const db = await min5Store()
  for (const sleeptime of ['5M', '15M', '1H', '4H']) {
    const {live, back} = await traces(min5Spec({sleeptime}), db)
    assert.ok(back.length > 100)
    assert.deepEqual(live, back, `sleeptime ${sleeptime}`)
  }
  const {live, back} = await traces(min5Spec(), db, 0) // setSleeptime(0): at every bar
  assert.deepEqual(live, back, 'sleeptime 0')
})

test('the same bars on a 24/7 market (no session hooks, gaps skipped) and daily NYSE bars: same traces', async () => {
  const db = await min5Store()
  for (const sleeptime of ['5M', '20M']) {
    const {live, back} = await traces(min5Spec({market: '24/7', sleeptime}), db)
    assert.deepEqual(live, back, `24/7 ${sleeptime}`)
    assert.ok(!live.some(([h]) => h === 'beforeMarketOpens'))
  }
  const orcl = await orclStore()
  for (const sleeptime of ['1D', '3D']) {
    const {live, back} = await traces(orclSpec({sleeptime}), orcl)
    assert.deepEqual(live, back, `daily ${sleeptime}`)
  }
})

test('one session, sleeptime 15M: open hooks at 09:00, iterations 15 minutes apart on new bars, pre-close at 17:25, close at 17:30', async () => {
  const db = await min5Store()
  const trace: Row[] = []
  await runLive(min5Spec({sleeptime: '15M'}), tracer(trace), db)
  const day = (name: string) => trace.filter(([h, t]) => h === name && new Date(t).toISOString().startsWith('2006-01-03'))
  const utc = (hhmm: string) => Date.parse(`2006-01-03T${hhmm}:00Z`) // Berlin is UTC+1 in January
  assert.deepEqual(day('beforeMarketOpens').map((r) => r[1]), [utc('08:00')])
  assert.deepEqual(day('beforeMarketCloses').map((r) => r[1]), [utc('16:25')])
  assert.deepEqual(day('afterMarketCloses').map((r) => r[1]), [utc('16:30')])
  const its = day('onTradingIteration')
  assert.equal(its[0][1], utc('08:05')) // the session's first bar closes
  for (let i = 1; i < its.length; i++) {
    assert.equal(its[i][1] - its[i - 1][1], 15 * 60_000)
    assert.ok(its[i][2] > its[i - 1][2], 'an iteration without a new bar')
  }
  assert.equal(its[its.length - 1][1], utc('16:20'))
  // In time order throughout, and never more iterations than bars.
  for (let i = 1; i < trace.length; i++) assert.ok(trace[i][1] >= trace[i - 1][1])
  assert.ok(trace.filter(([h]) => h === 'onTradingIteration').length <= 2142)
})

test('wall clock: timers run the open hooks before any bar, iterations wait for a new bar, pre-close and close on time', async () => {
  const spec = min5Spec({sleeptime: '15M'})
  const t0 = Date.parse('2006-01-03T07:00:00Z') // 08:00 Berlin, an hour before the open
  const clock = new ManualClock(t0)
  const feed = new ManualFeed(clock)
  const trace: Row[] = []
  const bot = createLiveBot({botId: 1, spec, definition: tracer(trace), feed, clock})
  await bot.start()
  const flush = () => new Promise<void>((r) => setImmediate(r))
  const at = (hhmm: string) => Date.parse(`2006-01-03T${hhmm}:00Z`)
  assert.deepEqual(trace.map((r) => r[0]), ['initialize'])
  assert.equal(clock.next, at('08:00'))
  await clock.runUntil(at('08:04'), flush)
  assert.deepEqual(trace.slice(1).map((r) => [r[0], r[1]]), [['beforeMarketOpens', at('08:00')], ['beforeStartingTrading', at('08:00')]])
  // Bars arrive a moment after they close; each iteration needs one the strategy has not seen.
  const bar = (hhmm: string, price: number) => ({time: at(hhmm), close: at(hhmm) + 300_000, bars: [{open: price, high: price, low: price, close: price, volume: 0}]})
  clock.t = at('08:05') + 200
  await feed.push(bar('08:00', 100))
  assert.deepEqual(trace[3].slice(0, 1), ['onTradingIteration'])
  assert.equal(trace[3][2], 1)
  await clock.runUntil(at('08:30'), flush) // no bars since: the wake at 08:20 finds nothing new
  assert.equal(trace.filter(([h]) => h === 'onTradingIteration').length, 1)
  clock.t = at('08:35') + 100
  await feed.push(bar('08:05', 101))
  assert.equal(trace.filter(([h]) => h === 'onTradingIteration').length, 2)
  await clock.runUntil(at('16:40'), flush)
  assert.deepEqual(trace.slice(-2).map((r) => [r[0], r[1]]), [['beforeMarketCloses', at('16:25')], ['afterMarketCloses', at('16:30')]])
  assert.equal(clock.next, Date.parse('2006-01-04T08:00:00Z'))
  await bot.stop()
  assert.equal(trace[trace.length - 1][0], 'onStop')
})

test('nothing in src/live reads the system clock except through a Clock', () => {
  const dir = fileURLToPath(new URL('../../src/live/', import.meta.url))
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
    const src = readFileSync(dir + f, 'utf8')
    assert.doesNotMatch(src, /Date\.now\(|new Date\(|performance\.now\(/, f)
  }
})
