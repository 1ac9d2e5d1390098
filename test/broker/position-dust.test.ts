/**
 * Fractional sizes that do not net to exactly zero in doubles (0.1 + 0.2 ≠ 0.3): the position is
 * flat, the round trip is a trade, and a long-only account's closing sell is not a "short". Before,
 * 5.6e-17 units stayed open forever and no trade was recorded (found by an audit).
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'
import {closingUnits, netPosition} from '../../src/broker/position-dust.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {StrategyContext} from '../../src/model/strategy.js'
import {brokerSpec, strategyOf} from '../engine/engine-fixtures.js'
import {MINUTE, candles, type Row} from './candles.js'

const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`)

/** `script[i]` runs in the iteration that sees bar i; `positions` has ctx.position() at each bar. */
async function run(rows: Row[], script: Record<number, (ctx: StrategyContext) => void>, allowShort = false) {
  const positions: number[] = []
  const events: string[] = []
  const definition = strategyOf('script', () => ({
    onTradingIteration(ctx) {
      positions.push(ctx.position())
      script[ctx.barCount() - 1]?.(ctx)
    },
    onCanceledOrder(_ctx, order) {
      events.push(`${order.status}: ${order.reason}`)
    },
  }))
  const spec = {symbols: ['X'], timeframeMs: MINUTE, sleeptimeMs: MINUTE, broker: brokerSpec({cash: 1000, allowShort})}
  const r = await runBacktest({spec, bars: [candles(rows)], definition, calendar: createCalendar('24/7'), runner: 'backtest'})
  return {...r, endPositions: r.positions, positions, events}
}

const flat: Row[] = [[100, 100, 100, 100], [100, 100, 100, 100], [100, 100, 100, 100], [95, 95, 95, 95], [95, 95, 95, 95], [95, 95, 95, 95]]

describe('fractional positions that net to dust', () => {
  it('0.1 and 0.2 bought, 0.3 sold: flat, one trade with its P&L, and the strategy sees 0', async () => {
    assert.notEqual(0.1 + 0.2 - 0.3, 0, 'the doubles leave dust (else this test tests nothing)')
    const r = await run(flat, {0: (ctx) => ctx.buy(0.1), 1: (ctx) => ctx.buy(0.2), 2: (ctx) => ctx.sell(0.3)})
    assert.equal(r.trades.length, 1)
    near(r.trades[0].quantity, 0.3, 'trade quantity')
    near(r.trades[0].netPnl, -1.5, 'net P&L (95 − 100) × 0.3')
    assert.deepEqual(r.positions.slice(4), [0, 0], 'position() after the sell')
    assert.deepEqual(r.endPositions, [], 'no position open at the end')
  })

  it('0.3 bought, 0.1 and 0.2 sold by a long-only account: the last sell closes (not a rejected short)', async () => {
    const r = await run(flat, {0: (ctx) => ctx.buy(0.3), 1: (ctx) => ctx.sell(0.1), 2: (ctx) => ctx.sell(0.2)})
    assert.deepEqual(r.events, [], 'no order rejected')
    assert.equal(r.trades.length, 1)
    near(r.trades[0].netPnl, -1, '(95 − 100) × 0.2 on the second sell; the first sold at 100')
    assert.equal(r.positions.at(-1), 0)
    assert.equal(r.trades.filter((t) => t.quantity < 1e-9).length, 0, 'no dust trade opened')
  })

  it('a real reversal and a real partial close are unchanged', () => {
    assert.equal(netPosition(1, -3), -2)
    assert.equal(closingUnits(1, -3, -2), 1)
    assert.equal(netPosition(3, -1), 2)
    assert.equal(closingUnits(3, -1, 2), 1)
    assert.equal(netPosition(0.1 + 0.2, -0.3), 0)
    assert.equal(closingUnits(0.1 + 0.2, -0.3, 0), 0.1 + 0.2)
    assert.equal(netPosition(0.3, 0.1), 0.4)
    assert.equal(closingUnits(0.3, 0.1, 0.4), 0)
  })
})
