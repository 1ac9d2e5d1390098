/**
 * Linked orders survive a paper bot's save and restore: a simulated broker with brackets (fixed
 * and trailing stop-losses), OCO pairs, replaced orders and partial fills by volume, saved after
 * a random bar, sent through JSON and restored into a fresh broker, continues exactly as the
 * original: the same callbacks, fills, orders, cash and equity.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {barsFromRows} from '../../src/core/bars.js'
import {SimulatedClock} from '../../src/core/clock.js'
import {createCalendar} from '../../src/calendar/index.js'
import {alignBars, type MarketView} from '../../src/engine/market-view.js'
import {SimulatedBroker} from '../../src/broker/simulated-broker.js'
import type {BrokerSnapshot} from '../../src/broker/broker-snapshot.js'
import type {BrokerSpec} from '../../src/model/bot-spec.js'
import type {Order} from '../../src/model/orders.js'
import {StrategyApi} from '../../src/engine/strategy-api.js'

const HOUR = 3_600_000
const T0 = Date.UTC(2024, 0, 2)

type Op = {kind: 'bracket' | 'oco' | 'trail' | 'replace' | 'cancel' | 'market'; sell: boolean; qty: number; a: number; b: number; pick: number}

interface World {
  broker: SimulatedBroker
  api: StrategyApi
  view: MarketView
  clock: SimulatedClock
  equity: Float64Array
  events: string[]
}

function world(spec: BrokerSpec, view: MarketView, start: number, events: string[] = []): World {
  const clock = new SimulatedClock(start)
  const equity = new Float64Array(view.length)
  const broker = new SimulatedBroker({broker: spec, market: view, clock, calendar: createCalendar('24/7'), equity})
  broker.listener = {
    filled: (o, f) => events.push(`filled #${o.id} ${f.side} ${f.quantity} @ ${f.price} t=${f.time}`),
    canceled: (o) => events.push(`${o.status} #${o.id}: ${o.reason}`),
  }
  const api = new StrategyApi(clock, view, broker, {info() {}, warn() {}, error() {}}, HOUR)
  return {broker, api, view, clock, equity, events}
}

function hook(w: World, ops: readonly Op[]): void {
  const ctx = w.api
  const last = w.broker.portfolio.lastPrice[0]
  const ref = last === last ? last : 100
  const px = (bps: number) => Math.round(ref * (1 + bps / 10_000) * 100) / 100
  for (const op of ops) {
    const side = op.sell ? 'sell' : 'buy'
    const sign = op.sell ? -1 : 1
    const open = ctx.openOrders()
    switch (op.kind) {
      case 'bracket':
        ctx.submitBracket({side, quantity: op.qty}, op.pick % 3 === 0
          ? {trailPercent: 1 + (op.a % 3), takeProfit: px(sign * (50 + op.b))}
          : {stopLoss: px(-sign * (50 + op.a)), takeProfit: px(sign * (50 + op.b))})
        break
      case 'oco':
        ctx.submitOco({side, quantity: op.qty, type: 'limit', limitPrice: px(-sign * op.a)}, {side, quantity: op.qty, type: 'stop', stopPrice: px(sign * op.b)})
        break
      case 'trail':
        ctx.submitOrder({side, quantity: op.qty, type: 'stop', ...(op.pick % 2 ? {trailAmount: 1 + (op.a % 4)} : {trailPercent: 0.5 + (op.a % 3)})})
        break
      case 'replace':
        if (open.length > 0) {
          const o = open[op.pick % open.length]
          if (o.type === 'stop' || o.type === 'limit') ctx.replaceOrder(o.id, o.type === 'stop' ? {stopPrice: px(op.a - 100)} : {limitPrice: px(op.b - 100)})
        }
        break
      case 'cancel':
        if (open.length > 0) ctx.cancelOrder(open[op.pick % open.length].id)
        break
      case 'market':
        ctx.submitOrder({side, quantity: op.qty})
    }
  }
}

function bar(w: World, i: number, ops: readonly Op[]): void {
  w.clock.advanceTo(w.view.time[i])
  w.broker.processBar(i)
  w.view.cursor = i
  w.broker.markBar(i)
  w.clock.advanceTo(w.view.closeOf(i))
  hook(w, ops)
  w.broker.afterHook()
}

const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom('bracket' as const, 'bracket' as const, 'oco' as const, 'trail' as const, 'replace' as const, 'cancel' as const, 'market' as const),
  sell: fc.boolean(),
  qty: fc.integer({min: 1, max: 40}),
  a: fc.integer({min: 0, max: 200}),
  b: fc.integer({min: 0, max: 200}),
  pick: fc.nat(20),
})

const caseArb = fc.record({
  rows: fc.array(fc.record({move: fc.integer({min: -150, max: 150}), up: fc.integer({min: 0, max: 200}), down: fc.integer({min: 0, max: 200}), body: fc.integer({min: -150, max: 150}), volume: fc.integer({min: 0, max: 300})}), {minLength: 3, maxLength: 40}),
  ops: fc.array(fc.array(opArb, {maxLength: 2}), {minLength: 40, maxLength: 40}),
  sameBar: fc.constantFrom(undefined, 'stop_first' as const, 'target_first' as const, 'open_distance' as const),
  maxVolumeShare: fc.constantFrom(undefined, 0.1, 0.5),
  fillPrice: fc.constantFrom('next_open' as const, 'close' as const),
  cut: fc.integer({min: 0, max: 1000}).map((x) => x / 1000),
})

const round = (x: number) => Math.round(x * 100) / 100

describe('linked orders through snapshot / restore', () => {
  it('brackets, OCO pairs, trailing stops, replacements and partial fills continue identically after a restore', () => {
    let linked = 0
    let partial = 0
    fc.assert(
      fc.property(caseArb, (c) => {
        let close = 100
        const rows = c.rows.map((r, i) => {
          const open = round(close * (1 + r.move / 10_000))
          const end = round(open * (1 + r.body / 10_000))
          const row = {time: T0 + i * HOUR, open, high: round(Math.max(open, end) * (1 + r.up / 10_000)), low: round(Math.min(open, end) * (1 - r.down / 10_000)), close: end, volume: r.volume}
          close = end
          return row
        })
        const spec: BrokerSpec = {cash: 100_000, commission: {perShare: 0, percent: 0.1, fixed: 0, minimum: 0}, slippageBps: 0, allowShort: true, fillPrice: c.fillPrice,
          ...(c.sameBar ? {sameBar: c.sameBar} : {}), ...(c.maxVolumeShare ? {maxVolumeShare: c.maxVolumeShare} : {})}
        const view = () => alignBars(['X'], [barsFromRows('X', HOUR, rows)], HOUR)
        const n = rows.length
        const straight = world(spec, view(), T0)
        for (let i = 0; i < n; i++) bar(straight, i, c.ops[i])

        const k = Math.min(n - 1, Math.floor(c.cut * n))
        const first = world(spec, view(), T0)
        for (let i = 0; i <= k; i++) bar(first, i, c.ops[i])
        const saved = first.broker.snapshot()
        if (saved.openOrders.some((o) => o.ocoWith !== undefined || o.parentId !== undefined || o.trailAmount !== undefined || o.trailPercent !== undefined)) linked++
        if (saved.openOrders.some((o) => (o.filledQuantity ?? 0) > 0)) partial++
        const finishedBefore = first.broker.submittedOrders().filter((o) => o.status !== 'open').map((o) => JSON.parse(JSON.stringify(o)) as Order)
        const v2 = view()
        v2.cursor = k
        const second = world(spec, v2, first.clock.now(), [...first.events])
        second.equity.set(first.equity.subarray(0, k + 1))
        second.broker.restore(JSON.parse(JSON.stringify(saved)) as BrokerSnapshot)
        assert.deepStrictEqual(second.broker.snapshot(), saved, 'restore → snapshot gives the same object')
        for (let i = k + 1; i < n; i++) bar(second, i, c.ops[i])

        const orderJson = (orders: readonly Order[]) => orders.map((o) => JSON.parse(JSON.stringify(o)) as Order).sort((x, y) => x.id - y.id)
        assert.deepStrictEqual(second.events, straight.events, 'callbacks')
        assert.deepStrictEqual([...first.broker.fills, ...second.broker.fills], straight.broker.fills, 'fills')
        assert.deepStrictEqual(orderJson([...finishedBefore, ...second.broker.submittedOrders()]), orderJson(straight.broker.submittedOrders()), 'orders')
        assert.equal(second.broker.cash, straight.broker.cash)
        assert.deepStrictEqual(Array.from(second.equity), Array.from(straight.equity), 'equity')
        assert.equal(second.broker.sameBarDecisions + first.broker.sameBarDecisions, straight.broker.sameBarDecisions)
      }),
      {numRuns: 300, ...(process.env.SEED ? {seed: Number(process.env.SEED)} : {})},
    )
    console.log(`snapshots: ${linked} with linked or trailing orders, ${partial} with a partly filled order`)
    assert.ok(linked > 50, `${linked} snapshots with linked orders`)
    assert.ok(partial > 5, `${partial} snapshots with a partly filled order`)
  })
})
