/**
 * Whatever the calendar, bars, sleeptime and strategy: every run ends, iteration times strictly
 * increase, the clock never goes back, and iterations never exceed bars plus sessions.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import fc from 'fast-check'
import {barsFromRows} from '../../src/core/bars.js'
import {isBotsError} from '../../src/core/errors.js'
import {createCalendar} from '../../src/calendar/index.js'
import type {MarketCalendar, Session} from '../../src/calendar/calendar.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {StrategyContext, StrategyHooks} from '../../src/model/strategy.js'
import {brokerSpec, strategyOf} from './engine-fixtures.js'
import {ListCalendar} from './list-calendar.js'

const MIN = 60_000
const T0 = Date.UTC(2024, 0, 1, 8)

const barsArb = fc.record({
  tf: fc.constantFrom(1, 5, 60),
  // minutes to the next bar, in timeframes (1 = contiguous); empty and single-bar series included
  steps: fc.array(fc.oneof(fc.constant(1), fc.integer({min: 1, max: 400})), {maxLength: 40}),
  prices: fc.array(fc.float({min: 1, max: 100, noNaN: true}), {minLength: 4, maxLength: 4}),
})

const sessionsArb = fc.array(fc.record({gap: fc.integer({min: 0, max: 600}), length: fc.integer({min: 1, max: 600})}), {maxLength: 15})

type Behaviour =
  | {kind: 'plain'}
  | {kind: 'throws'; at: number}
  | {kind: 'never-sleeps'}
  | {kind: 'negative-sleep'; ms: number}
  | {kind: 'floods-orders'; count: number}

const behaviourArb: fc.Arbitrary<Behaviour> = fc.oneof(
  fc.constant({kind: 'plain' as const}),
  fc.record({kind: fc.constant('throws' as const), at: fc.integer({min: 1, max: 30})}),
  fc.constant({kind: 'never-sleeps' as const}),
  fc.record({kind: fc.constant('negative-sleep' as const), ms: fc.integer({min: -1e9, max: -1})}),
  fc.record({kind: fc.constant('floods-orders' as const), count: fc.integer({min: 1000, max: 3000})}),
)

function calendarOf(choice: 'always' | 'list', raw: {gap: number; length: number}[]): MarketCalendar {
  if (choice === 'always') return createCalendar('24/7')
  const list: Session[] = []
  let t = T0 - 120 * MIN
  for (const s of raw) {
    const open = t + s.gap * MIN
    list.push({open, close: open + s.length * MIN})
    t = open + s.length * MIN
  }
  return new ListCalendar(list)
}

function hooksFor(b: Behaviour, trace: {iterations: number[]; clock: number[]}): StrategyHooks {
  let n = 0
  const seen = (ctx: StrategyContext) => trace.clock.push(ctx.now)
  return {
    beforeMarketOpens: seen,
    beforeStartingTrading: seen,
    beforeMarketCloses: seen,
    afterMarketCloses: seen,
    onFilledOrder: seen,
    onCanceledOrder: seen,
    onTradingIteration(ctx) {
      seen(ctx)
      trace.iterations.push(ctx.now)
      n++
      if (b.kind === 'throws' && n === b.at) throw new Error('strategy bug')
      if (b.kind === 'never-sleeps') ctx.setSleeptime(0)
      if (b.kind === 'negative-sleep') ctx.setSleeptime(b.ms)
      if (b.kind === 'floods-orders' && n <= 2) {
        const c = ctx.close()
        for (let i = 0; i < b.count; i++) {
          const type = (['market', 'limit', 'stop', 'stop_limit'] as const)[i % 4]
          const o = ctx.submitOrder({side: i % 3 ? 'buy' : 'sell', quantity: 1 + (i % 5), type, limitPrice: c * (0.9 + (i % 7) / 30), stopPrice: c * (0.95 + (i % 5) / 40), timeInForce: i % 2 ? 'day' : 'gtc'})
          if (i % 10 === 0) ctx.cancelOrder(o.id)
        }
      }
    },
  }
}

test('every run ends; iterations strictly later each time; at most bars + sessions of them', async () => {
  await fc.assert(
    fc.asyncProperty(
      barsArb,
      fc.constantFrom('always' as const, 'list' as const),
      sessionsArb,
      fc.constantFrom(0, 1, 5, 7, 60, 1e7).map((m) => m * MIN),
      behaviourArb,
      fc.constantFrom('backtest' as const, 'daily' as const),
      async (data, calendarChoice, rawSessions, sleeptimeMs, behaviour, runner) => {
        const tf = data.tf * MIN
        let t = T0
        const rows = data.steps.map((step, i) => {
          t += i === 0 ? 0 : step * tf
          const [a, b, c, d] = data.prices.map((p) => p * (1 + i / 100))
          return {time: t, open: a, close: b, high: Math.max(a, b) + c / 10, low: Math.max(0.01, Math.min(a, b) - d / 10)}
        })
        const bars = barsFromRows('X', tf, rows)
        const calendar = calendarOf(calendarChoice, rawSessions)
        const trace = {iterations: [] as number[], clock: [] as number[]}
        const definition = strategyOf('prop', () => hooksFor(behaviour, trace))
        const spec = {symbols: ['X'], timeframeMs: tf, sleeptimeMs, broker: brokerSpec({cash: 1e9})}

        let crashed = false
        try {
          const r = await runBacktest({spec, bars, definition, calendar, runner})
          assert.equal(r.counts.iterations, trace.iterations.length)
          assert.equal(r.equity.value.length, bars.length)
          assert.ok([...r.equity.value].every(Number.isFinite))
        } catch (error) {
          assert.ok(isBotsError(error) && error.diagnostic.code === 'strategy.crash', String(error))
          crashed = true
        }
        assert.equal(crashed, behaviour.kind === 'throws' && trace.iterations.length >= behaviour.at)

        for (let i = 1; i < trace.iterations.length; i++) assert.ok(trace.iterations[i] > trace.iterations[i - 1], 'iteration times strictly increase')
        for (let i = 1; i < trace.clock.length; i++) assert.ok(trace.clock[i] >= trace.clock[i - 1], 'the clock never goes back')
        const end = rows.length ? rows[rows.length - 1].time + tf : T0
        const sessions = calendar.alwaysOpen ? 0 : calendar.sessions(T0, end).length
        assert.ok(trace.iterations.length <= bars.length + sessions, `${trace.iterations.length} iterations for ${bars.length} bars and ${sessions} sessions`)
        if (trace.iterations.length) assert.ok(trace.iterations[trace.iterations.length - 1] <= end)
      },
    ),
    {numRuns: 500},
  )
})
