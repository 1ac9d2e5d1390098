/**
 * `rules` stops on a broker without stop orders (an exchange broker places market and limit orders
 * only, and refuses a stop with `unsupportedOrderType('stop')`; here the simulated broker with the
 * exchange broker's limits, as `bots parity` replays an exchange bot): the trader watches the level
 * on each bar after the entry's fill and closes at market when a bar reaches it. And an entry that ends
 * after a part filled gets its stops for that part. Hand-computed; no commission.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {barsFromRows} from '../../src/core/bars.js'
import {createCalendar} from '../../src/calendar/index.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {BotSpec} from '../../src/model/bot-spec.js'
import {EXCHANGE_LIMITS} from '../../src/broker/venue-limits.js'
import {unsupportedOrderType, type OrderRequest} from '../../src/model/orders.js'
import type {StrategyContext} from '../../src/model/strategy.js'
import {rulesStrategy} from '../../src/rules/rules-strategy.js'
import {withWrappedContext} from './wrapped-context.js'
import {compareLiveToBacktest} from '../../src/live/parity.js'
import type {LiveSpec} from '../../src/live/runtime-types.js'

const DAY = 86_400_000
const T0 = Date.UTC(2024, 0, 1)
type Row = [number, number, number, number]

const BROKER: BotSpec['broker'] = {cash: 100_000, commission: {perShare: 0, percent: 0, fixed: 0, minimum: 0}, slippageBps: 0, allowShort: true, fillPrice: 'next_open'}

/** The rules strategy on a simulated broker that takes what the exchange broker takes (EXCHANGE_LIMITS: no stop orders, no OCO). */
async function onExchangeLikeBroker(params: Record<string, unknown>, rows: Row[], sleepDays = 1) {
  const bars = barsFromRows('X', DAY, rows.map(([open, high, low, close], i) => ({time: T0 + i * DAY, open, high, low, close, volume: 100})))
  const r = await runBacktest({spec: {symbols: ['X'], timeframeMs: DAY, sleeptimeMs: sleepDays * DAY, broker: BROKER}, bars: [bars], definition: rulesStrategy(), params,
    calendar: createCalendar('24/7'), limits: EXCHANGE_LIMITS})
  const refused = r.orders.filter((o) => o.status === 'rejected')
  assert.ok(refused.every((o) => o.reason === `${unsupportedOrderType('stop')}: the exchange broker places market and limit orders`), JSON.stringify(refused))
  return {...r, refusals: refused.length, trading: r.orders.filter((o) => o.status !== 'rejected')}
}

const day = (t: number) => Math.round((t - T0) / DAY)

test('a stop the broker refuses is watched: the first bar reaching it closes the position at market', async () => {
  // Bar 0 closes at 101 ≥ 100: buy 10 at bar 1's open (100); stop 5% → 95, watched from bar 2 (the bar after the
  // fill, as the broker's stop legs work: bar 1's low 94 does not count). Bar 2's low 95.5 stays above; bar 3's
  // low 94.9 reaches it: sell 10 at bar 4's open, 97. Closes stay below 100 after.
  const rows: Row[] = [[100, 101, 99, 101], [100, 102, 94, 99], [99, 99, 95.5, 96], [96, 97, 94.9, 96], [97, 98, 97, 97], [98, 98, 98, 98]]
  const r = await onExchangeLikeBroker({entry: {long: 'close >= 100'}, sizing: {type: 'quantity', value: 10}, stop_loss: {percent: 5}}, rows)
  assert.deepEqual(r.fills.map((f) => [f.side, f.quantity, f.price, day(f.time)]), [['buy', 10, 100, 1], ['sell', 10, 97, 4]])
  assert.equal(r.finalCash, 100_000 - 1000 + 970)
  assert.equal(r.refusals, 1, 'the stop is asked for once; after the refusal the trader watches')
  assert.deepEqual(r.logs.map((l) => l.message), [
    'X: the broker has no stop orders; the stop at 95 is watched on each bar and closes at market',
    'X: stop 95 reached (bar low 94.9); closing at market',
  ])

  // A short: the stop is above, reached by a bar's high. Entry sells 10 at bar 1's open (100); stop 105; bar 2's high 105 reaches it.
  const short = await onExchangeLikeBroker({entry: {short: 'close <= 100'}, sizing: {type: 'quantity', value: 10}, stop_loss: {percent: 5}},
    [[100, 101, 99, 99], [100, 104, 99, 101], [101, 105, 100, 101], [103, 103, 103, 103], [102, 102, 102, 102]])
  assert.deepEqual(short.fills.map((f) => [f.side, f.price, day(f.time)]), [['sell', 100, 1], ['buy', 103, 3]])
})

test('a watched stop with a take-profit: the take-profit is a plain limit order, canceled when the stop closes', async () => {
  const rows: Row[] = [[100, 101, 99, 101], [100, 102, 96, 99], [99, 99, 94, 96], [97, 98, 97, 97], [98, 98, 98, 98]]
  const r = await onExchangeLikeBroker({entry: {long: 'close >= 100'}, sizing: {type: 'quantity', value: 10}, stop_loss: {percent: 5}, take_profit: {percent: 10}}, rows)
  assert.deepEqual(r.fills.map((f) => [f.side, f.price, day(f.time)]), [['buy', 100, 1], ['sell', 97, 3]])
  assert.deepEqual(r.trading.map((o) => [o.type, o.tag, o.status, o.reason]), [
    ['market', undefined, 'filled', undefined],
    ['limit', 'take_profit', 'canceled', 'canceled by the strategy'],
    ['market', 'stop', 'filled', undefined],
  ])
  // The take-profit reached first (bar 2's high 111; it works from bar 2 as the stop does): it fills, and nothing is watched any more.
  const up = await onExchangeLikeBroker({entry: {long: 'close >= 100'}, sizing: {type: 'quantity', value: 10}, stop_loss: {percent: 5}, take_profit: {percent: 10}},
    [[100, 101, 99, 101], [100, 100, 99, 99], [100, 111, 99, 99], [99, 99, 90, 90], [90, 90, 90, 90]])
  assert.deepEqual(up.fills.map((f) => [f.side, f.price, day(f.time)]), [['buy', 100, 1], ['sell', 110, 2]])
  assert.equal(up.logs.length, 1, 'no stop reached after the take-profit closed the position')
})

test('a watched trailing stop checks each bar against the level before it, then moves by its high', async () => {
  // Trailing 5%: entry 100 at bar 1 → 95. Bar 1: low 99 holds; high 104 → 98.8. Bar 2: low 99 holds; high 106 → 100.7.
  // Bar 3: low 100.5 ≤ 100.7 → sell at bar 4's open (99).
  const rows: Row[] = [[100, 101, 99, 99], [100, 104, 99, 99], [103, 106, 99, 99], [104, 105, 100.5, 99], [99, 99, 99, 99], [98, 98, 98, 98]]
  const params = {entry: {long: 'close >= 100'}, sizing: {type: 'quantity', value: 10}, trailing_stop: {percent: 5}}
  const rows0: Row[] = [[100, 101, 99, 101], ...rows.slice(1)]
  const daily = await onExchangeLikeBroker(params, rows0)
  assert.deepEqual(daily.fills.map((f) => [f.side, f.price, day(f.time)]), [['buy', 100, 1], ['sell', 99, 4]])
  assert.match(daily.logs[1].message, /^X: stop 100\.7\d* reached \(bar low 100\.5\)/)

  // Order matters inside one iteration that sees several bars. Bar 2's low 96 is above bar 1's level
  // (95 → 98.8 only after bar 1's high 104 counts): bar 1 low 99 ok → 98.8; bar 2 low 98 ≤ 98.8: out.
  // Had bar 2 been judged against the level after its own high (110 → 104.5), or bar 1 after bar 2, the answer would differ.
  const batched: Row[] = [[100, 101, 99, 101], [100, 100, 100, 100], [100, 104, 99, 99], [99, 110, 98, 99], [97, 97, 97, 97], [96, 96, 96, 96], [95, 95, 95, 95]]
  const r = await onExchangeLikeBroker(params, batched, 2)
  // Iterations at bars 0, 2, 4, 6 (every 2 days). Entry signal at bar 0 → buys at bar 1's open (100);
  // the iteration at bar 2 sees bars 1-2: bar 1 (high 100) leaves 95; bar 2 low 99 holds, high 104 → 98.8.
  // The iteration at bar 4 sees bars 3-4: bar 3 low 98 ≤ 98.8 → sell at bar 5's open (96).
  assert.deepEqual(r.fills.map((f) => [f.side, f.price, day(f.time)]), [['buy', 100, 1], ['sell', 96, 5]])
  assert.match(r.logs[1].message, /^X: stop 98\.8 reached \(bar low 98\)/)
})

test('an entry that ends with a part filled (the rest refused for cash) gets its stop for that part', async () => {
  // Volume 400, 10% share: 40 units a bar. Cash 5,000: buy 100 at 100 fills 40 on bar 1 (4,000), then its
  // rest is refused on bar 2 (40 more need 4,000, 1,000 left). The 40 held get a 5% stop at 95, working from bar 3;
  // bar 3's low 94 reaches it: sell 40 @ 95. Before, the part was left without a stop.
  const rows: Row[] = [[100, 101, 99, 101], [100, 100, 100, 99], [100, 100, 100, 99], [96, 96, 94, 95], [95, 95, 95, 95]]
  const bars = barsFromRows('X', DAY, rows.map(([open, high, low, close], i) => ({time: T0 + i * DAY, open, high, low, close, volume: 400})))
  const broker: BotSpec['broker'] = {...BROKER, cash: 5000, allowShort: false, maxVolumeShare: 0.1}
  const r = await runBacktest({spec: {symbols: ['X'], timeframeMs: DAY, sleeptimeMs: DAY, broker}, bars: [bars], definition: rulesStrategy(),
    params: {entry: {long: 'close >= 100'}, sizing: {type: 'quantity', value: 100}, stop_loss: {percent: 5}}, calendar: createCalendar('24/7')})
  assert.deepEqual(r.fills.map((f) => [f.side, f.quantity, f.price, day(f.time)]), [['buy', 40, 100, 1], ['sell', 40, 95, 3]])
  assert.deepEqual(r.orders.map((o) => [o.tag, o.quantity, o.status]), [[undefined, 100, 'rejected'], ['stop', 40, 'filled']])
  assert.deepEqual(r.positions, [])
})

test('bots parity replays an exchange bot on a broker with the exchange broker\'s limits (its stop watched), a paper bot on the full one', async () => {
  // What the exchange bot did (the end-to-end test test/exchange/live-twin-rules-stops.test.ts shows it decides so live).
  const rows: Row[] = [[100, 101, 99, 101], [100, 102, 94, 99], [99, 99, 95.5, 96], [96, 97, 94.9, 96], [97, 98, 97, 97], [98, 98, 98, 98]]
  const params = {entry: {long: 'close >= 100'}, sizing: {type: 'quantity', value: 10}, stop_loss: {percent: 5}}
  const live = await onExchangeLikeBroker(params, rows)
  const bars = [barsFromRows('X', DAY, rows.map(([open, high, low, close], i) => ({time: T0 + i * DAY, open, high, low, close, volume: 100})))]
  const spec = (type: 'exchange' | 'paper'): LiveSpec => ({symbols: ['X'], timeframeMs: DAY, sleeptimeMs: DAY, broker: BROKER, market: '24/7', live: {feed: {type: 'replay'}, broker: {type}} as BotSpec['live']})
  const compare = (type: 'exchange' | 'paper') => compareLiveToBacktest({spec: spec(type), definition: rulesStrategy(), params, bars, live: {fills: live.fills, orders: live.orders}})
  const exchange = await compare('exchange')
  assert.equal(exchange.same, true, JSON.stringify(exchange.firstDifference))
  // A broker with stop orders fills the stop (order 2) at 95 on bar 3, where the exchange bot sold at market on bar 4.
  const paper = await compare('paper')
  assert.equal(paper.same, false)
  assert.deepEqual([paper.firstDifference?.backtest?.kind, paper.firstDifference?.backtest?.orderId, paper.firstDifference?.backtest?.price], ['fill', 2, 95])
  assert.deepEqual([paper.firstDifference?.live?.kind, paper.firstDifference?.live?.type, paper.firstDifference?.live?.orderId], ['order', 'market', 3])
})

test('a watched stop on a close-only crossover plan (the close loop) is checked on every bar, as on the general path (found in review)', async () => {
  // Closes 100, 99, 98, then 103 crosses above its SMA(3): buy at bar 4's open (100), stop 95. Bar 5's
  // low 90 reaches it with no new cross: sell at bar 6's open (105). The close loop judged the plan only
  // on crossing bars, so it never looked at the watched stop.
  const rows: Row[] = [[100, 100, 100, 100], [99, 99, 99, 99], [98, 98, 98, 98], [98, 103, 98, 103], [100, 104, 100, 104],
    [104, 105, 90, 105], [105, 106, 104, 106], [106, 107, 105, 107], [107, 107, 107, 107], [107, 107, 107, 107]]
  const run = async (long: string) => (await onExchangeLikeBroker({indicators: {slow: {type: 'sma', period: 3}}, entry: {long}, sizing: {type: 'quantity', value: 10}, stop_loss: {percent: 5}}, rows))
    .fills.map((f) => [f.side, f.price, day(f.time)])
  const general = await run('crosses_above(close * 1, slow)')
  assert.deepEqual(general, [['buy', 100, 4], ['sell', 105, 6]])
  assert.deepEqual(await run('crosses_above(close, slow)'), general)
})

test('a watched-stop exit that is refused is sent again at the next look; the position is never left unwatched (found in review)', async () => {
  // As the first test: the stop at 95 is reached on bar 3 and the exit goes out; here it is refused, as an
  // exchange refuses one (the take-profit sold a part before its cancel arrived; a market order expired).
  // At bar 4 the trader sends another, which fills at bar 5's open (98).
  const rows: Row[] = [[100, 101, 99, 101], [100, 102, 94, 99], [99, 99, 95.5, 96], [96, 97, 94.9, 96], [97, 98, 97, 97], [98, 98, 98, 98], [98, 98, 98, 98]]
  let refusedOnce = false
  const refuseFirstExit = (ctx: StrategyContext): StrategyContext => new Proxy(ctx, {
    get(target, key) {
      if (key === 'submitOrder') {
        return (r: OrderRequest) => {
          if (r.tag !== 'stop' || r.type !== undefined || refusedOnce) return target.submitOrder(r)
          refusedOnce = true
          const o = target.submitOrder({...r, quantity: -1}) // refused by the broker (a quantity it cannot take), as the exchange refuses
          assert.equal(o.status, 'rejected')
          return o
        }
      }
      const v = Reflect.get(target, key, target)
      return typeof v === 'function' ? v.bind(target) : v
    },
  })
  const definition = withWrappedContext(rulesStrategy(), refuseFirstExit)
  const bars = barsFromRows('X', DAY, rows.map(([open, high, low, close], i) => ({time: T0 + i * DAY, open, high, low, close, volume: 100})))
  const r = await runBacktest({spec: {symbols: ['X'], timeframeMs: DAY, sleeptimeMs: DAY, broker: BROKER}, bars: [bars], definition,
    params: {entry: {long: 'close >= 100'}, sizing: {type: 'quantity', value: 10}, stop_loss: {percent: 5}}, calendar: createCalendar('24/7'), limits: EXCHANGE_LIMITS})
  assert.ok(refusedOnce)
  assert.deepEqual(r.fills.map((f) => [f.side, f.quantity, f.price, day(f.time)]), [['buy', 10, 100, 1], ['sell', 10, 98, 5]])
  assert.deepEqual(r.positions, [])
})
