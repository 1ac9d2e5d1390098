import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import ccxt from 'ccxt'
import {client, twin} from './helpers.js'

describe('twin REST through an unmodified ccxt binance', () => {
  it('loadMarkets: the filters come through as precision and limits', async () => {
    const t = await twin({tickSize: 0.01, stepSize: 0.0001, minNotional: 10})
    const ex = await client(t)
    const markets = await ex.loadMarkets()
    const m = markets['BTC/USDT']
    assert.equal(m.id, 'BTCUSDT')
    assert.equal(m.spot, true)
    assert.equal(m.precision.price, 0.01)
    assert.equal(m.precision.amount, 0.0001)
    assert.equal(m.limits.amount?.min, 0.0001)
    assert.equal(m.limits.cost?.min, 10)
    assert.deepEqual(Object.keys(markets), ['BTC/USDT'])
  })

  it('fetchOHLCV serves released bars only; advance releases the next one', async () => {
    const t = await twin()
    const ex = await client(t)
    const before = await ex.fetchOHLCV('BTC/USDT', '1m')
    assert.equal(before.length, 20)
    for (let i = 1; i < before.length; i++) assert.equal(before[i][0]! - before[i - 1][0]!, 60_000)
    assert.equal(before.at(-1)![0]! + 60_000, t.now())
    await t.advance()
    const afterOne = await ex.fetchOHLCV('BTC/USDT', '1m', before.at(-1)![0])
    assert.equal(afterOne.length, 2)
    assert.deepEqual(afterOne[0], before.at(-1))
    assert.equal(afterOne[1][0], before.at(-1)![0]! + 60_000)
  })
})
