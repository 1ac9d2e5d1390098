/**
 * `fill_price: close` and a session's opening hooks: an order placed in `beforeMarketOpens` or
 * `beforeStartingTrading` (or in the fill callbacks they cause) has seen no bar of the session,
 * and the latest close is the last session's, a night old. It fills at the session's first open,
 * not at that stale close (found by an audit: it filled at the day before's close). An order
 * placed in an iteration or after the close still fills at the close it saw. Daily and intraday
 * runners on NYSE.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {barsFromRows} from '../../src/core/bars.js'
import {createCalendar} from '../../src/calendar/index.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {LifecycleHook, StrategyContext} from '../../src/model/strategy.js'
import {brokerSpec, strategyOf} from '../engine/engine-fixtures.js'

const D = 86_400_000
const M5 = 300_000
const nyse = createCalendar('NYSE')
// New York midnights of Mon 8 .. Thu 11 January 2024 (EST, UTC-5).
const days = [8, 9, 10, 11].map((d) => Date.UTC(2024, 0, d, 5))
// Each bar: open = 10 × day + 1, close = 10 × day + 9 (day 1..4): a fill's price names its bar and side.
const daily = barsFromRows('X', D, days.map((time, k) => ({time, open: 10 * (k + 1) + 1, high: 10 * (k + 1) + 9, low: 10 * (k + 1), close: 10 * (k + 1) + 9})))

type Place = Partial<Record<LifecycleHook, (ctx: StrategyContext, day: number) => void>>

async function run(bars: typeof daily, tf: number, place: Place, runner: 'daily' | 'backtest') {
  let day = 0
  const hooks: Record<string, (ctx: StrategyContext) => void> = {}
  for (const [name, fn] of Object.entries(place)) hooks[name] = (ctx) => fn!(ctx, day)
  const definition = strategyOf('script', () => ({
    ...hooks,
    afterMarketCloses(ctx: StrategyContext) {
      place.afterMarketCloses?.(ctx, day)
      day++
    },
  }))
  const spec = {symbols: ['X'], timeframeMs: tf, sleeptimeMs: tf, broker: brokerSpec({fillPrice: 'close'})}
  return runBacktest({spec, bars: [bars], definition, calendar: nyse, runner})
}

describe('fill_price: close and the opening hooks', () => {
  for (const hook of ['beforeMarketOpens', 'beforeStartingTrading'] as const) {
    it(`daily: a buy in ${hook} of day 2 fills at day 2's open, not day 1's close`, async () => {
      const r = await run(daily, D, {[hook]: (ctx: StrategyContext, day: number) => day === 1 && ctx.buy(1)}, 'daily')
      assert.deepEqual(r.fills.map((f) => [f.price, f.time]), [[21, days[1]]])
    })
  }

  it('daily: an order placed in an opening hook\'s cancel callback waits for the open; one placed in that fill\'s callback fills at the bar\'s close', async () => {
    let sold = false
    const definition = strategyOf('script', () => ({
      onTradingIteration(ctx: StrategyContext) {
        if (ctx.barCount() === 1) ctx.buy(1, {type: 'limit', limitPrice: 1})
      },
      beforeMarketOpens(ctx: StrategyContext) {
        if (ctx.barCount() === 1) for (const o of ctx.openOrders()) ctx.cancelOrder(o.id)
      },
      onCanceledOrder(ctx: StrategyContext) {
        ctx.buy(2)
      },
      onFilledOrder(ctx: StrategyContext) {
        if (!sold) {
          sold = true
          ctx.sell(1)
        }
      },
    }))
    const spec = {symbols: ['X'], timeframeMs: D, sleeptimeMs: D, broker: brokerSpec({fillPrice: 'close'})}
    const r = await runBacktest({spec, bars: [daily], definition, calendar: nyse, runner: 'daily'})
    // The buy at day 2's open (placed before any bar of day 2); the sell, placed when that fill
    // was delivered after day 2's bar, at day 2's close.
    assert.deepEqual(r.fills.map((f) => [f.side, f.price]), [['buy', 21], ['sell', 29]])
  })

  it('daily: orders placed in an iteration and after the close still fill at the close they saw', async () => {
    const r = await run(daily, D, {
      onTradingIteration: (ctx, day) => day === 0 && ctx.buy(1),
      afterMarketCloses: (ctx, day) => day === 1 && ctx.sell(1),
    }, 'daily')
    assert.deepEqual(r.fills.map((f) => [f.side, f.price]), [['buy', 19], ['sell', 29]])
  })

  it('intraday: a buy in beforeMarketOpens fills at the session\'s first open, not the last session\'s close', async () => {
    // Two sessions of 5-minute bars (09:30-15:55 New York): bar k of session s opens at 100 s + k / 100.
    const rows = []
    for (const [s, day] of [8, 9].entries()) {
      const open = Date.UTC(2024, 0, day, 14, 30)
      for (let k = 0; k < 78; k++) {
        const o = 100 * (s + 1) + k / 100
        rows.push({time: open + k * M5, open: o, high: o + 0.5, low: o - 0.5, close: o + 0.25})
      }
    }
    const bars = barsFromRows('X', M5, rows)
    const r = await run(bars, M5, {beforeMarketOpens: (ctx, day) => day === 1 && ctx.buy(1)}, 'backtest')
    assert.deepEqual(r.fills.map((f) => [f.price, f.time]), [[200, Date.UTC(2024, 0, 9, 14, 30)]])
  })
})
