/**
 * A run that keeps its orders keeps them as columns (model/order-log.ts), each order's row written
 * once it has ended (or at the end of the run), and its `orders` are made from them on first read. They
 * must be exactly the orders the strategy was handed, as their own toJSON says at the end of the
 * run: random runs of every order kind (market, limit, stop, stop-limit, trailing stops, day
 * orders, OCO pairs, brackets, replacements, cancels, refusals at once and at fill time, partial
 * fills), key for key and in key order, the same in `--json`, counted alike whether orders are
 * kept or not; and a finished run holds no object per order.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {Writable} from 'node:stream'
import fc from 'fast-check'
import {createCalendar} from '../../src/calendar/index.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import {resultToJson, type BacktestResult} from '../../src/engine/result.js'
import type {Bars} from '../../src/model/bars.js'
import type {Order, OrderRequest} from '../../src/model/orders.js'
import type {StrategyContext, StrategyHooks} from '../../src/model/strategy.js'
import {orderColumns} from '../../src/model/run-columns.js'
import {backtestStreamDocument} from '../../src/results/backtest-json.js'
import {writeJson} from '../../src/results/json-stream.js'
import {brokerSpec, movingBars, strategyOf} from './engine-fixtures.js'
import {heapAfterCollection} from '../helpers/heap.js'

const MIN = 60_000
// 23:00 UTC: day orders placed in the first hour expire at midnight, within the run.
const T0 = Date.UTC(2024, 0, 1, 23)
const SYMBOLS = ['A', 'B']

type Act =
  | {kind: 'order'; symbol: string; side: 'buy' | 'sell'; quantity: number; type: 'market' | 'limit' | 'stop' | 'stop_limit'; offset: number; day: boolean; tag: boolean; trail: number}
  | {kind: 'bracket'; symbol: string; side: 'buy' | 'sell'; quantity: number; stop: number; target: number; trail: boolean}
  | {kind: 'oco'; symbol: string; quantity: number; offset: number}
  | {kind: 'cancel' | 'replace'; pick: number; offset: number}
  | {kind: 'close'; symbol: string}

const symbolArb = fc.constantFrom(...SYMBOLS)
const sideArb = fc.constantFrom('buy' as const, 'sell' as const)
// Sizes up to an unaffordable one (refused at fill time) and a malformed one (refused at once).
const quantityArb = fc.constantFrom(1, 2, 0.5, 5_000, -1)
const actArb: fc.Arbitrary<Act | null> = fc.option(fc.oneof(
  fc.record({kind: fc.constant('order' as const), symbol: symbolArb, side: sideArb, quantity: quantityArb, type: fc.constantFrom('market' as const, 'limit' as const, 'stop' as const, 'stop_limit' as const),
    offset: fc.double({min: -0.03, max: 0.03, noNaN: true}), day: fc.boolean(), tag: fc.boolean(), trail: fc.constantFrom(0, 0, 1.5, -2)}),
  fc.record({kind: fc.constant('bracket' as const), symbol: symbolArb, side: sideArb, quantity: quantityArb, stop: fc.double({min: -0.05, max: 0.05, noNaN: true}),
    target: fc.double({min: -0.05, max: 0.05, noNaN: true}), trail: fc.boolean()}),
  fc.record({kind: fc.constant('oco' as const), symbol: symbolArb, quantity: quantityArb, offset: fc.double({min: 0.001, max: 0.03, noNaN: true})}),
  fc.record({kind: fc.constantFrom('cancel' as const, 'replace' as const), pick: fc.nat(20), offset: fc.double({min: -0.02, max: 0.02, noNaN: true})}),
  fc.record({kind: fc.constant('close' as const), symbol: symbolArb}),
), {freq: 2})

const runArb = fc.record({
  moves: fc.array(fc.double({min: -0.02, max: 0.02, noNaN: true}), {minLength: 20, maxLength: 80}),
  acts: fc.array(actArb, {minLength: 80, maxLength: 80}),
  maxVolumeShare: fc.constantFrom(undefined, 0.5),
  fillPrice: fc.constantFrom('next_open' as const, 'close' as const),
})

const barsOf = (moves: number[]): Bars[] => movingBars(SYMBOLS, moves, T0, 3)

function act(ctx: StrategyContext, a: Act, placed: Order[]): void {
  const price = (symbol: string) => ctx.close(symbol)
  const keep = (...orders: Array<Order | undefined>) => placed.push(...orders.filter((o) => o !== undefined))
  if (a.kind === 'order') {
    const p = price(a.symbol) * (1 + a.offset)
    const req: OrderRequest = {symbol: a.symbol, side: a.side, quantity: a.quantity, type: a.type, timeInForce: a.day ? 'day' : 'gtc'}
    if (a.type === 'limit' || a.type === 'stop_limit') req.limitPrice = p
    if (a.type === 'stop' || a.type === 'stop_limit') req.stopPrice = p
    if (a.tag) req.tag = `t${placed.length}`
    if (a.type === 'stop' && a.trail !== 0) {
      if (a.trail > 0) req.trailPercent = a.trail
      else req.trailAmount = -a.trail
    }
    keep(ctx.submitOrder(req))
  } else if (a.kind === 'bracket') {
    const p = price(a.symbol)
    const b = ctx.submitBracket({symbol: a.symbol, side: a.side, quantity: a.quantity}, a.trail ? {trailPercent: 1, takeProfit: p * (1 + a.target)} : {stopLoss: p * (1 + a.stop), takeProfit: p * (1 + a.target)})
    keep(b.entry, b.stopLoss, b.takeProfit)
  } else if (a.kind === 'oco') {
    const p = price(a.symbol)
    keep(...ctx.submitOco({symbol: a.symbol, side: 'sell', quantity: a.quantity, type: 'limit', limitPrice: p * (1 + a.offset)}, {symbol: a.symbol, side: 'sell', quantity: a.quantity, type: 'stop', stopPrice: p * (1 - a.offset)}))
  } else if (a.kind === 'cancel' || a.kind === 'replace') {
    const open = ctx.openOrders()
    if (open.length === 0) return
    const o = open[a.pick % open.length]
    if (a.kind === 'cancel') ctx.cancelOrder(o.id)
    else keep(ctx.replaceOrder(o.id, o.limitPrice !== undefined ? {limitPrice: o.limitPrice * (1 + a.offset)} : {quantity: o.quantity + 1}))
  } else {
    keep(ctx.closePosition(a.symbol))
  }
}

interface Ran {
  result: BacktestResult
  /** Every order the strategy was handed, as returned (the broker's own objects). */
  placed: Order[]
}

async function trade(r: fc.RecordValue<{moves: number[]; acts: Array<Act | null>; maxVolumeShare: number | undefined; fillPrice: 'next_open' | 'close'}>, keepOrders: boolean): Promise<Ran> {
  const bars = barsOf(r.moves)
  let bar = 0
  const placed: Order[] = []
  const definition = strategyOf('random-orders', (): StrategyHooks => ({
    onTradingIteration(ctx) {
      const a = r.acts[bar++]
      if (a) act(ctx, a, placed)
    },
  }))
  const spec = {symbols: SYMBOLS, timeframeMs: MIN, sleeptimeMs: MIN, broker: {...brokerSpec({cash: 10_000, fillPrice: r.fillPrice, commission: {fixed: 0.5}}), ...(r.maxVolumeShare ? {maxVolumeShare: r.maxVolumeShare} : {})}}
  const result = await runBacktest({spec, bars, definition, calendar: createCalendar('24/7'), keepOrders})
  return {result, placed}
}

/** What an order object says of itself at the end of the run (SimOrder.toJSON), keys in its order. */
const own = (o: Order): Order => (o as unknown as {toJSON(): Order}).toJSON()

async function jsonText(value: unknown): Promise<string> {
  let text = ''
  await writeJson(new Writable({write: (chunk, _e, done) => ((text += String(chunk)), done())}), value)
  return text
}

describe('a run keeps its orders as columns', () => {
  it('the orders made from the columns are the orders the strategy was handed, as they ended', async () => {
    let kinds = new Set<string>()
    await fc.assert(
      fc.asyncProperty(runArb, async (r) => {
        const {result, placed} = await trade(r, true)
        assert.ok(orderColumns(result), 'the run keeps its orders as columns')
        const byId = [...new Map(placed.map((o) => [o.id, o])).values()].sort((a, b) => a.id - b.id)
        const made = result.orders
        assert.equal(made.length, result.counts.orders)
        assert.deepStrictEqual(made.map((o) => o.id), byId.map((o) => o.id), 'every order, in submission order')
        for (let i = 0; i < made.length; i++) {
          const expected = own(byId[i])
          // Equal as values (undefined keys included) and as text (key order too).
          assert.deepStrictEqual(made[i], expected)
          assert.equal(JSON.stringify(made[i]), JSON.stringify(expected))
          kinds.add(`${expected.type}/${expected.status}${expected.reason ? '/reason' : ''}${expected.ocoWith ? '/oco' : ''}${expected.parentId ? '/leg' : ''}${expected.trailPercent || expected.trailAmount ? '/trail' : ''}${expected.filledQuantity !== undefined ? '/part' : ''}${expected.timeInForce === 'day' ? '/day' : ''}`)
        }
        // The counts read the same whether the orders are kept or not.
        const dropped = await trade(r, false)
        assert.deepStrictEqual(dropped.result.counts, result.counts)
        assert.deepStrictEqual(dropped.result.orders, [])
        const tally = (s: string) => made.filter((o) => o.status === s).length
        assert.deepStrictEqual([result.counts.canceled, result.counts.rejected], [tally('canceled'), tally('rejected')])
      }),
      // A fixed seed: the check below, that the runs reached every kind of order, then holds every time.
      {numRuns: 60, seed: 20261206},
    )
    // The runs reached every kind of order and ending (else the property proves little).
    const reached = (...parts: string[]) => [...kinds].some((k) => parts.every((p) => k.split('/').includes(p)))
    for (const parts of [['market', 'filled'], ['market', 'rejected', 'reason'], ['limit', 'canceled', 'oco'], ['stop', 'filled', 'oco', 'leg'], ['stop', 'canceled', 'leg'],
      ['limit', 'filled', 'leg'], ['stop_limit', 'filled'], ['canceled', 'day'], ['stop', 'filled', 'trail'], ['stop', 'open', 'trail'], ['market', 'filled', 'part']]) {
      assert.ok(reached(...parts), `no run had a ${parts.join(' ')} order: ${[...kinds].sort().join(', ')}`)
    }
    kinds = new Set()
  })

  it('--json writes the orders from the columns as the objects would be written', async () => {
    await fc.assert(
      fc.asyncProperty(runArb, async (r) => {
        const {result, placed} = await trade(r, true)
        const streamed = JSON.parse(await jsonText(backtestStreamDocument({}, result, {timeZone: 'UTC'}))) as {orders: Order[]}
        assert.ok(orderColumns(result), 'the document was written from the columns')
        const byId = [...new Map(placed.map((o) => [o.id, o])).values()].sort((a, b) => a.id - b.id)
        assert.deepStrictEqual(streamed.orders, JSON.parse(JSON.stringify(byId)))
        assert.deepStrictEqual(streamed.orders, JSON.parse(JSON.stringify(resultToJson(result).orders)))
      }),
      {numRuns: 25},
    )
  })

  it('orders placed in initialize and in the callbacks, requests refused for malformed fields, a refused trailing OCO leg', async () => {
    const placed: Order[] = []
    let limit: Order | undefined
    const keep = (o: Order | undefined) => void (o && placed.push(o))
    // What a plugin written in JavaScript may send: refused at once, each keeps what it asked for.
    const odd = [
      {side: 'short', quantity: 1}, {side: 'buy', quantity: 1, type: 'foo'}, {side: 'buy', quantity: 1, timeInForce: 'ioc'}, {side: 'buy', quantity: '1'},
      {side: 'buy'}, {side: 'buy', quantity: 1, type: 'limit', limitPrice: null}, {side: 'buy', quantity: 1, tag: 7},
    ] as unknown as OrderRequest[]
    const definition = strategyOf('edge-orders', (): StrategyHooks => ({
      initialize(ctx) {
        limit = ctx.submitOrder({side: 'sell', quantity: 1, type: 'limit', limitPrice: 1_000})
        keep(limit)
        // No bar seen yet: the trailing stop cannot start and is refused; its partner stays unpaired.
        keep(ctx.submitOrder({side: 'sell', quantity: 1, type: 'stop', trailAmount: 1, ocoWith: limit.id}))
        for (const req of odd) keep(ctx.submitOrder(req))
        // A price of null on a market order is no price: it works.
        keep(ctx.submitOrder({side: 'buy', quantity: 1, limitPrice: null, stopPrice: null} as unknown as OrderRequest))
      },
      onTradingIteration(ctx) {
        if (ctx.barCount() === 2) keep(ctx.replaceOrder(limit!.id, {limitPrice: 1_100}))
        if (ctx.barCount() === 3) for (const o of ctx.submitOco({side: 'sell', quantity: 1, type: 'limit', limitPrice: 2_000}, {side: 'sell', quantity: 1, type: 'stop', stopPrice: 1})) keep(o)
      },
      onFilledOrder(ctx) {
        keep(ctx.submitOrder({side: 'sell', quantity: 1, type: 'limit', limitPrice: 5_000, tag: 'from a fill'}))
      },
    }))
    const bars = barsOf(Array.from({length: 6}, () => 0.001))
    const spec = {symbols: SYMBOLS, timeframeMs: MIN, sleeptimeMs: MIN, broker: brokerSpec({cash: 10_000})}
    const result = await runBacktest({spec, bars, definition, calendar: createCalendar('24/7'), keepOrders: true})
    assert.equal(result.orders.length, placed.length)
    assert.deepStrictEqual(result.orders, placed.map(own))
    assert.equal(JSON.stringify(result.orders), JSON.stringify(placed))
    const refused = result.orders.filter((o) => o.status === 'rejected').length
    assert.ok(refused >= odd.length, `${refused} refused`) // all but the numeric tag, and the trailing stop
    // The refused trailing stop did not stay the limit order's partner: replacing the limit order did not touch it.
    assert.equal(result.orders[1].ocoWith, limit!.id)
    assert.equal(result.orders.find((o) => o.reason === 'replaced by order ' + placed.find((p) => p.limitPrice === 1_100)?.id)?.ocoWith, undefined)
  })

  it('a finished run holds no object per order', async () => {
    // A limit order far from the price every bar, canceled at the next: an order per bar, none filled.
    const n = 20_000
    const moves = Array.from({length: n}, (_, i) => (i % 7 < 3 ? 0.001 : -0.001))
    const acts: Act[] = Array.from({length: n}, (_, i) => (i % 2 ? {kind: 'cancel', pick: 0, offset: 0} : {kind: 'order', symbol: 'A', side: 'buy', quantity: 1, type: 'limit', offset: -0.5, day: false, tag: false, trail: 0}))
    const heap = heapAfterCollection()
    const run = {moves, acts, maxVolumeShare: undefined, fillPrice: 'next_open' as const}
    await trade(run, true) // compiles the code and shapes once
    const before = await heap()
    const {result} = await trade(run, true)
    const held = (await heap()) - before
    assert.ok(result.counts.orders >= n / 2 - 1 && result.counts.canceled === result.counts.orders, JSON.stringify(result.counts))
    const perOrder = held / result.counts.orders
    // Kept as objects, an order took some 200 bytes of V8's heap; as columns it is off the heap.
    assert.ok(perOrder < 24, `${perOrder.toFixed(1)} bytes of heap held per order`)
    assert.equal(result.orders.length, result.counts.orders) // made now, on first read
  })
})
