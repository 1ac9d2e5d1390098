/**
 * `rules` stop_loss and take_profit are a real OCO pair in the broker (issue 15, item 6): a bar that
 * reaches both exits the position once, at the leg `broker.same_bar` picks, and the result counts
 * it. Before, both legs filled on such a bar and the trader closed the reversed position at the
 * next open (with a warning). Hand-computed; no commission.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {barsFromRows} from '../../src/core/bars.js'
import {createCalendar} from '../../src/calendar/index.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {BotSpec} from '../../src/model/bot-spec.js'
import type {Order, OrderRequest} from '../../src/model/orders.js'
import type {StrategyContext} from '../../src/model/strategy.js'
import {rulesStrategy} from '../../src/rules/rules-strategy.js'
import {withWrappedContext} from './wrapped-context.js'

const DAY = 86_400_000
const T0 = Date.UTC(2024, 0, 1)

async function run(params: Record<string, unknown>, rows: Array<[number, number, number, number]>, extra: Partial<BotSpec['broker']> = {}) {
  const bars = barsFromRows('X', DAY, rows.map(([open, high, low, close], i) => ({time: T0 + i * DAY, open, high, low, close, volume: 100})))
  const broker: BotSpec['broker'] = {cash: 100_000, commission: {perShare: 0, percent: 0, fixed: 0, minimum: 0}, slippageBps: 0, allowShort: false, fillPrice: 'next_open', ...extra}
  const spec = {symbols: ['X'], timeframeMs: DAY, sleeptimeMs: DAY, broker}
  return runBacktest({spec, bars: [bars], definition: rulesStrategy(), params, calendar: createCalendar('24/7')})
}

// Bar 0 closes at 101 ≥ 100: buy 10 at bar 1's open (100). Stop 95 and take-profit 110 are placed
// when that fills and work from bar 2, which reaches both (low 94, high 111, open 100). After it, the
// closes stay below 100: no new entry.
const ROWS: Array<[number, number, number, number]> = [[100, 101, 99, 101], [100, 102, 99, 99], [100, 111, 94, 99], [99, 99, 99, 99], [98, 98, 98, 98]]
const PARAMS = {entry: {long: 'close >= 100'}, sizing: {type: 'quantity', value: 10}, stop_loss: {percent: 5}, take_profit: {percent: 10}}

test('rules: stop-loss and take-profit reached on one bar exit once (same_bar decides), no double fill', async () => {
  const stopFirst = await run(PARAMS, ROWS)
  assert.deepEqual(stopFirst.fills.map((f) => [f.side, f.quantity, f.price]), [['buy', 10, 100], ['sell', 10, 95]])
  assert.equal(stopFirst.finalCash, 100_000 - 1000 + 950)
  assert.equal(stopFirst.counts.sameBar, 1)
  assert.deepEqual(stopFirst.logs, [])
  assert.deepEqual(stopFirst.positions, [])
  assert.deepEqual(stopFirst.trades.map((t) => t.netPnl), [-50])

  const targetFirst = await run(PARAMS, ROWS, {sameBar: 'target_first'})
  assert.deepEqual(targetFirst.fills.map((f) => [f.side, f.price]), [['buy', 100], ['sell', 110]])
  assert.equal(targetFirst.finalCash, 100_000 + 100)
  assert.equal(targetFirst.counts.sameBar, 1)
})

test('rules: the trailing stop moves by replacing the stop leg; the take-profit keeps working', async () => {
  // trailing 5%: entry 100 → stop 95; bar 2's high 104 → at bar 2's iteration the stop moves to 98.8 (replaced, OCO kept)
  // bar 3 reaches the take-profit (110, high 111) and not the stop (low 105): sells @ 110
  const rows: Array<[number, number, number, number]> = [[100, 101, 99, 101], [100, 100, 99, 99], [99, 104, 99, 99], [106, 111, 105, 99], [98, 98, 98, 98]]
  const r = await run({entry: {long: 'close >= 100'}, sizing: {type: 'quantity', value: 10}, trailing_stop: {percent: 5}, take_profit: {percent: 10}}, rows)
  assert.deepEqual(r.fills.map((f) => [f.side, f.price]), [['buy', 100], ['sell', 110]])
  const reasons = r.orders.map((o) => [o.tag, o.status, o.reason])
  assert.deepEqual(reasons, [
    [undefined, 'filled', undefined],
    ['stop', 'canceled', 'replaced by order 4'],
    ['take_profit', 'filled', undefined],
    ['stop', 'canceled', 'OCO: order 3 filled'],
  ])
  assert.equal((r.orders[3] as {stopPrice?: number}).stopPrice, 98.8)
})

/** The rules strategy on a context whose broker refuses linked requests, as an exchange broker does (with its reason). */
async function runUnlinked(params: Record<string, unknown>, rows: Array<[number, number, number, number]>) {
  const refused = (): Order => ({id: -1, symbol: 'X', side: 'sell', quantity: 1, type: 'stop', timeInForce: 'gtc', createdAt: 0, status: 'rejected',
    reason: 'this broker does not support OCO, bracket, replacement or trailing-stop orders (the simulated and paper brokers do)'})
  const unlinked = (ctx: StrategyContext): StrategyContext => new Proxy(ctx, {
    get(target, key) {
      if (key === 'submitOrder') return (r: OrderRequest) => (r.ocoWith !== undefined ? refused() : target.submitOrder(r))
      if (key === 'replaceOrder') return () => refused()
      const v = Reflect.get(target, key, target)
      return typeof v === 'function' ? v.bind(target) : v
    },
  })
  const definition = withWrappedContext(rulesStrategy(), unlinked)
  const bars = barsFromRows('X', DAY, rows.map(([open, high, low, close], i) => ({time: T0 + i * DAY, open, high, low, close, volume: 100})))
  const broker: BotSpec['broker'] = {cash: 100_000, commission: {perShare: 0, percent: 0, fixed: 0, minimum: 0}, slippageBps: 0, allowShort: true, fillPrice: 'next_open'}
  return runBacktest({spec: {symbols: ['X'], timeframeMs: DAY, sleeptimeMs: DAY, broker}, bars: [bars], definition, params, calendar: createCalendar('24/7')})
}

test('rules on a broker without OCO pairs (an exchange): the trader pairs the legs itself, as before', async () => {
  const r = await runUnlinked(PARAMS, ROWS)
  // The old behaviour: both legs fill on bar 2 (stop 95, then the target 110 opens a short of 10),
  // the trader warns and buys the short back at bar 3's open (99).
  assert.deepEqual(r.fills.map((f) => [f.side, f.price]), [['buy', 100], ['sell', 95], ['sell', 110], ['buy', 99]])
  assert.equal(r.counts.sameBar, undefined)
  assert.equal(r.orders.filter((o) => o.status === 'rejected').length, 0)
  assert.match(r.logs[0].message, /stop and take-profit both filled on one bar/)
  // A trailing stop there moves by cancel and resubmit, as before.
  const rows: Array<[number, number, number, number]> = [[100, 101, 99, 101], [100, 100, 99, 99], [99, 104, 99, 99], [106, 111, 105, 99], [98, 98, 98, 98]]
  const trail = await runUnlinked({entry: {long: 'close >= 100'}, sizing: {type: 'quantity', value: 10}, trailing_stop: {percent: 5}, take_profit: {percent: 10}}, rows)
  assert.deepEqual(trail.fills.map((f) => [f.side, f.price]), [['buy', 100], ['sell', 110]])
  assert.deepEqual(trail.orders.map((o) => [o.tag, o.status, o.reason]), [
    [undefined, 'filled', undefined],
    ['stop', 'canceled', 'canceled by the strategy'],
    ['take_profit', 'filled', undefined],
    ['stop', 'canceled', 'canceled by the strategy'],
  ])
})

test('rules with broker.max_volume_share: stops cover the whole entry, placed once it has filled; a stop fills its rest at market', async () => {
  // volume 400 and a 10% share: 40 units a bar. Entry of 100 at bar 1: 40 @ 100, 40 @ 100, 20 @ 102 (avg 100.4);
  // the 5% stop-loss for 100 units at 100.4 − 5.02 works from bar 4; bar 5 reaches it (low 94): 40 @ 95.38…,
  // then the rest at the next opens: 40 @ 97, 20 @ 98.
  const rows: Array<[number, number, number, number]> = [[100, 101, 99, 101], [100, 100, 100, 99.5], [100, 100, 100, 99], [102, 102, 102, 99], [99, 99, 99, 99], [96, 96, 94, 95], [97, 97, 97, 97], [98, 98, 98, 98], [98, 98, 98, 98]]
  const bars = barsFromRows('X', DAY, rows.map(([open, high, low, close], i) => ({time: T0 + i * DAY, open, high, low, close, volume: 400})))
  const broker: BotSpec['broker'] = {cash: 100_000, commission: {perShare: 0, percent: 0, fixed: 0, minimum: 0}, slippageBps: 0, allowShort: false, fillPrice: 'next_open', maxVolumeShare: 0.1}
  const r = await runBacktest({spec: {symbols: ['X'], timeframeMs: DAY, sleeptimeMs: DAY, broker}, bars: [bars], definition: rulesStrategy(),
    params: {entry: {long: 'close >= 100'}, sizing: {type: 'quantity', value: 100}, stop_loss: {percent: 5}}, calendar: createCalendar('24/7')})
  const avg = (4000 + 4000 + 2040) / 100
  const stop = avg - (avg * 5) / 100
  assert.deepEqual(r.fills.map((f) => [f.side, f.quantity, f.price, Math.round((f.time - T0) / DAY)]), [
    ['buy', 40, 100, 1], ['buy', 40, 100, 2], ['buy', 20, 102, 3],
    ['sell', 40, stop, 5], ['sell', 40, 97, 6], ['sell', 20, 98, 7],
  ])
  assert.deepEqual(r.orders.map((o) => [o.tag, o.quantity, o.status]), [[undefined, 100, 'filled'], ['stop', 100, 'filled']])
  assert.deepEqual(r.trades.map((t) => [t.quantity, t.entryPrice]), [[100, avg]])
  assert.equal(r.finalCash, 100_000 - 10_040 + 40 * stop + 40 * 97 + 20 * 98)
})
