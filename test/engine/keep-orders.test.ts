/**
 * `keepOrders: false` (what `bots backtest` asks for unless --json lists the orders): the run keeps
 * no order objects but counts them as they leave the book. Whatever the strategy does (every order
 * type, day orders on a session calendar, cancels, replacements, OCO pairs, brackets, orders
 * refused at once or rejected at fill time), the counts must be those of the orders a full run
 * keeps, and everything else in the result the same.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import fc from 'fast-check'
import {barsFromRows} from '../../src/core/bars.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {StrategyContext} from '../../src/model/strategy.js'
import {brokerSpec, strategyOf} from './engine-fixtures.js'
import {ListCalendar} from './list-calendar.js'

const MIN = 60_000
const T0 = Date.UTC(2024, 0, 1, 9)

/** One action per iteration, chosen by `pick` (0–9), sized by `size`, priced off the last close. */
function act(ctx: StrategyContext, pick: number, size: number): void {
  const c = ctx.close()
  const side = size % 2 ? 'buy' : 'sell'
  const open = ctx.openOrders()
  switch (pick) {
    case 0: ctx.submitOrder({side, quantity: size}); break
    case 1: ctx.submitOrder({side, quantity: size, type: 'limit', limitPrice: c * (side === 'buy' ? 0.99 : 1.01), timeInForce: 'day'}); break
    case 2: ctx.submitOrder({side, quantity: size, type: 'stop', stopPrice: c * (side === 'buy' ? 1.01 : 0.99)}); break
    case 3: ctx.submitOrder({side, quantity: size, type: 'stop_limit', stopPrice: c, limitPrice: c * 1.005, timeInForce: size % 3 ? 'day' : 'gtc'}); break
    case 4: if (open.length) ctx.cancelOrder(open[size % open.length].id); break
    case 5: ctx.submitOrder({side: 'buy', quantity: 1e9}); break // rejected at fill time: not enough cash
    case 6: ctx.submitOrder({side, quantity: -size}); break // refused at once
    case 7: ctx.submitOco({side: 'sell', quantity: size, type: 'limit', limitPrice: c * 1.01}, {side: 'sell', quantity: size, type: 'stop', stopPrice: c * 0.99}); break
    case 8: ctx.submitBracket({side: 'buy', quantity: size}, {stopLoss: c * 0.98, takeProfit: c * 1.02}); break
    case 9: if (open.length) ctx.replaceOrder(open[0].id, {quantity: size + 1}); break
  }
}

test('keepOrders: false counts every order as a kept run does, and changes nothing else', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.double({min: -0.02, max: 0.02, noNaN: true}), {minLength: 5, maxLength: 120}),
      fc.array(fc.tuple(fc.integer({min: 0, max: 9}), fc.integer({min: 1, max: 5})), {minLength: 1, maxLength: 120}),
      fc.boolean(),
      async (moves, actions, allowShort) => {
        let p = 100
        const rows = moves.map((m, i) => {
          const open = p
          p = Math.max(1, p * (1 + m))
          return {time: T0 + i * 30 * MIN, open, close: p, high: Math.max(open, p) * 1.006, low: Math.min(open, p) * 0.994}
        })
        const bars = barsFromRows('X', 30 * MIN, rows)
        // Sessions of four bars with gaps: day orders expire at each close.
        const sessions = Array.from({length: Math.ceil(rows.length / 4) + 1}, (_, k) => ({open: T0 + k * 4 * 30 * MIN, close: T0 + k * 4 * 30 * MIN + 3.5 * 30 * MIN}))
        const run = (keepOrders: boolean) => {
          let n = 0
          const definition = strategyOf('random-orders', () => ({
            onTradingIteration(ctx) {
              const [pick, size] = actions[n++ % actions.length]
              act(ctx, pick, size)
            },
          }))
          return runBacktest({spec: {symbols: ['X'], timeframeMs: 30 * MIN, sleeptimeMs: 30 * MIN, broker: brokerSpec({cash: 10_000, allowShort})}, bars, definition, calendar: new ListCalendar(sessions), keepOrders})
        }
        const kept = await run(true)
        const counted = await run(false)
        const statuses = kept.orders.map((o) => o.status)
        assert.equal(kept.counts.orders, kept.orders.length)
        assert.equal(kept.counts.canceled, statuses.filter((s) => s === 'canceled').length)
        assert.equal(kept.counts.rejected, statuses.filter((s) => s === 'rejected').length)
        assert.deepEqual(counted.orders, [])
        assert.deepEqual(counted.counts, kept.counts)
        const {orders: _a, ...restKept} = kept
        const {orders: _b, ...restCounted} = counted
        assert.deepEqual(JSON.parse(JSON.stringify(restCounted)), JSON.parse(JSON.stringify(restKept)))
      },
    ),
    {numRuns: 300},
  )
})
