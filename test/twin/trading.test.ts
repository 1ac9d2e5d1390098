import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import ccxt from 'ccxt'
import {client, twin} from './helpers.js'

const S = 'BTC/USDT'

describe('twin trading through an unmodified ccxt binance', () => {
  it('a market buy fills at the next released bar open, with commission in the quote asset', async () => {
    const t = await twin({commissionPercent: 0.1})
    const ex = await client(t)
    const created = await ex.createOrder(S, 'market', 'buy', 0.5, undefined, {clientOrderId: 'bot1-0001'})
    assert.equal(created.status, 'open')
    assert.equal(created.clientOrderId, 'bot1-0001')
    assert.equal(created.filled, 0)
    await t.advance()
    const bar = (await ex.fetchOHLCV(S, '1m')).at(-1)!
    const order = await ex.fetchOrder(created.id, S)
    assert.equal(order.status, 'closed')
    assert.equal(order.filled, 0.5)
    assert.equal(order.average, bar[1])
    const byClientId = await ex.fetchOrder('', S, {origClientOrderId: 'bot1-0001'})
    assert.equal(byClientId.id, created.id)
    const [trade] = await ex.fetchMyTrades(S)
    const cost = Math.round(bar[1]! * 0.5 * 1e8) / 1e8
    assert.equal(trade.price, bar[1])
    assert.equal(trade.amount, 0.5)
    assert.equal(trade.side, 'buy')
    assert.deepEqual(trade.fee, {cost: Math.round(cost * 0.001 * 1e8) / 1e8, currency: 'USDT'})
    assert.equal(trade.timestamp, bar[0]) // the filling bar's open
    const bal = await ex.fetchBalance()
    assert.equal(bal.BTC.free, 0.5)
    assert.equal(bal.USDT.free, Math.round((10_000 - cost - trade.fee!.cost!) * 1e8) / 1e8)
    assert.equal(bal.USDT.used, 0)
  })

  it('a limit order rests (funds locked), shows in fetchOpenOrders, and cancelOrder releases it', async () => {
    const t = await twin()
    const ex = await client(t)
    const last = (await ex.fetchOHLCV(S, '1m')).at(-1)![4]!
    const price = Math.round(last * 0.5 * 100) / 100
    const o = await ex.createOrder(S, 'limit', 'buy', 1, price, {clientOrderId: 'rest-1'})
    assert.equal(o.status, 'open')
    const bal = await ex.fetchBalance()
    assert.equal(bal.USDT.used, Math.round(price * 1.001 * 1e8) / 1e8)
    await t.advance(3)
    const open = await ex.fetchOpenOrders(S)
    assert.deepEqual(open.map((x) => x.clientOrderId), ['rest-1'])
    const canceled = await ex.cancelOrder(o.id, S)
    assert.equal(canceled.status, 'canceled')
    assert.deepEqual(await ex.fetchOpenOrders(S), [])
    assert.equal((await ex.fetchBalance()).USDT.free, 10_000)
    await assert.rejects(ex.cancelOrder(o.id, S), ccxt.OrderNotFound)
    await assert.rejects(ex.fetchOrder('999', S), ccxt.OrderNotFound)
  })

  it('a limit sell fills when a later bar trades through it, at the limit (or the open on a gap)', async () => {
    const t = await twin({walk: {seed: 7}})
    const ex = await client(t)
    await ex.createOrder(S, 'market', 'buy', 1)
    await t.advance()
    const last = (await ex.fetchOHLCV(S, '1m')).at(-1)!
    const limit = Math.round(last[4]! * 1.001 * 100) / 100
    const sell = await ex.createOrder(S, 'limit', 'sell', 1, limit)
    let bar = last
    while ((await ex.fetchOrder(sell.id, S)).status === 'open') {
      await t.advance()
      bar = (await ex.fetchOHLCV(S, '1m')).at(-1)!
      assert.ok(t.released < 500, 'the walk should reach the limit')
    }
    const filled = await ex.fetchOrder(sell.id, S)
    assert.equal(filled.status, 'closed')
    assert.equal(filled.average, bar[1]! >= limit ? bar[1] : limit)
    assert.ok(bar[2]! >= limit)
  })

  it('myTrades: fromId and startTime select rows; allOrders lists every order', async () => {
    const t = await twin()
    const ex = await client(t)
    for (let i = 0; i < 3; i++) {
      await ex.createOrder(S, 'market', 'buy', 0.1, undefined, {clientOrderId: `t-${i}`})
      await t.advance()
    }
    const all = await ex.fetchMyTrades(S)
    assert.equal(all.length, 3)
    const fromSecond = await ex.fetchMyTrades(S, undefined, undefined, {fromId: all[1].id})
    assert.deepEqual(fromSecond.map((x) => x.id), [all[1].id, all[2].id])
    const since = await ex.fetchMyTrades(S, all[2].timestamp)
    assert.deepEqual(since.map((x) => x.id), [all[2].id])
    const orders = await ex.fetchOrders(S)
    assert.deepEqual(orders.map((o) => o.clientOrderId), ['t-0', 't-1', 't-2'])
  })

  it('a duplicate clientOrderId answers -2010 "Duplicate order sent." and creates nothing', async () => {
    const t = await twin()
    const ex = await client(t)
    await ex.createOrder(S, 'market', 'buy', 0.1, undefined, {clientOrderId: 'same'})
    await assert.rejects(ex.createOrder(S, 'market', 'buy', 0.1, undefined, {clientOrderId: 'same'}), (e: Error) => {
      assert.ok(e instanceof ccxt.InvalidOrder, e.constructor.name)
      assert.match(e.message, /"code":-2010,"msg":"Duplicate order sent\."/)
      return true
    })
    assert.equal(t.orders().length, 1)
    const adopted = await ex.fetchOrder('', S, {origClientOrderId: 'same'})
    assert.equal(adopted.id, String(t.orders()[0].orderId))
  })

  it('insufficient balance → InsufficientFunds; NOTIONAL → BadRequest (as ccxt maps -1013); LOT_SIZE → InvalidOrder', async () => {
    const t = await twin({minNotional: 10, stepSize: 0.001})
    const ex = await client(t)
    await assert.rejects(ex.createOrder(S, 'market', 'buy', 1000), ccxt.InsufficientFunds)
    await assert.rejects(ex.createOrder(S, 'market', 'sell', 1), ccxt.InsufficientFunds)
    // ccxt 4.5 maps {"code":-1013,"msg":"Filter failure: NOTIONAL"} to BadRequest, not InvalidOrder:
    // -1013 is BadRequest in binance.js exceptions.exact and no rule reads the NOTIONAL text.
    await assert.rejects(ex.createOrder(S, 'market', 'buy', 0.001), (e: Error) => {
      assert.ok(e instanceof ccxt.BadRequest, e.constructor.name)
      assert.match(e.message, /Filter failure: NOTIONAL/)
      return true
    })
    // ccxt rounds amounts to the step itself, so a LOT_SIZE failure needs the raw endpoint.
    await assert.rejects(
      ex.privatePostOrder({symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.0015'}),
      (e: Error) => e instanceof ccxt.InvalidOrder && /Filter failure: LOT_SIZE/.test(e.message),
    )
    assert.equal(t.orders().length, 0)
  })

  it('partialFills k: one order, k trades with distinct ids summing to the order', async () => {
    const t = await twin({faults: {partialFills: 3}, stepSize: 0.001})
    const ex = await client(t)
    const o = await ex.createOrder(S, 'market', 'buy', 1, undefined, {clientOrderId: 'split'})
    await t.advance()
    const trades = await ex.fetchMyTrades(S)
    assert.equal(trades.length, 3)
    assert.equal(new Set(trades.map((x) => x.id)).size, 3)
    assert.ok(trades.every((x) => x.order === o.id))
    assert.equal(Math.round(trades.reduce((s, x) => s + x.amount!, 0) * 1e8) / 1e8, 1)
    const done = await ex.fetchOrder(o.id, S)
    assert.equal(done.filled, 1)
    assert.equal(done.status, 'closed')
  })

  it('before any bar is released a market order answers "Market is closed." → MarketClosed; a limit order is accepted', async () => {
    const t = await twin({warmupBars: 0})
    const ex = await client(t)
    await assert.rejects(ex.createOrder(S, 'market', 'buy', 0.1), ccxt.MarketClosed)
    const o = await ex.createOrder(S, 'limit', 'buy', 0.1, 99, {clientOrderId: 'early'})
    assert.equal((await ex.fetchOrder(undefined as unknown as string, S, {origClientOrderId: 'early'})).id, o.id)
  })
})
