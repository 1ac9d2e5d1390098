/**
 * Brackets, OCO pairs and trailing stops in the Strategy API and the simulated broker (issue 15,
 * item 6). Rows are [open, high, low, close]; every fill, cash figure and P&L is worked out by
 * hand in the comments. Commission: 1 per fill (fixed), no slippage.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import type {BrokerSpec} from '../../src/model/bot-spec.js'
import type {StrategyContext} from '../../src/model/strategy.js'
import {MINUTE, T0, type Row} from './candles.js'
import {run} from './linked-harness.js'

const bracket = (exits: Record<string, number>) => (ctx: StrategyContext, got: Record<string, unknown>) => {
  got.bracket = ctx.submitBracket({side: 'buy', quantity: 10}, exits)
}
const ENTRY: Row[] = [
  [100, 100, 100, 100], // bar 0: the bracket is placed
  [100, 102, 94, 101], // bar 1: entry fills at the open, 100; its low touches the stop, but the legs work from bar 2
]

test('bracket, stop-loss fills: entry 100, stop 95, take-profit canceled', async () => {
  const r = await run({rows: [...ENTRY, [100, 103, 94, 96], [96, 97, 95, 96]], script: {0: bracket({stopLoss: 95, takeProfit: 110})}})
  // buy 10 @ 100 (−1000 − 1), sell 10 @ 95 (+950 − 1)
  assert.deepEqual(r.fills.map((f) => [f.orderId, f.side, f.quantity, f.price, f.time]), [[1, 'buy', 10, 100, T0 + MINUTE], [2, 'sell', 10, 95, T0 + 2 * MINUTE]])
  assert.equal(r.finalCash, 99_948)
  assert.equal(r.finalValue, 99_948)
  assert.deepEqual(r.trades.map((t) => [t.entryPrice, t.exitPrice, t.grossPnl, t.commission, t.netPnl]), [[100, 95, -50, 2, -52]])
  assert.deepEqual(r.events, ['filled #1 buy 10 @ 100', 'filled #2 sell 10 @ 95', 'canceled #3: OCO: order 2 filled'])
  assert.deepEqual(r.orders.map((o) => [o.id, o.type, o.status, o.tag]), [[1, 'market', 'filled', undefined], [2, 'stop', 'filled', 'stop_loss'], [3, 'limit', 'canceled', 'take_profit']])
  // The result's orders are as their JSON has them (model/order-log.ts).
  const json = r.orders
  assert.deepEqual([json[1].parentId, json[1].ocoWith, json[2].parentId, json[2].ocoWith], [1, 3, 1, 2])
  assert.equal(r.counts.sameBar, undefined)
})

test('bracket, take-profit fills: sell 10 @ 110', async () => {
  const r = await run({rows: [...ENTRY, [101, 111, 100, 109], [109, 109, 109, 109]], script: {0: bracket({stopLoss: 95, takeProfit: 110})}})
  // buy 10 @ 100 (−1001), sell 10 @ 110 (+1100 − 1): 100 098; P&L +100 gross, +98 net
  assert.deepEqual(r.fills.map((f) => [f.side, f.price]), [['buy', 100], ['sell', 110]])
  assert.equal(r.finalCash, 100_098)
  assert.deepEqual(r.trades.map((t) => [t.grossPnl, t.netPnl]), [[100, 98]])
  assert.deepEqual(r.events.slice(1), ['filled #3 sell 10 @ 110', 'canceled #2: OCO: order 3 filled'])
})

test('bracket, gap through the stop: fills at the open (92), whatever same_bar says', async () => {
  // bar 2 opens at 92, below the stop, and its high (111) also reaches the take-profit: the open comes
  // first, so the stop fills at 92 even under target_first, and no same-bar decision is counted.
  for (const sameBar of ['stop_first', 'target_first', 'open_distance'] as const) {
    const r = await run({rows: [...ENTRY, [92, 111, 90, 91], [91, 91, 91, 91]], broker: {sameBar}, script: {0: bracket({stopLoss: 95, takeProfit: 110})}})
    assert.deepEqual(r.fills.map((f) => [f.side, f.price]), [['buy', 100], ['sell', 92]], sameBar)
    assert.equal(r.finalCash, 100_000 - 1001 + 920 - 1, sameBar) // 99 918
    assert.equal(r.counts.sameBar, undefined)
  }
  // and a gap up through the take-profit fills it at the open, 112
  const up = await run({rows: [...ENTRY, [112, 113, 94, 112], [112, 112, 112, 112]], script: {0: bracket({stopLoss: 95, takeProfit: 110})}})
  assert.deepEqual(up.fills.map((f) => [f.side, f.price]), [['buy', 100], ['sell', 112]])
  assert.equal(up.finalCash, 100_000 - 1001 + 1120 - 1) // 100 118
})

test('both legs in one bar: broker.same_bar decides, and the result counts it', async () => {
  // bar 2 [100, 111, 94, 100] reaches the stop (95) and the take-profit (110); neither at the open.
  const both = (open: number): Row[] => [...ENTRY, [open, 111, 94, 100], [100, 100, 100, 100]]
  const exit = async (sameBar: BrokerSpec['sameBar'], open = 100) => {
    const r = await run({rows: both(open), broker: sameBar === undefined ? {} : {sameBar}, script: {0: bracket({stopLoss: 95, takeProfit: 110})}})
    assert.equal(r.fills.length, 2)
    assert.equal(r.counts.sameBar, 1)
    assert.equal(r.orders.filter((o) => o.status === 'canceled').length, 1)
    return [r.fills[1].price, r.finalCash]
  }
  assert.deepEqual(await exit(undefined), [95, 99_948]) // default: stop_first
  assert.deepEqual(await exit('stop_first'), [95, 99_948])
  assert.deepEqual(await exit('target_first'), [110, 100_098])
  // open_distance: open 100 is 5 from the stop, 10 from the target → stop; open 104 is 9 and 6 → target
  assert.deepEqual(await exit('open_distance'), [95, 99_948])
  assert.deepEqual(await exit('open_distance', 104), [110, 100_098])
})

test('OCO pair: canceling one leg cancels the other; a fill of one cancels the other', async () => {
  const oco = (ctx: StrategyContext, got: Record<string, any>) => {
    got.pair = ctx.submitOco({side: 'buy', quantity: 5, type: 'limit', limitPrice: 90}, {side: 'buy', quantity: 5, type: 'stop', stopPrice: 105})
  }
  const canceled = await run({
    rows: [[100, 100, 100, 100], [100, 101, 99, 100], [100, 106, 89, 100]],
    script: {0: oco, 1: (ctx, got) => assert.equal(ctx.cancelOrder(got.pair[0].id), true)},
  })
  assert.equal(canceled.fills.length, 0)
  assert.deepEqual(canceled.events, ['canceled #1: canceled by the strategy', 'canceled #2: OCO: order 1 was canceled'])
  assert.equal(canceled.finalCash, 100_000)

  // breakout: bar 2 reaches 105 (high 106) and not 90 (low 99): the stop buys 5 @ 105, the limit is canceled
  const filled = await run({rows: [[100, 100, 100, 100], [100, 101, 99, 100], [100, 106, 99, 104], [104, 104, 104, 104]], script: {0: oco}})
  assert.deepEqual(filled.fills.map((f) => [f.orderId, f.price]), [[2, 105]])
  assert.deepEqual(filled.events, ['filled #2 buy 5 @ 105', 'canceled #1: OCO: order 2 filled'])
  assert.equal(filled.finalCash, 100_000 - 525 - 1)
  assert.equal(filled.finalValue, 100_000 - 525 - 1 + 5 * 104)
})

test('a bracket whose entry ends unfilled cancels its legs; a rejected OCO leg refuses its partner', async () => {
  const r = await run({
    rows: [[100, 100, 100, 100], [100, 101, 99, 100], [100, 101, 99, 100]],
    script: {
      0: (ctx, got) => {
        got.b = ctx.submitBracket({side: 'buy', quantity: 10, type: 'limit', limitPrice: 80}, {stopLoss: 75, takeProfit: 90})
      },
      1: (ctx, got) => ctx.cancelOrder(got.b.entry.id),
    },
  })
  assert.deepEqual(r.events, ['canceled #1: canceled by the strategy', 'canceled #2: its entry, order 1, was canceled', 'canceled #3: OCO: order 2 was canceled'])
  // an unaffordable entry is rejected at fill time, and its legs go with it
  const poor = await run({rows: ENTRY.concat([[100, 100, 100, 100]]), broker: {cash: 500}, script: {0: bracket({stopLoss: 95, takeProfit: 110})}})
  assert.deepEqual(poor.orders.map((o) => o.status), ['rejected', 'canceled', 'canceled'])
  // stops on the wrong side of the take-profit: refused at once, nothing works
  const wrong = await run({rows: ENTRY, script: {0: bracket({stopLoss: 110, takeProfit: 95})}})
  assert.deepEqual(wrong.orders.map((o) => o.status), ['rejected', 'rejected', 'rejected'])
  assert.match(wrong.orders[0].reason!, /stopLoss \(110\) must be below its takeProfit \(95\)/)
  const pair = await run({rows: ENTRY, script: {0: (ctx) => ctx.submitOco({side: 'buy', quantity: -1}, {side: 'sell', quantity: 1, type: 'limit', limitPrice: 120})}})
  assert.deepEqual(pair.orders.map((o) => o.status), ['rejected', 'rejected'])
  assert.match(pair.orders[1].reason!, /OCO partner, order 1 is not a working order/)
  const second = await run({rows: ENTRY, script: {0: (ctx) => ctx.submitOco({side: 'sell', quantity: 1, type: 'limit', limitPrice: 120}, {side: 'buy', quantity: 1, type: 'stop'})}})
  assert.deepEqual(second.orders.map((o) => o.status), ['canceled', 'rejected'])
})

test('trailing stop by amount (Strategy API): follows the highs, fills at its level', async () => {
  const r = await run({
    rows: [
      [100, 100, 100, 100], // 0: buy 10
      [100, 101, 99, 100], // 1: bought @ 100; trailing sell stop by 2 from the close 100 → 98
      [100, 104, 99, 103], // 2: low 99 > 98; high 104 → stop 102
      [103, 105, 102.5, 104], // 3: low 102.5 > 102; high 105 → stop 103
      [104, 104, 101, 102], // 4: low 101 ≤ 103, open above → sells @ 103
      [102, 102, 102, 102],
    ],
    script: {
      0: (ctx) => ctx.buy(10),
      1: (ctx, got) => {
        got.stop = ctx.sell(10, {type: 'stop', trailAmount: 2})
        got.level = got.stop.stopPrice
      },
      3: (ctx, got) => {
        got.level3 = ctx.openOrders()[0].stopPrice
      },
    },
  })
  assert.equal(r.got.level, 98)
  assert.equal(r.got.level3, 103)
  assert.deepEqual(r.fills.map((f) => [f.side, f.price, f.time]), [['buy', 100, T0 + MINUTE], ['sell', 103, T0 + 4 * MINUTE]])
  assert.equal(r.finalCash, 100_000 - 1001 + 1030 - 1) // 100 028
  assert.deepEqual(r.trades.map((t) => [t.grossPnl, t.netPnl]), [[30, 28]])
})

test('trailing stop by percent as a bracket stop-loss: starts from the entry fill', async () => {
  const r = await run({
    rows: [
      [100, 100, 100, 100], // 0: bracket, trailing 5%, take-profit 120
      [100, 101, 99, 100], // 1: entry @ 100 → stop 95 (works from bar 2)
      [100, 110, 99, 108], // 2: low 99 > 95; high 110 → stop 110 × 0.95 = 104.5
      [108, 109, 104, 105], // 3: low 104 ≤ 104.5 → sells @ 104.5; the take-profit is canceled
      [105, 105, 105, 105],
    ],
    script: {0: bracket({trailPercent: 5, takeProfit: 120})},
  })
  assert.deepEqual(r.fills.map((f) => [f.side, f.price]), [['buy', 100], ['sell', 104.5]])
  assert.equal(r.finalCash, 100_000 - 1001 + 1045 - 1) // 100 043
  assert.deepEqual(r.events.slice(2), ['canceled #3: OCO: order 2 filled'])
})

test('replaceOrder keeps the OCO pairing: moving the stop does not cancel the take-profit', async () => {
  const r = await run({
    rows: [...ENTRY, [100, 103, 99, 102], [102, 104, 97.5, 103], [103, 103, 103, 103]],
    script: {
      0: bracket({stopLoss: 95, takeProfit: 110}),
      2: (ctx, got) => {
        got.moved = ctx.replaceOrder(got.bracket.stopLoss.id, {stopPrice: 98})
      },
    },
  })
  // the new stop (#4, at 98) works from bar 3, whose low 97.5 reaches it: sells @ 98, the take-profit goes
  assert.deepEqual(r.fills.map((f) => [f.orderId, f.price]), [[1, 100], [4, 98]])
  assert.deepEqual(r.events.slice(1), ['canceled #2: replaced by order 4', 'filled #4 sell 10 @ 98', 'canceled #3: OCO: order 4 filled'])
  assert.equal(r.finalCash, 100_000 - 1001 + 980 - 1)
})

test('replacing a trailing stop keeps its best price; a tighter stopPrice is kept', async () => {
  const r = await run({
    rows: [
      [100, 100, 100, 100], // 0: buy 10
      [100, 101, 99, 100], // 1: bought @ 100; trailing sell stop by 2 from 100 → 98
      [100, 106, 99, 101], // 2: high 106 → stop 104; at bar 2 the stop is replaced with stopPrice 103 (looser: the trail's 104 stays)
      [101, 102, 101, 101.5], // 3: the replacement (works from bar 3) is at 104, from best 106, not from the close 101 (→ 99): open 101 ≤ 104 → sells @ 101
      [101, 101, 101, 101],
    ],
    script: {
      0: (ctx) => ctx.buy(10),
      1: (ctx, got) => {
        got.stop = ctx.sell(10, {type: 'stop', trailAmount: 2})
      },
      2: (ctx, got) => {
        got.moved = ctx.replaceOrder(got.stop.id, {stopPrice: 103})
        got.level = got.moved.stopPrice
      },
    },
  })
  assert.equal(r.got.level, 104)
  assert.deepEqual(r.fills.map((f) => [f.side, f.price, f.time]), [['buy', 100, T0 + MINUTE], ['sell', 101, T0 + 3 * MINUTE]])
})

test('regression: replacing a bracket entry moves only its working legs; a leg already ended keeps the entry it ended under', async () => {
  const r = await run({
    rows: [[100, 100, 100, 100], [100, 101, 99, 100], [100, 101, 99, 100], [84, 84, 84, 84], [84, 84, 84, 84]],
    script: {
      0: (ctx, got) => {
        got.b = ctx.submitBracket({side: 'buy', quantity: 10, type: 'limit', limitPrice: 80}, {stopLoss: 75, takeProfit: 90})
      },
      1: (ctx, got) => ctx.cancelOrder(got.b.stopLoss.id), // and, its OCO partner, the take-profit
      2: (ctx, got) => {
        got.entry = ctx.replaceOrder(got.b.entry.id, {limitPrice: 85})
      },
    },
  })
  // Before, the replacement took the ended legs too: their parentId read 4, an entry placed after they had ended.
  assert.deepEqual(r.orders.map((o) => [o.id, o.status, o.parentId]), [[1, 'canceled', undefined], [2, 'canceled', 1], [3, 'canceled', 1], [4, 'filled', undefined]])
  assert.deepEqual(r.events, ['canceled #2: canceled by the strategy', 'canceled #3: OCO: order 2 was canceled', 'canceled #1: replaced by order 4', 'filled #4 buy 10 @ 84'])
})

test('replacing a bracket entry with a new quantity resizes its legs (found by an audit: the stop sold the old 10 of 5 held, opening a short)', async () => {
  const r = await run({
    rows: [[100, 100, 100, 100], [100, 101, 99.5, 100], [100, 100, 98, 99], [99, 99, 94, 95], [95, 95, 95, 95]],
    script: {
      0: (ctx, got) => {
        got.b = ctx.submitBracket({side: 'buy', quantity: 10, type: 'limit', limitPrice: 99}, {stopLoss: 96, takeProfit: 110})
      },
      1: (ctx, got) => {
        got.entry = ctx.replaceOrder(got.b.entry.id, {quantity: 5})
        got.legs = ctx.openOrders().filter((o) => o.id !== got.entry.id).map((o) => o.quantity)
      },
    },
  })
  assert.deepEqual(r.got.legs, [5, 5])
  // bar 2: the new entry buys 5 @ 99 (low 98); bar 3: the stop sells those 5 @ 96; the take-profit goes
  assert.deepEqual(r.fills.map((f) => [f.side, f.quantity, f.price]), [['buy', 5, 99], ['sell', 5, 96]])
  assert.deepEqual(r.positions, [])
  assert.equal(r.finalCash, 100_000 - 495 + 480 - 2)
})
