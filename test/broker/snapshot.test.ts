/**
 * SimulatedBroker.snapshot() / restore(): a broker saved at any bar (or in the middle of a hook),
 * sent through JSON and restored into a fresh broker continues exactly as the original: the same
 * fills, trades, orders, callbacks, cash and equity. The snapshot is plain JSON (no NaN,
 * Infinity or undefined) and round-trips unchanged.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {barsFromRows, sliceBars} from '../../src/core/bars.js'
import type {Bars} from '../../src/model/bars.js'
import {SimulatedClock} from '../../src/core/clock.js'
import {createCalendar} from '../../src/calendar/index.js'
import type {MarketCalendar} from '../../src/calendar/calendar.js'
import {alignBars, MarketView} from '../../src/engine/market-view.js'
import {SimulatedBroker} from '../../src/broker/simulated-broker.js'
import type {BrokerSnapshot} from '../../src/broker/broker-snapshot.js'
import type {BrokerSpec} from '../../src/model/bot-spec.js'
import type {Order, OrderType} from '../../src/model/orders.js'
import {brokerSpec} from '../engine/engine-fixtures.js'

const HOUR = 3_600_000
const T0 = Date.UTC(2024, 0, 2, 14) // a Tuesday, NYSE open at 14:30 UTC

// ─── a tiny runner: the broker's side of SimulatedSession.advance, with a scripted "strategy" ───

type Op =
  | {kind: 'submit'; sym: number; side: 'buy' | 'sell'; qty: number; type: OrderType; off1: number; off2: number; day: boolean; tag: boolean; bad: boolean}
  | {kind: 'cancel'; pick: number}

interface World {
  broker: SimulatedBroker
  view: MarketView
  clock: SimulatedClock
  equity: Float64Array
  events: string[]
}

function world(spec: BrokerSpec, view: MarketView, calendar: MarketCalendar, start: number, events: string[] = []): World {
  const clock = new SimulatedClock(start)
  const equity = new Float64Array(view.length)
  const broker = new SimulatedBroker({broker: spec, market: view, clock, calendar, equity})
  broker.listener = {
    filled: (o, f) => events.push(`filled #${o.id} ${f.side} ${f.quantity} @ ${f.price} t=${f.time} c=${f.commission}`),
    canceled: (o) => events.push(`${o.status} #${o.id}: ${o.reason}`),
  }
  return {broker, view, clock, equity, events}
}

/** The strategy's hook: its orders and cancels (reading the broker as a strategy would). */
function hook(w: World, ops: readonly Op[]): void {
  const b = w.broker
  for (const op of ops) {
    if (op.kind === 'cancel') {
      const open = b.openOrders(-1)
      if (open.length > 0) b.cancel(open[op.pick % open.length].id)
      continue
    }
    const k = op.sym % w.view.symbols.length
    const last = b.portfolio.lastPrice[k]
    const ref = last === last ? last : 100
    const p1 = Math.round(ref * (1 + op.off1 / 10_000) * 100) / 100
    const p2 = Math.round(ref * (1 + op.off2 / 10_000) * 100) / 100
    b.submit({
      side: op.side,
      quantity: op.bad ? 0 : op.qty,
      type: op.type,
      ...(op.type === 'limit' ? {limitPrice: p1} : {}),
      ...(op.type === 'stop' ? {stopPrice: p1} : {}),
      ...(op.type === 'stop_limit' ? {stopPrice: p1, limitPrice: p2} : {}),
      timeInForce: op.day ? 'day' : 'gtc',
      ...(op.tag ? {tag: `t${op.qty}`} : {}),
    }, k)
  }
}

/** Bar `i` of `w.view` as the runner shows it: match, mark, move to the close, expire, then the hook. */
function bar(w: World, i: number, ops: readonly Op[]): void {
  const {broker, view, clock} = w
  clock.advanceTo(view.time[i])
  broker.processBar(i)
  view.cursor = i
  broker.markBar(i)
  clock.advanceTo(view.closeOf(i))
  if (broker.book.hasDayOrders) broker.expireDue(clock.now())
  hook(w, ops)
}

// ─── random inputs ───

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {weight: 4, arbitrary: fc.record({
    kind: fc.constant('submit' as const),
    sym: fc.nat(5),
    side: fc.constantFrom('buy' as const, 'sell' as const),
    qty: fc.oneof(fc.integer({min: 1, max: 20}), fc.constantFrom(0.5, 2.25)),
    type: fc.constantFrom<OrderType>('market', 'limit', 'stop', 'stop_limit'),
    off1: fc.integer({min: -400, max: 400}),
    off2: fc.integer({min: -400, max: 400}),
    day: fc.boolean(),
    tag: fc.boolean(),
    bad: fc.integer({min: 0, max: 9}).map((x) => x === 0), // a malformed request, rejected at once
  })},
  {weight: 1, arbitrary: fc.record({kind: fc.constant('cancel' as const), pick: fc.nat(10)})},
)

const barArb = fc.record({
  present: fc.integer({min: 0, max: 9}).map((x) => x > 0), // ~10% missing
  move: fc.integer({min: -300, max: 300}), // bps from the previous close to this open
  up: fc.integer({min: 0, max: 250}),
  down: fc.integer({min: 0, max: 250}),
  body: fc.integer({min: -200, max: 200}),
})

const caseArb = fc.record({
  calendar: fc.constantFrom('24/7', 'NYSE'),
  tf: fc.constantFrom(HOUR / 2, 2 * HOUR, 5 * HOUR),
  symbols: fc.integer({min: 1, max: 3}),
  rows: fc.array(fc.array(barArb, {minLength: 3, maxLength: 3}), {minLength: 2, maxLength: 50, size: 'max'}),
  gaps: fc.array(fc.integer({min: 1, max: 3}), {minLength: 50, maxLength: 50}),
  ops: fc.array(fc.array(opArb, {maxLength: 3, size: 'max'}), {minLength: 51, maxLength: 51}),
  broker: fc.record({
    cash: fc.constantFrom(1_000, 100_000, 1_000_000),
    fillPrice: fc.constantFrom('next_open' as const, 'close' as const),
    allowShort: fc.boolean(),
    slippageBps: fc.constantFrom(0, 5),
    commission: fc.record({percent: fc.constantFrom(0, 0.1), fixed: fc.constantFrom(0, 1), minimum: fc.constantFrom(0, 2), perShare: fc.constantFrom(0, 0.01)}),
  }),
  cut: fc.integer({min: 0, max: 1000}).map((x) => x / 1000),
  drop: fc.integer({min: 0, max: 1000}).map((x) => x / 1000),
  midHook: fc.boolean(),
  startUnset: fc.boolean(),
})

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never

function barsOf(c: Case): Bars[] {
  const names = ['AAA', 'BBB', 'CCC'].slice(0, c.symbols)
  const times: number[] = []
  let t = T0
  for (let i = 0; i < c.rows.length; i++) {
    times.push(t)
    t += c.gaps[i] * c.tf
  }
  return names.map((symbol, k) => {
    let close = 100 * (k + 1)
    const rows = []
    for (let i = 0; i < c.rows.length; i++) {
      const r = c.rows[i][k]
      if (!r.present && i > 0) continue
      const open = round(close * (1 + r.move / 10_000))
      const end = round(open * (1 + r.body / 10_000))
      const high = round(Math.max(open, end) * (1 + r.up / 10_000))
      const low = round(Math.min(open, end) * (1 - r.down / 10_000))
      rows.push({time: times[i], open, high, low, close: end})
      close = end
    }
    return barsFromRows(symbol, c.tf, rows)
  })
}

const round = (x: number) => Math.round(x * 100) / 100

/** Every number in a JSON value is finite, and nothing is lost through JSON. */
function assertPlainJson(s: BrokerSnapshot): void {
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'number') assert.ok(Number.isFinite(v), `${path} is ${v}`)
    else if (v === undefined) assert.fail(`${path} is undefined`)
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`))
    else if (v !== null && typeof v === 'object') for (const [key, x] of Object.entries(v)) walk(x, `${path}.${key}`)
  }
  walk(s, 'snapshot')
  assert.deepStrictEqual(JSON.parse(JSON.stringify(s)), s)
}

const orderJson = (orders: readonly Order[]) => orders.map((o) => JSON.parse(JSON.stringify(o)) as Order).sort((a, b) => a.id - b.id)

function check(c: Case): {snapshot: BrokerSnapshot} {
  const bars = barsOf(c)
  const symbols = bars.map((b) => b.symbol)
  const calendar = createCalendar(c.calendar)
  const spec = brokerSpec(c.broker)
  const n = alignBars(symbols, bars, c.tf).length
  const start = c.startUnset ? -Infinity : T0
  // Hook -1 is `initialize` (before any bar); hook i runs after bar i.
  const init = c.ops[50]

  // Straight through.
  const straight = world(spec, alignBars(symbols, bars, c.tf), calendar, start)
  hook(straight, init)
  straight.broker.afterHook()
  for (let i = 0; i < n; i++) {
    bar(straight, i, c.ops[i])
    straight.broker.afterHook()
  }

  // Saved after hook k (k = -1: after initialize), before or after that hook's close fills.
  const k = Math.min(n - 1, Math.floor(c.cut * (n + 1)) - 1)
  const first = world(spec, alignBars(symbols, bars, c.tf), calendar, start)
  hook(first, init)
  if (k >= 0 || !c.midHook) first.broker.afterHook()
  for (let i = 0; i <= k; i++) {
    bar(first, i, c.ops[i])
    if (i < k || !c.midHook) first.broker.afterHook()
  }
  const saved = first.broker.snapshot()
  assertPlainJson(saved)
  const finishedBefore = first.broker.submittedOrders().filter((o) => o.status !== 'open').map((o) => JSON.parse(JSON.stringify(o)) as Order)
  const eventsBefore = [...first.events]

  // Restored on a view that lacks the first `d` bars (d ≤ k): signal bars are found by time.
  const d = k < 0 ? 0 : Math.min(k, Math.floor(c.drop * (k + 1)))
  const aligned = alignBars(symbols, bars, c.tf)
  const view = new MarketView(symbols, aligned.series.map((b) => sliceBars(b, d, b.length)), c.tf)
  view.cursor = k - d
  const second = world(spec, view, calendar, first.clock.now(), [...eventsBefore])
  if (k >= 0) second.equity[k - d] = first.equity[k]
  second.broker.restore(JSON.parse(JSON.stringify(saved)) as BrokerSnapshot)
  assert.deepStrictEqual(second.broker.snapshot(), saved, 'restore → snapshot gives the same object')
  if (c.midHook) second.broker.afterHook()
  for (let i = k + 1; i < n; i++) {
    bar(second, i - d, c.ops[i])
    second.broker.afterHook()
  }

  const a = straight.broker
  const b = second.broker
  assert.deepStrictEqual(second.events, straight.events, 'callbacks')
  assert.deepStrictEqual([...first.broker.fills, ...b.fills], a.fills, 'fills')
  assert.deepStrictEqual([...first.broker.ledger.trades, ...b.ledger.trades], a.ledger.trades, 'trades')
  assert.deepStrictEqual(orderJson([...finishedBefore, ...b.submittedOrders()]), orderJson(a.submittedOrders()), 'orders')
  assert.equal(b.cash, a.cash)
  assert.equal(b.portfolioValue(), a.portfolioValue())
  const equity = Array.from({length: n}, (_, i) => (i < k ? first.equity[i] : second.equity[i - d]))
  assert.deepStrictEqual(equity, Array.from(straight.equity), 'equity')
  const end = b.snapshot()
  assertPlainJson(end)
  assert.deepStrictEqual(end, a.snapshot(), 'the final states')
  return {snapshot: saved}
}

describe('SimulatedBroker snapshot / restore', () => {
  it('saved at a random bar, through JSON, restored into a fresh broker: the run continues identically', () => {
    let withOrders = 0
    let withTrades = 0
    let queued = 0
    fc.assert(
      fc.property(caseArb, (c) => {
        const {snapshot} = check(c)
        if (snapshot.openOrders.length > 0) withOrders++
        if (snapshot.openTrades.length > 0) withTrades++
        if (snapshot.closeQueue) queued++
      }),
      {numRuns: 300, ...(process.env.SEED ? {seed: Number(process.env.SEED)} : {})},
    )
    // The property is only as good as the states it saved.
    console.log(`snapshots: ${withOrders} with working orders, ${withTrades} with a trade in progress, ${queued} with close fills pending`)
    assert.ok(withOrders > 50, `${withOrders} snapshots with working orders`)
    assert.ok(withTrades > 50, `${withTrades} snapshots with a trade in progress`)
    assert.ok(queued > 0, `${queued} snapshots with close fills pending`)
  })

  const rows = [
    {time: T0, open: 10, high: 11, low: 9, close: 10},
    {time: T0 + HOUR, open: 10, high: 10.5, low: 9.5, close: 10.2},
    {time: T0 + 2 * HOUR, open: 10.2, high: 10.4, low: 8, close: 9},
    {time: T0 + 3 * HOUR, open: 9, high: 9.5, low: 8.5, close: 9.2},
  ]

  function simple(view: MarketView, spec = brokerSpec()) {
    const clock = new SimulatedClock(T0)
    return {clock, broker: new SimulatedBroker({broker: spec, market: view, clock, calendar: createCalendar('24/7'), equity: new Float64Array(view.length)})}
  }

  it('holds what the live state held: positions, trades in progress, orders with their signal bar time', () => {
    const view = alignBars(['X'], [barsFromRows('X', HOUR, rows)], HOUR)
    const {clock, broker} = simple(view)
    view.cursor = 0
    clock.advanceTo(T0 + HOUR)
    broker.submit({side: 'buy', quantity: 10}, 0)
    broker.processBar(1)
    view.cursor = 1
    broker.markBar(1)
    clock.advanceTo(T0 + 2 * HOUR)
    broker.submit({side: 'sell', quantity: 4, type: 'limit', limitPrice: 12, timeInForce: 'day', tag: 'tp'}, 0)
    broker.submit({side: 'sell', quantity: 4}, 0)
    broker.processBar(2)
    view.cursor = 2
    broker.markBar(2)
    const s = broker.snapshot()
    assert.deepStrictEqual(s, {
      initialCash: 100_000,
      cash: 100_000 - 100 + 4 * 10.2,
      realizedPnl: (10.2 - 10) * 4,
      commissions: 0,
      positions: [{symbol: 'X', quantity: 6, averagePrice: 10, lastPrice: 9}],
      openOrders: [{id: 2, symbol: 'X', side: 'sell', quantity: 4, type: 'limit', limitPrice: 12, timeInForce: 'day', tag: 'tp',
        createdAt: T0 + 2 * HOUR, signalBarTime: T0 + HOUR, expiresAt: Date.UTC(2024, 0, 3), triggered: false}],
      openTrades: [{symbol: 'X', side: 'long', quantity: 10, entryTime: T0 + HOUR, entryPrice: 10, exitQuantity: 4, exitPrice: 10.2, commission: 0, grossPnl: (10.2 - 10) * 4}],
      nextOrderId: 4,
    })
  })

  it('a restored order still never fills on its signal bar, even on a view that starts later', () => {
    const full = alignBars(['X'], [barsFromRows('X', HOUR, rows)], HOUR)
    const {broker} = simple(full)
    // Placed with bar 1 current, the clock left at T0: only the signal bar keeps it off bar 1,
    // whose own low (9.5) is below the limit.
    full.cursor = 1
    broker.submit({side: 'buy', quantity: 1, type: 'limit', limitPrice: 9.9}, 0)
    const saved = JSON.parse(JSON.stringify(broker.snapshot())) as BrokerSnapshot
    assert.equal(saved.openOrders[0].signalBarTime, T0 + HOUR)
    // The view holds bars 1.. only: the signal bar is index 0 there.
    const later = new MarketView(['X'], full.series.map((b) => sliceBars(b, 1, b.length)), HOUR)
    later.cursor = 0
    const r = simple(later)
    r.broker.restore(saved)
    r.broker.processBar(0) // bar 1 again: never fills there
    assert.equal(r.broker.fills.length, 0)
    r.broker.processBar(1)
    assert.deepEqual(r.broker.fills.map((f) => [f.price, f.time]), [[9.9, T0 + 2 * HOUR]])
    // A view without the signal bar at all keeps the saved time for the next snapshot.
    const last = new MarketView(['X'], full.series.map((b) => sliceBars(b, 2, b.length)), HOUR)
    const q = simple(last)
    q.broker.restore(saved)
    assert.deepStrictEqual(q.broker.snapshot(), saved)
  })

  it('non-finite figures are null in the JSON and come back as they were', () => {
    const view = alignBars(['X', 'Y'], [barsFromRows('X', HOUR, rows), barsFromRows('Y', HOUR, rows.slice(2))], HOUR)
    const clock = new SimulatedClock(-Infinity) // a live feed's clock before its first bar
    const broker = new SimulatedBroker({broker: brokerSpec(), market: view, clock, calendar: createCalendar('24/7'), equity: new Float64Array(4)})
    broker.submit({side: 'buy', quantity: 1, type: 'market', limitPrice: NaN}, 1)
    broker.submit({side: 'buy', quantity: 1, type: 'limit', limitPrice: 5, timeInForce: 'day'}, 0)
    const s = broker.snapshot()
    assertPlainJson(s)
    assert.deepStrictEqual(s.positions, [{symbol: 'X', quantity: 0, averagePrice: null, lastPrice: null}, {symbol: 'Y', quantity: 0, averagePrice: null, lastPrice: null}])
    assert.deepStrictEqual(s.openOrders.map((o) => [o.limitPrice, o.createdAt, o.signalBarTime, o.expiresAt]), [[null, null, null, null], [5, null, null, -Number.MAX_VALUE]])
    const fresh = new SimulatedBroker({broker: brokerSpec(), market: view, clock, calendar: createCalendar('24/7'), equity: new Float64Array(4)})
    fresh.restore(JSON.parse(JSON.stringify(s)) as BrokerSnapshot)
    const [market, day] = fresh.book.pending
    assert.ok(Number.isNaN(market.limitPrice))
    assert.equal(market.createdAt, -Infinity)
    assert.equal(market.expiresAt, Infinity)
    assert.equal(day.expiresAt < T0, true)
    assert.deepStrictEqual(fresh.snapshot(), s)
  })

  it('an unknown symbol, or a broker that has taken orders, is refused before anything changes', () => {
    const view = alignBars(['X'], [barsFromRows('X', HOUR, rows)], HOUR)
    const {broker} = simple(view)
    const s = broker.snapshot()
    const other = {...s, cash: 1, positions: [{symbol: 'Z', quantity: 1, averagePrice: 1, lastPrice: 1}]}
    assert.throws(() => broker.restore(other), /holds Z, which this bot does not trade \(X\)/)
    assert.equal(broker.cash, 100_000)
    broker.submit({side: 'buy', quantity: 1}, 0)
    assert.throws(() => broker.restore(s), /fresh broker/)
  })

  it('an account that overflowed cannot be saved', () => {
    const view = alignBars(['X'], [barsFromRows('X', HOUR, rows)], HOUR)
    const {broker} = simple(view)
    broker.portfolio.cash = Infinity
    assert.throws(() => broker.snapshot(), RangeError)
  })
})
