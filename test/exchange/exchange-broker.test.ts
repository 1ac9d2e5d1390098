/**
 * The exchange broker against `bots twin` through an unmodified ccxt client: intent recorded
 * before the send, one order per decision whatever a previous life did, fills applied once each
 * (partial fills included), refusals before sending, a refused key, rate limits, and the
 * reconciliation of a restored account with the exchange's balances.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {SimulatedClock} from '../../src/core/clock.js'
import {isBotsError} from '../../src/core/errors.js'
import {createCalendar} from '../../src/calendar/index.js'
import {ExchangeBroker} from '../../src/exchange/exchange-broker.js'
import type {OrderVenue} from '../../src/exchange/order-venue.js'
import {LiveMarketView} from '../../src/live/live-view.js'
import type {Fill, Order} from '../../src/model/orders.js'
import type {Twin} from '../../src/twin/index.js'
import {client, twin} from '../twin/helpers.js'

const S = 'BTC/USDT'
const SPEC = {cash: 100_000, commission: {perShare: 0, percent: 0, fixed: 0, minimum: 0}, slippageBps: 0, allowShort: false, fillPrice: 'open' as const}

interface Rig {
  broker: ExchangeBroker
  intents: Order[]
  fills: Fill[]
  canceled: Order[]
  view: LiveMarketView
}

async function rig(t: Twin, o: {prefix?: string; suffix?: string; sentAs?: Map<number, string[]>; doubtfulThrough?: number; creds?: {apiKey?: string; secret?: string}; intents?: Order[]} = {}): Promise<Rig> {
  const venue = (await client(t, o.creds)) as unknown as OrderVenue
  const clock = new SimulatedClock(t.now())
  // A backoff wait passes at once: the simulated time moves by what was asked.
  const timers = Object.assign(Object.create(clock) as SimulatedClock, {sleep: async (ms: number) => clock.advanceBy(ms)})
  const view = new LiveMarketView([S], 60_000)
  const intents = o.intents ?? []
  const fills: Fill[] = []
  const canceled: Order[] = []
  const broker = new ExchangeBroker({
    broker: SPEC, market: view, clock, calendar: createCalendar('24/7'), equity: new Float64Array(0),
    venue, clientIdPrefix: o.prefix ?? 'b1r1', clientIdSuffix: o.suffix, sentAs: o.sentAs, doubtfulThrough: o.doubtfulThrough ?? 0,
    recordIntent: async (order) => void intents.push(order),
    timers, log: () => {}, backoffMs: 1,
  })
  broker.listener = {filled: (_o, f) => fills.push(f), canceled: (x) => canceled.push(x)}
  await broker.connect()
  // The strategy's latest bar: the minimum-notional check values market orders at its close.
  const [last] = (await again(() => (venue as any).fetchOHLCV(S, '1m'))).slice(-1)
  view.append({time: last[0], close: last[0] + 60_000, bars: [{open: last[1], high: last[2], low: last[3], close: last[4], volume: last[5]}]})
  view.cursor = 0
  broker.markBar(0)
  return {broker, intents, fills, canceled, view}
}

/** The test's own reads survive the twin's 429 fault too (a fault-free read is retried at once). */
async function again<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn()
    } catch (e) {
      if (i > 5 || (e as Error).name !== 'DDoSProtection') throw e
    }
  }
}

/** What a bar does: the exchange's news read, then applied. */
async function news(broker: ExchangeBroker): Promise<void> {
  await broker.poll()
  broker.applyPending()
}

describe('exchange broker (ccxt → bots twin)', () => {
  it('records the intent, sends once with a deterministic client id, applies the fill once', async () => {
    const t = await twin()
    const r = await rig(t)
    const order = r.broker.submit({side: 'buy', quantity: 0.5}, 0)
    assert.equal(order.clientOrderId, 'b1r1o1')
    assert.equal(t.orders().length, 0, 'nothing is sent inside the strategy hook')
    await r.broker.flush()
    assert.deepEqual(r.intents.map((o) => o.id), [1])
    assert.deepEqual(t.orders().map((o) => o.clientOrderId), ['b1r1o1'])
    await t.advance()
    await news(r.broker)
    await news(r.broker) // nothing new: nothing applied twice
    assert.equal(r.fills.length, 1)
    assert.equal(r.fills[0].quantity, 0.5)
    assert.equal(r.fills[0].price, t.trades()[0].price)
    assert.equal(r.fills[0].tradeSeq, 1)
    assert.equal(order.status, 'filled')
    assert.equal(r.broker.position(0), 0.5)
    assert.equal(r.broker.cash, SPEC.cash - 0.5 * r.fills[0].price - r.fills[0].commission)
  })

  it('a decision an earlier life may have sent is looked up, not sent again; its fill is adopted', async () => {
    const t = await twin()
    const first = await rig(t)
    first.broker.submit({side: 'buy', quantity: 0.25}, 0)
    await first.broker.flush()
    await t.advance() // it fills while "the process is dead"
    // A new life of the same run re-makes the decision (same order id, same client id).
    const again = await rig(t, {doubtfulThrough: 1})
    const order = again.broker.submit({side: 'buy', quantity: 0.25}, 0)
    await again.broker.flush()
    assert.equal(t.orders().length, 1, 'one order at the exchange for one decision')
    assert.equal(order.status, 'filled')
    assert.equal(again.fills.length, 1)
    // An order id beyond what was recorded is new: sent without a lookup.
    again.broker.submit({side: 'sell', quantity: 0.25}, 0)
    await again.broker.flush()
    assert.deepEqual(t.orders().map((o) => o.clientOrderId), ['b1r1o1', 'b1r1o2'])
  })

  it('after a takeover (new lease epoch), an order the old holder sent is found under the id it recorded, not sent again', async () => {
    const t = await twin()
    const old = await rig(t, {suffix: 'e1'})
    const sent = old.broker.submit({side: 'buy', quantity: 0.25}, 0)
    assert.equal(sent.clientOrderId, 'b1r1o1e1', 'the epoch of the lease that sent it is part of the id')
    await old.broker.flush()
    await t.advance()
    // The new holder (epoch 2) re-makes the decision; the registry told it the id order 1 was recorded with.
    const next = await rig(t, {suffix: 'e2', doubtfulThrough: 1, sentAs: new Map([[1, ['b1r1o1e1']]])})
    const order = next.broker.submit({side: 'buy', quantity: 0.25}, 0)
    await next.broker.flush()
    assert.deepEqual(t.orders().map((o) => o.clientOrderId), ['b1r1o1e1'], 'one order at the exchange for one decision')
    assert.equal(order.status, 'filled')
    assert.equal(next.fills.length, 1)
    // Its own new decisions carry its own epoch.
    next.broker.submit({side: 'sell', quantity: 0.25}, 0)
    await next.broker.flush()
    assert.deepEqual(t.orders().map((o) => o.clientOrderId), ['b1r1o1e1', 'b1r1o2e2'])
  })

  it('an order below the minimum notional or lot size is rejected before anything is sent', async () => {
    const t = await twin({minNotional: 1_000_000})
    const r = await rig(t)
    const order = r.broker.submit({side: 'buy', quantity: 0.001}, 0)
    assert.equal(order.status, 'rejected')
    assert.match(order.reason!, /below BTC\/USDT's minimum notional 1000000 USDT/)
    await r.broker.flush()
    assert.equal(t.orders().length, 0)
    assert.equal(r.intents.length, 0)
  })

  it('partial fills are applied once each, numbered within the order', async () => {
    const t = await twin({faults: {partialFills: 3}})
    const r = await rig(t)
    const order = r.broker.submit({side: 'buy', quantity: 0.3}, 0)
    await r.broker.flush()
    await t.advance()
    await news(r.broker)
    assert.deepEqual(r.fills.map((f) => f.tradeSeq), [1, 2, 3])
    assert.equal(new Set(r.fills.map((f) => f.tradeId)).size, 3)
    assert.ok(Math.abs(r.fills.reduce((a, f) => a + f.quantity, 0) - 0.3) < 1e-12)
    assert.equal(order.status, 'filled')
    assert.ok(Math.abs(r.broker.position(0) - 0.3) < 1e-12)
  })

  it('rate limits are waited out: the order is still sent exactly once', async () => {
    const t = await twin({faults: {http429Every: 7}}) // the 7th request is the order itself
    const r = await rig(t)
    const limitedBefore = t.requests.rateLimited
    r.broker.submit({side: 'buy', quantity: 0.1}, 0)
    await r.broker.flush()
    await t.advance()
    await news(r.broker)
    await news(r.broker)
    assert.ok(t.requests.rateLimited > limitedBefore, 'the broker met at least one 429')
    assert.equal(t.orders().length, 1)
    assert.equal(r.fills.length, 1)
  })

  it('a refused API key is an exchange.auth error (the service puts the bot in error, no restart)', async () => {
    const t = await twin()
    const good = await rig(t)
    const venue = (await client(t, {apiKey: 'wrong-key'})) as unknown as OrderVenue
    const broker = new ExchangeBroker({
      broker: SPEC, market: good.view, clock: new SimulatedClock(t.now()), calendar: createCalendar('24/7'), equity: new Float64Array(0),
      venue, clientIdPrefix: 'b9r1', doubtfulThrough: 0, recordIntent: async () => {}, timers: new SimulatedClock(0), log: () => {},
    })
    await assert.rejects(broker.connect(), (e: unknown) => isBotsError(e) && e.diagnostic.code === 'exchange.auth' && !/wrong-key|test-secret/.test(e.message))
    assert.equal(t.orders().length, 0)
  })

  it('a restored account is reconciled: fills made while away adopted, a position the records cannot explain stops the bot', async () => {
    const t = await twin()
    const r = await rig(t)
    assert.deepEqual(await r.broker.reconcile(true), [])
    r.broker.submit({side: 'buy', quantity: 0.2}, 0)
    await r.broker.flush()
    const saved = r.broker.snapshot()
    await t.advance() // filled while the bot was down
    const back = await rig(t, {doubtfulThrough: 1})
    back.broker.restore(saved)
    await back.broker.reconcile(false)
    assert.equal(back.fills.length, 1)
    assert.ok(Math.abs(back.broker.position(0) - 0.2) < 1e-12)
    // Someone else buys on the account: the records no longer explain the balance.
    const other = await client(t)
    await other.createOrder(S, 'market', 'buy', 0.5, undefined, {clientOrderId: 'manual-1'})
    await t.advance()
    const third = await rig(t, {doubtfulThrough: 1})
    third.broker.restore(back.broker.snapshot())
    await assert.rejects(third.broker.reconcile(false), (e: unknown) => isBotsError(e) && e.diagnostic.code === 'exchange.position' && /holds 0\.7 BTC/.test(e.message))
  })
})
