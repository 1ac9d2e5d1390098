/** Hook order and timing of each runner, iteration scheduling, forced progression. */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {barsFromRows} from '../../src/core/bars.js'
import {createCalendar} from '../../src/calendar/index.js'
import type {MarketCalendar} from '../../src/calendar/calendar.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {StrategyContext, StrategyHooks} from '../../src/model/strategy.js'
import {brokerSpec, strategyOf} from './engine-fixtures.js'

const MIN = 60_000
const DAY0 = Date.UTC(2024, 0, 1) // Monday
const hhmm = (t: number) => {
  const m = Math.round((t - DAY0) / MIN)
  return `d${Math.floor(m / 1440)} ${String(Math.floor((m % 1440) / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
}

/** Bars of `tf` minutes at the given minutes after DAY0 (flat prices). */
function barsAt(minutes: number[], tf: number) {
  return barsFromRows('X', tf * MIN, minutes.map((m) => ({time: DAY0 + m * MIN, open: 10, high: 10, low: 10, close: 10})))
}

async function record(o: {minutes: number[]; tf: number; sleep?: number; calendar: MarketCalendar; runner?: 'daily' | 'backtest'; extra?: StrategyHooks}) {
  const log: string[] = []
  const note = (hook: string) => (ctx: StrategyContext) => log.push(`${hook} ${hhmm(ctx.now)} n=${ctx.barCount()}`)
  const hooks = ['initialize', 'beforeMarketOpens', 'beforeStartingTrading', 'onTradingIteration', 'beforeMarketCloses', 'afterMarketCloses', 'onStop'] as const
  const definition = strategyOf('recorder', () => {
    const h: StrategyHooks = {}
    for (const name of hooks) h[name] = (ctx: StrategyContext) => {
      note(name === 'onTradingIteration' ? 'iter' : name)(ctx)
      o.extra?.[name]?.(ctx)
    }
    return h
  })
  const result = await runBacktest({
    spec: {symbols: ['X'], timeframeMs: o.tf * MIN, sleeptimeMs: (o.sleep ?? o.tf) * MIN, broker: brokerSpec()},
    bars: barsAt(o.minutes, o.tf),
    definition,
    calendar: o.calendar,
    runner: o.runner,
  })
  return {log, result}
}

const sessions9to11 = createCalendar({timezone: 'UTC', open: '09:00', close: '11:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'], holidays: []})
const twoSessions = [540, 570, 600, 630, 1440 + 540, 1440 + 570, 1440 + 600, 1440 + 630]

test('Backtest runner, exchange sessions: open hooks, an iteration per bar close, beforeMarketCloses one bar before the close', async () => {
  const {log} = await record({minutes: twoSessions, tf: 30, calendar: sessions9to11})
  assert.deepEqual(log, [
    'initialize d0 09:00 n=0',
    'beforeMarketOpens d0 09:00 n=0',
    'beforeStartingTrading d0 09:00 n=0',
    'iter d0 09:30 n=1',
    'iter d0 10:00 n=2',
    'iter d0 10:30 n=3',
    'beforeMarketCloses d0 10:30 n=3',
    'iter d0 11:00 n=4',
    'afterMarketCloses d0 11:00 n=4',
    'beforeMarketOpens d1 09:00 n=4',
    'beforeStartingTrading d1 09:00 n=4',
    'iter d1 09:30 n=5',
    'iter d1 10:00 n=6',
    'iter d1 10:30 n=7',
    'beforeMarketCloses d1 10:30 n=7',
    'iter d1 11:00 n=8',
    'afterMarketCloses d1 11:00 n=8',
    'onStop d1 11:00 n=8',
  ])
})

test('sleeptime longer than the bars: iterations every sleeptime from the first bar close, never past the close', async () => {
  const {log} = await record({minutes: twoSessions, tf: 30, sleep: 60, calendar: sessions9to11})
  assert.deepEqual(log.filter((l) => !l.startsWith('before') && !l.startsWith('after')), [
    'initialize d0 09:00 n=0',
    'iter d0 09:30 n=1',
    'iter d0 10:30 n=3',
    'iter d1 09:30 n=5',
    'iter d1 10:30 n=7',
    'onStop d1 11:00 n=8',
  ])
  assert.ok(log.includes('beforeMarketCloses d0 10:30 n=3'))
})

test('a session without bars still opens and closes, with no iteration', async () => {
  // Tuesday has no bars (a data gap on a trading day)
  const {log} = await record({minutes: [540, 570, 2 * 1440 + 540], tf: 30, calendar: sessions9to11})
  const tuesday = log.filter((l) => l.includes(' d1 '))
  assert.deepEqual(tuesday, ['beforeMarketOpens d1 09:00 n=2', 'beforeStartingTrading d1 09:00 n=2', 'beforeMarketCloses d1 10:30 n=2', 'afterMarketCloses d1 11:00 n=2'])
})

test('24/7: no open/close hooks, one iteration per bar close; overnight gaps are skipped, not iterated', async () => {
  const {log, result} = await record({minutes: [0, 5, 10, 600], tf: 5, calendar: createCalendar('24/7')})
  assert.deepEqual(log, ['initialize d0 00:00 n=0', 'iter d0 00:05 n=1', 'iter d0 00:10 n=2', 'iter d0 00:15 n=3', 'iter d0 10:05 n=4', 'onStop d0 10:05 n=4'])
  assert.equal(result.counts.iterations, 4)
})

test('Daily runner with sessions: open hooks at the bar open, the iteration at its close, then the close hooks', async () => {
  const {log} = await record({minutes: [0, 1440], tf: 1440, calendar: createCalendar('NYSE'), runner: 'daily'})
  assert.deepEqual(log, [
    'initialize d0 00:00 n=0',
    'beforeMarketOpens d0 00:00 n=0',
    'beforeStartingTrading d0 00:00 n=0',
    'iter d1 00:00 n=1',
    'beforeMarketCloses d1 00:00 n=1',
    'afterMarketCloses d1 00:00 n=1',
    'beforeMarketOpens d1 00:00 n=1',
    'beforeStartingTrading d1 00:00 n=1',
    'iter d2 00:00 n=2',
    'beforeMarketCloses d2 00:00 n=2',
    'afterMarketCloses d2 00:00 n=2',
    'onStop d2 00:00 n=2',
  ])
})

test('sleep that does not move the clock (0, negative, NaN) is forced forward to the next bar close', async () => {
  for (const sleep of [0, -5 * MIN, Number.NaN]) {
    const {log} = await record({
      minutes: [0, 5, 10],
      tf: 5,
      calendar: createCalendar('24/7'),
      extra: {onTradingIteration: (ctx) => ctx.setSleeptime(sleep)},
    })
    assert.deepEqual(log.filter((l) => l.startsWith('iter')), ['iter d0 00:05 n=1', 'iter d0 00:10 n=2', 'iter d0 00:15 n=3'], `sleep ${sleep}`)
  }
})

test('a sleep longer than the data ends the iterations (24/7) or the session\'s (sessions)', async () => {
  const always = await record({minutes: [0, 5, 10], tf: 5, sleep: 10_000, calendar: createCalendar('24/7')})
  assert.deepEqual(always.log.filter((l) => l.startsWith('iter')), ['iter d0 00:05 n=1'])
  assert.equal(always.result.equity.value.length, 3, 'every bar is still processed')
  const sessions = await record({minutes: twoSessions, tf: 30, calendar: sessions9to11, extra: {onTradingIteration: (ctx) => ctx.setSleeptime(Infinity)}})
  assert.deepEqual(sessions.log.filter((l) => l.startsWith('iter')), ['iter d0 09:30 n=1', 'iter d1 09:30 n=5'])
})

test('setSleeptime takes duration strings; a bad one crashes the run with the duration error', async () => {
  const {log} = await record({minutes: [0, 5, 10, 15, 20], tf: 5, calendar: createCalendar('24/7'), extra: {onTradingIteration: (ctx) => ctx.setSleeptime('10M')}})
  assert.deepEqual(log.filter((l) => l.startsWith('iter')), ['iter d0 00:05 n=1', 'iter d0 00:15 n=3', 'iter d0 00:25 n=5'])
  await assert.rejects(
    record({minutes: [0, 5], tf: 5, calendar: createCalendar('24/7'), extra: {onTradingIteration: (ctx) => ctx.setSleeptime('soon')}}),
    /crashed in onTradingIteration .*"soon" is not a duration/,
  )
})

test('sparse iterations: the broker still processes every bar, callbacks come at the filling bar\'s close', async () => {
  const rows = [10, 10, 10, 8, 10, 10].map((low, i) => ({time: DAY0 + i * 5 * MIN, open: 10, high: 10, low, close: 10}))
  const seen: string[] = []
  const definition = strategyOf('sparse', () => ({
    onTradingIteration(ctx) {
      seen.push(`iter ${hhmm(ctx.now)}`)
      if (ctx.barCount() === 1) ctx.buy(1, {type: 'limit', limitPrice: 9})
    },
    onFilledOrder(ctx, _order, fill) {
      seen.push(`filled ${hhmm(ctx.now)} bar ${hhmm(fill.time)} @ ${fill.price} n=${ctx.barCount()}`)
    },
  }))
  const r = await runBacktest({
    spec: {symbols: ['X'], timeframeMs: 5 * MIN, sleeptimeMs: 20 * MIN, broker: brokerSpec()},
    bars: barsFromRows('X', 5 * MIN, rows),
    definition,
    calendar: createCalendar('24/7'),
  })
  assert.deepEqual(seen, ['iter d0 00:05', 'filled d0 00:20 bar d0 00:15 @ 9 n=4', 'iter d0 00:25'])
  assert.equal(r.counts.iterations, 2)
})

test('onProgress reports rising bar counts and ends with (total, total)', async () => {
  const n = 25_000
  const calls: [number, number][] = []
  await runBacktest({
    spec: {symbols: ['X'], timeframeMs: MIN, sleeptimeMs: MIN, broker: brokerSpec()},
    bars: barsAt(Array.from({length: n}, (_, i) => i), 1),
    definition: strategyOf('idle', () => ({})),
    calendar: createCalendar('24/7'),
    onProgress: (done, total) => calls.push([done, total]),
  })
  assert.deepEqual(calls, [[10_000, n], [20_000, n], [n, n]])
})

test('between progress reports the run gives the event loop a turn: a Ctrl-C handler can stop an in-process run', async () => {
  const n = 45_000
  const calls: number[] = []
  let turnAt: number | undefined
  await runBacktest({
    spec: {symbols: ['X'], timeframeMs: MIN, sleeptimeMs: MIN, broker: brokerSpec()},
    bars: barsAt(Array.from({length: n}, (_, i) => i), 1),
    definition: strategyOf('idle', () => ({})),
    calendar: createCalendar('24/7'),
    onProgress: (done) => {
      calls.push(done)
      // As a signal's callback would: queued now, it must run before the run goes on.
      if (calls.length === 1) setImmediate(() => (turnAt = calls.at(-1)))
    },
  })
  assert.equal(turnAt, 10_000)
})
