/**
 * Backtrader's futures-like strategy test (tests/test_strategy_unoptimized.py and
 * tests/test_strategy_optimized.py in mementum/backtrader, `stocklike=False`): close against its
 * SMA(15) on the 2006 daily sample, buy 1 when flat and the close crosses above, close the
 * position when it crosses below, market orders at the next open; the broker set with
 * `setcommission(commission=2.0, mult=10.0, margin=1000.0)` on 10000 of cash. Backtrader asserts
 * final value 12795.00 and cash 11795.00, and the close at each signal and the price of each fill
 * (as %.2f strings, copied below from its test). The same strategy without the instrument is its
 * `stocklike=True` run (no commission): value 10284.10, cash 6164.16.
 *
 * tests/test_strategy_optimized.py runs the same broker over SMA periods 5 to 44 and asserts the
 * final value and cash of each (CHKVALUES, CHKCASH). Its strategy sets `orderid` on the first
 * order and, having no notify_order, never clears it: it buys one contract at the first upward
 * crossover and holds it to the end. Reproduced here as written, all 40 periods.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'
import type {MarketCalendar} from '../../src/calendar/calendar.js'
import {CrossDetector} from '../../src/indicators/crossover.js'
import {SMA} from '../../src/indicators/sma.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {StrategyHooks} from '../../src/model/strategy.js'
import type {BrokerSpec} from '../../src/model/bot-spec.js'
import {dataFile, readCsvBars} from '../helpers/read-csv-bars.js'
import {brokerSpec, strategyOf} from './engine-fixtures.js'

const DAY = 86_400_000

// From Backtrader's tests/test_strategy_unoptimized.py.
const BUYCREATE = ['3641.42', '3798.46', '3874.61', '3860.00', '3843.08', '3648.33', '3526.84', '3632.93', '3788.96', '3841.31', '4045.22', '4052.89']
const SELLCREATE = ['3763.73', '3811.45', '3823.11', '3821.97', '3837.86', '3604.33', '3562.56', '3772.21', '3780.18', '3974.62', '4048.16']
const BUYEXEC = ['3643.35', '3801.03', '3872.37', '3863.57', '3845.32', '3656.43', '3542.65', '3639.65', '3799.86', '3840.20', '4047.63', '4052.55']
const SELLEXEC = ['3763.95', '3811.85', '3822.35', '3822.57', '3829.82', '3598.58', '3545.92', '3766.80', '3782.15', '3979.73', '4045.05']

interface Mode {
  label: string
  timezone: string
  calendar: MarketCalendar
  runner: 'daily' | 'backtest'
}
const modes: Mode[] = [
  {label: 'Daily runner, NYSE', timezone: 'America/New_York', calendar: createCalendar('NYSE'), runner: 'daily'},
  {label: 'Backtest runner, 24/7', timezone: 'UTC', calendar: createCalendar('24/7'), runner: 'backtest'},
]

// From Backtrader's tests/test_strategy_optimized.py (periods 5 to 44).
const CHKVALUES = [
  '14525.80', '14525.80', '15408.20', '15408.20', '14763.90', '14763.90', '14763.90', '14763.90', '14763.90', '14763.90',
  '14763.90', '14763.90', '14763.90', '14763.90', '13187.10', '13187.10', '13187.10', '13684.40', '13684.40', '13684.40',
  '13684.40', '13684.40', '13684.40', '13656.10', '13656.10', '13656.10', '13656.10', '12988.10', '12988.10', '12988.10',
  '12988.10', '12988.10', '12988.10', '12988.10', '12988.10', '12988.10', '12988.10', '12988.10', '12988.10', '12988.10',
]
const CHKCASH = [
  '13525.80', '13525.80', '14408.20', '14408.20', '13763.90', '13763.90', '13763.90', '13763.90', '13763.90', '13763.90',
  '13763.90', '13763.90', '13763.90', '13763.90', '12187.10', '12187.10', '12187.10', '12684.40', '12684.40', '12684.40',
  '12684.40', '12684.40', '12684.40', '12656.10', '12656.10', '12656.10', '12656.10', '11988.10', '11988.10', '11988.10',
  '11988.10', '11988.10', '11988.10', '11988.10', '11988.10', '11988.10', '11988.10', '11988.10', '11988.10', '11988.10',
]

/** Backtrader's TestStrategy: buy 1 on close crossing above SMA(15) when flat, close when it crosses below. */
function testStrategy(created: {buy: string[]; sell: string[]}) {
  return strategyOf('bt-test-strategy', (): StrategyHooks => {
    const sma = new SMA(15)
    const cross = new CrossDetector()
    return {
      onTradingIteration(ctx) {
        const close = ctx.close('X')
        const x = cross.update(close, sma.add(close))
        if (ctx.position('X') === 0) {
          if (x > 0) {
            created.buy.push(close.toFixed(2))
            ctx.buy(1, {symbol: 'X'})
          }
        } else if (x < 0) {
          created.sell.push(close.toFixed(2))
          ctx.closePosition('X')
        }
      },
    }
  })
}

/** test_strategy_optimized.py's TestStrategy: its one order is the first up-cross's buy (orderid is never cleared). */
function optimizedStrategy(period: number) {
  return strategyOf('bt-test-strategy-optimized', (): StrategyHooks => {
    const sma = new SMA(period)
    const cross = new CrossDetector()
    let ordered = false
    return {
      onTradingIteration(ctx) {
        const close = ctx.close('X')
        const x = cross.update(close, sma.add(close))
        if (ordered) return
        if (ctx.position('X') === 0) {
          if (x > 0) {
            ordered = true
            ctx.buy(1, {symbol: 'X'})
          }
        } else if (x < 0) {
          ordered = true
          ctx.closePosition('X')
        }
      },
    }
  })
}

async function run(mode: Mode, broker: BrokerSpec) {
  const bars = readCsvBars(dataFile('2006-day-001.txt'), {symbol: 'X', timeframeMs: DAY, timezone: mode.timezone})
  const created = {buy: [] as string[], sell: [] as string[]}
  const spec = {symbols: ['X'], timeframeMs: DAY, sleeptimeMs: DAY, broker}
  const r = await runBacktest({spec, bars, definition: testStrategy(created), params: {}, calendar: mode.calendar, runner: mode.runner})
  return {r, created, bars}
}

const cents = (x: number) => x.toFixed(2)

for (const mode of modes) {
  test(`Backtrader's futures-like strategy test (commission 2.0 per contract, multiplier 10, margin 1000): ${mode.label}`, async () => {
    const broker = {...brokerSpec({cash: 10_000, commission: {perShare: 2}}), instruments: {X: {multiplier: 10, margin: 1000}}}
    const {r, created} = await run(mode, broker)

    assert.deepEqual(created.buy, BUYCREATE)
    assert.deepEqual(created.sell, SELLCREATE)
    assert.equal(r.counts.rejected, 0)
    assert.deepEqual(r.fills.filter((f) => f.side === 'buy').map((f) => cents(f.price)), BUYEXEC)
    assert.deepEqual(r.fills.filter((f) => f.side === 'sell').map((f) => cents(f.price)), SELLEXEC)
    for (const f of r.fills) {
      assert.equal(f.quantity, 1)
      assert.equal(f.commission, 2, 'commission 2.0 per contract')
    }

    assert.equal(cents(r.finalValue), '12795.00')
    assert.equal(cents(r.finalCash), '11795.00')

    // Every round trip: P&L = (exit − entry) × 10, net of 2 + 2 of commission.
    assert.equal(r.trades.length, SELLEXEC.length)
    r.trades.forEach((t, i) => {
      assert.equal(t.quantity, 1)
      assert.ok(Math.abs(t.grossPnl - (t.exitPrice - t.entryPrice) * 10) < 1e-9, `trade ${i} gross P&L`)
      assert.equal(t.commission, 4)
      assert.ok(Math.abs(t.netPnl - (t.grossPnl - 4)) < 1e-9, `trade ${i} net P&L`)
    })
    // The last entry is still open: 1 contract, margin 1000 held, value = cash + margin.
    assert.equal(r.positions.length, 1)
    assert.equal(r.positions[0].quantity, 1)
    assert.equal(cents(r.positions[0].averagePrice), BUYEXEC.at(-1))
    assert.ok(Math.abs(r.finalValue - (r.finalCash + 1000)) < 1e-9)
    assert.ok(Math.abs(r.positions[0].unrealizedPnl - (r.positions[0].lastPrice - r.positions[0].averagePrice) * 10) < 1e-9)
  })

  test(`Backtrader's strategy test, stock-like (no instrument, no commission): ${mode.label}`, async () => {
    const {r, created} = await run(mode, brokerSpec({cash: 10_000}))
    assert.deepEqual(created.buy, BUYCREATE)
    assert.deepEqual(created.sell, SELLCREATE)
    assert.deepEqual(r.fills.filter((f) => f.side === 'buy').map((f) => cents(f.price)), BUYEXEC)
    assert.deepEqual(r.fills.filter((f) => f.side === 'sell').map((f) => cents(f.price)), SELLEXEC)
    assert.equal(cents(r.finalValue), '10284.10')
    assert.equal(cents(r.finalCash), '6164.16')
  })
}

for (const mode of modes) {
  test(`Backtrader's optimized futures-like strategy test, SMA periods 5 to 44 (CHKVALUES, CHKCASH): ${mode.label}`, async () => {
    const bars = readCsvBars(dataFile('2006-day-001.txt'), {symbol: 'X', timeframeMs: DAY, timezone: mode.timezone})
    const broker = {...brokerSpec({cash: 10_000, commission: {perShare: 2}}), instruments: {X: {multiplier: 10, margin: 1000}}}
    const spec = {symbols: ['X'], timeframeMs: DAY, sleeptimeMs: DAY, broker}
    const values: string[] = []
    const cash: string[] = []
    for (let period = 5; period < 45; period++) {
      const r = await runBacktest({spec, bars, definition: optimizedStrategy(period), params: {}, calendar: mode.calendar, runner: mode.runner})
      assert.equal(r.fills.length, 1, `period ${period}: one buy, held`)
      values.push(cents(r.finalValue))
      cash.push(cents(r.finalCash))
    }
    assert.deepEqual(values, CHKVALUES)
    assert.deepEqual(cash, CHKCASH)
  })
}
