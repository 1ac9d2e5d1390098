/**
 * Instruments in the broker (issue 15, item 5), each case computed by hand: futures-like symbols
 * (margin per contract, open P&L settled into cash at every close, value = cash + margin), the
 * margin check, a stock-like symbol with a multiplier, percent and per-contract commissions, tick
 * and lot rounding. Then two properties on random bars and orders: the account identity (value =
 * initial cash + realised + unrealised P&L − commissions, after every bar) for futures-like and
 * multiplied symbols, and a broker saved at any bar and restored continues identically.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {barsFromRows} from '../../src/core/bars.js'
import {SimulatedClock} from '../../src/core/clock.js'
import {createCalendar} from '../../src/calendar/index.js'
import {alignBars, type MarketView} from '../../src/engine/market-view.js'
import {SimulatedBroker} from '../../src/broker/simulated-broker.js'
import {decimals, Instruments} from '../../src/broker/instruments.js'
import type {BrokerSnapshot} from '../../src/broker/broker-snapshot.js'
import type {BrokerSpec, InstrumentSpec} from '../../src/model/bot-spec.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {StrategyContext} from '../../src/model/strategy.js'
import {brokerSpec, strategyOf} from '../engine/engine-fixtures.js'
import {MINUTE, candles, type Row} from './candles.js'

const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`)

/** The whole engine on candle rows; `script[i]` runs in the iteration that sees bar i. */
async function run(o: {rows: Row[]; broker: Partial<BrokerSpec> & {commission?: Partial<BrokerSpec['commission']>}; instruments: Record<string, InstrumentSpec>; script: Record<number, (ctx: StrategyContext) => void>}) {
  const bars = [candles(o.rows)]
  const events: string[] = []
  const definition = strategyOf('script', () => ({
    onTradingIteration(ctx) {
      o.script[ctx.barCount() - 1]?.(ctx)
    },
    onCanceledOrder(_ctx, order) {
      events.push(`${order.status}: ${order.reason}`)
    },
  }))
  const broker = {...brokerSpec(o.broker), instruments: o.instruments}
  const spec = {symbols: ['X'], timeframeMs: MINUTE, sleeptimeMs: MINUTE, broker}
  const r = await runBacktest({spec, bars, definition, calendar: createCalendar('24/7'), runner: 'backtest'})
  return {...r, events}
}

describe('futures-like instruments (margin)', () => {
  it('margin per contract, settlement at each close, adding, a partial close and a reversal, by hand', async () => {
    const seen: Array<[number, number]> = []
    const r = await run({
      rows: [[10, 10, 10, 10], [11, 12, 10.5, 11.5], [12, 12, 11, 11], [10, 10.5, 9, 9.5]],
      broker: {cash: 1000, commission: {perShare: 1}},
      instruments: {X: {multiplier: 10, margin: 100}},
      script: {
        0: (ctx) => ctx.buy(2),
        1: (ctx) => {
          seen.push([ctx.cash, ctx.portfolioValue])
          ctx.sell(1)
        },
        2: (ctx) => {
          seen.push([ctx.cash, ctx.portfolioValue])
          ctx.sell(3)
        },
        3: (ctx) => seen.push([ctx.cash, ctx.portfolioValue]),
      },
    })
    // Bar 1: buy 2 at 11: 1000 − 2 × 100 margin − 2 commission = 798; settled at 11.5: + 2 × 0.5 × 10 = 808; value 808 + 200.
    // Bar 2: sell 1 at 12: + 100 margin back + 1 × (12 − 11.5) × 10 − 1 = 912; the other settled at 11: − 5 = 907; value 907 + 100.
    // Bar 3: sell 3 at 10: closes 1 (+100, + (10 − 11) × 10, −1), opens 2 short (−200, −2) = 794; settled at 9.5: + 10 = 804; value 804 + 200.
    assert.deepEqual(seen.map(([c, v]) => [Number(c.toFixed(9)), Number(v.toFixed(9))]), [[808, 1008], [907, 1007], [804, 1004]])
    assert.deepEqual(r.fills.map((f) => [f.side, f.quantity, f.price, f.commission]), [['buy', 2, 11, 2], ['sell', 1, 12, 1], ['sell', 3, 10, 3]])
    // The long trade: +10 on the first contract, −10 on the second; commission 2 + 1 + 1 (a third of the reversing fill's).
    assert.equal(r.trades.length, 1)
    near(r.trades[0].grossPnl, 0, 'gross P&L')
    near(r.trades[0].commission, 4, 'commission')
    near(r.finalCash, 804, 'final cash')
    near(r.finalValue, 1004, 'final value')
    assert.deepEqual(r.positions.map((p) => [p.quantity, p.averagePrice, p.lastPrice]), [[-2, 10, 9.5]])
    near(r.positions[0].unrealizedPnl, 10, 'unrealised: (9.5 − 10) × −2 × 10')
    assert.deepEqual(Array.from(r.equity.value).map((v) => Number(v.toFixed(9))), [1000, 1008, 1007, 1004])
  })

  it('a fill that opens contracts needs the margin and commission in cash (shorts too); closing never does', async () => {
    const r = await run({
      rows: [[10, 10, 10, 10], [10, 10, 10, 10], [10, 10, 10, 10], [10, 10, 5, 5], [5, 5, 5, 5], [5, 5, 5, 5]],
      broker: {cash: 250, commission: {perShare: 1}},
      instruments: {X: {multiplier: 10, margin: 100}},
      script: {
        0: (ctx) => ctx.buy(3), // 300 + 3 > 250
        1: (ctx) => ctx.sell(3), // a short needs its margin as well
        2: (ctx) => ctx.buy(2), // 200 + 2 fits: cash 48
        // Bar 3 closes at 5: −2 × 5 × 10 settled, cash −52. Closing the position is still allowed.
        3: (ctx) => {
          near(ctx.cash, -52, 'cash after the loss is settled')
          ctx.closePosition()
        },
      },
    })
    assert.deepEqual(r.orders.map((o) => o.status), ['rejected', 'rejected', 'filled', 'filled'])
    assert.match(r.orders[0].reason!, /^insufficient margin: 3 contract\(s\) × margin 100 \+ commission 3\.00 leave -53\.00 in cash, has 250\.00$/)
    assert.match(r.orders[1].reason!, /^insufficient margin: 3 contract/)
    // 250 − 202 − 100 (settled) + 200 (margin back) − 2 = 146: the loss of 100 and 4 of commission.
    near(r.finalCash, 146, 'final cash')
    near(r.finalValue, 146, 'final value')
    near(r.trades[0].netPnl, -104, 'net P&L')
  })
})

describe('stock-like instruments with a multiplier', () => {
  it('the full notional (price × multiplier × qty) is paid; P&L, value and percent commissions follow it', async () => {
    const seen: number[] = []
    const r = await run({
      rows: [[10, 10, 10, 10], [11, 12, 10.5, 11.5], [12, 12, 12, 12]],
      broker: {cash: 1000, commission: {percent: 1}},
      instruments: {X: {multiplier: 10}},
      script: {0: (ctx) => ctx.buy(2), 1: (ctx) => {
        seen.push(ctx.cash, ctx.portfolioValue)
        ctx.closePosition()
      }},
    })
    // 2 × 11 × 10 = 220, commission 1% of it = 2.2: cash 777.8, value 777.8 + 2 × 11.5 × 10 = 1007.8.
    near(seen[0], 777.8, 'cash')
    near(seen[1], 1007.8, 'value')
    // Sold at 12: + 240 − 2.4.
    near(r.finalCash, 1015.4, 'final cash')
    near(r.trades[0].grossPnl, 20, 'gross P&L (12 − 11) × 2 × 10')
    near(r.trades[0].netPnl, 15.4, 'net P&L')
  })

  it('a buy the account cannot pay for is rejected, the message naming the multiplier', async () => {
    const r = await run({
      rows: [[10, 10, 10, 10], [10, 10, 10, 10]],
      broker: {cash: 1000},
      instruments: {X: {multiplier: 10}},
      script: {0: (ctx) => ctx.buy(11)},
    })
    assert.equal(r.orders[0].status, 'rejected')
    assert.equal(r.orders[0].reason, 'insufficient cash: needs 1100.00 (11 × 10 × multiplier 10 + commission 0.00), has 1000.00')
  })
})

describe('tick and lot size', () => {
  it('limit and stop prices round to the nearest tick, quantities down to the lot, when the order is placed', async () => {
    const r = await run({
      rows: [[10, 10, 10, 10], [10, 10, 10, 10], [10, 10, 10, 10]],
      broker: {cash: 1e6},
      instruments: {X: {tickSize: 0.25, lotSize: 5}},
      script: {
        0: (ctx) => {
          ctx.buy(7, {type: 'limit', limitPrice: 9.13})
          ctx.sell(12, {type: 'stop', stopPrice: 9.87})
          ctx.buy(10, {type: 'stop_limit', stopPrice: 10.374, limitPrice: 10.376})
          ctx.buy(4)
          ctx.buy(5)
        },
      },
    })
    assert.deepEqual(r.orders.map((o) => [o.quantity, o.limitPrice, o.stopPrice, o.status]), [
      [5, 9.25, undefined, 'open'],
      [10, undefined, 9.75, 'open'],
      [10, 10.5, 10.25, 'open'],
      [4, undefined, undefined, 'rejected'],
      [5, undefined, undefined, 'filled'],
    ])
    assert.equal(r.orders[3].reason, 'quantity 4 is less than one lot of X (lot_size 5)')
  })

  it('the rounding itself: binary fractions cleaned to the step\'s decimals, a quantity on the grid kept', () => {
    const ins = new Instruments(['A', 'B', 'C'], {A: {tickSize: 0.01, lotSize: 0.1}, B: {tickSize: 5, lotSize: 0.001}, C: {tickSize: 1e-8}})
    assert.equal(ins.roundPrice(0, 12.3456), 12.35)
    assert.equal(ins.roundPrice(0, 0.1 + 0.2), 0.3)
    assert.equal(ins.roundQuantity(0, 0.3), 0.3) // 0.3 / 0.1 = 2.9999999999999996
    assert.equal(ins.roundQuantity(0, 0.79), 0.7)
    assert.equal(ins.roundPrice(1, 1237.4), 1235)
    assert.equal(ins.roundPrice(1, 1237.5), 1240)
    assert.equal(ins.roundQuantity(1, 1.23456), 1.234)
    assert.equal(ins.roundPrice(2, 0.000012345678), 0.00001235)
    assert.equal(ins.roundPrice(0, NaN), NaN)
    // Halves as written go away from zero, whichever side of half their double lies on (1.005 is 1.00499… in binary).
    assert.deepEqual([1.005, 0.285, 12.345, 2.675, -1.005, 1.0049].map((p) => ins.roundPrice(0, p)), [1.01, 0.29, 12.35, 2.68, -1.01, 1])
    const nickel = new Instruments(['N'], {N: {tickSize: 0.05}})
    assert.deepEqual([1.025, 1.075, 1.074].map((p) => nickel.roundPrice(0, p)), [1.05, 1.1, 1.05])
    assert.deepEqual([0.25, 1e-8, 5, 0.1, 2.5e-7].map(decimals), [2, 8, 0, 1, 8])
  })
})

// ─── properties on random bars and orders, the broker driven directly ───

const caseArb = fc.record({
  moves: fc.array(fc.record({open: fc.integer({min: -300, max: 300}), close: fc.integer({min: -300, max: 300})}), {minLength: 2, maxLength: 40}),
  orders: fc.array(fc.integer({min: -4, max: 4}), {minLength: 40, maxLength: 40}),
  margin: fc.constantFrom(0, 50, 1000),
  multiplier: fc.constantFrom(1, 10, 0.5),
  commission: fc.record({perShare: fc.constantFrom(0, 2), percent: fc.constantFrom(0, 0.1), fixed: fc.constantFrom(0, 1), minimum: fc.constant(0)}),
  fillPrice: fc.constantFrom('next_open' as const, 'close' as const),
  cut: fc.integer({min: 0, max: 1000}).map((x) => x / 1000),
})
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never

function viewOf(c: Case): MarketView {
  let close = 100
  const rows = c.moves.map((m, i) => {
    const open = Math.round(close * (1 + m.open / 10_000) * 100) / 100
    const end = Math.round(open * (1 + m.close / 10_000) * 100) / 100
    close = end
    return {time: i * MINUTE, open, high: Math.max(open, end), low: Math.min(open, end), close: end}
  })
  return alignBars(['X'], [barsFromRows('X', MINUTE, rows)], MINUTE)
}

function brokerOf(c: Case, view: MarketView, clock: SimulatedClock, equity: Float64Array): SimulatedBroker {
  const spec: BrokerSpec = {...brokerSpec({cash: 100_000, commission: c.commission, fillPrice: c.fillPrice}),
    instruments: {X: {multiplier: c.multiplier, ...(c.margin > 0 ? {margin: c.margin} : {})}}}
  return new SimulatedBroker({broker: spec, market: view, clock, calendar: createCalendar('24/7'), equity})
}

/** Bar i as the runner shows it: match, mark, then the strategy's order (a signed quantity), then close fills. */
function step(b: SimulatedBroker, view: MarketView, clock: SimulatedClock, i: number, signed: number): void {
  clock.advanceTo(view.time[i])
  b.processBar(i)
  view.cursor = i
  b.markBar(i)
  clock.advanceTo(view.closeOf(i))
  if (signed !== 0) b.submit({side: signed > 0 ? 'buy' : 'sell', quantity: Math.abs(signed)}, 0)
  b.afterHook()
}

describe('instrument accounting properties', () => {
  it('after every bar: value = initial cash + realised + unrealised P&L − commissions (futures-like and multiplied symbols)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const view = viewOf(c)
        const clock = new SimulatedClock(0)
        const equity = new Float64Array(view.length)
        const b = brokerOf(c, view, clock, equity)
        const p = b.portfolio
        for (let i = 0; i < view.length; i++) {
          step(b, view, clock, i, c.orders[i])
          const expected = p.initialCash + p.realized + p.unrealized(0) - p.commissions
          assert.ok(Math.abs(p.value() - expected) < 1e-6, `bar ${i}: value ${p.value()} vs ${expected}`)
          assert.equal(equity[i], p.value())
          if (c.margin > 0) assert.ok(Math.abs(p.value() - (p.cash + Math.abs(p.quantity[0]) * c.margin)) < 1e-6, 'value = cash + margin')
        }
      }),
      {numRuns: 300},
    )
  })

  it('saved at any bar through JSON and restored into a fresh broker, a futures account continues identically', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const view = viewOf(c)
        const n = view.length
        const straightClock = new SimulatedClock(0)
        const straight = brokerOf(c, view, straightClock, new Float64Array(n))
        for (let i = 0; i < n; i++) step(straight, view, straightClock, i, c.orders[i])

        const k = Math.min(n - 1, Math.floor(c.cut * n))
        const firstView = viewOf(c)
        const firstClock = new SimulatedClock(0)
        const first = brokerOf(c, firstView, firstClock, new Float64Array(n))
        for (let i = 0; i <= k; i++) step(first, firstView, firstClock, i, c.orders[i])
        const saved = JSON.parse(JSON.stringify(first.snapshot())) as BrokerSnapshot
        const secondView = viewOf(c)
        secondView.cursor = k
        const secondClock = new SimulatedClock(firstClock.now())
        const second = brokerOf(c, secondView, secondClock, new Float64Array(n))
        second.restore(saved)
        assert.deepStrictEqual(second.snapshot(), first.snapshot())
        for (let i = k + 1; i < n; i++) step(second, secondView, secondClock, i, c.orders[i])
        assert.deepStrictEqual([...first.fills, ...second.fills], straight.fills)
        assert.equal(second.cash, straight.cash)
        assert.equal(second.portfolioValue(), straight.portfolioValue())
        assert.deepStrictEqual(second.snapshot(), straight.snapshot())
      }),
      {numRuns: 200},
    )
  })
})
