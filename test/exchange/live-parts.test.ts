/**
 * What a spec's `live.exchange` turns into for a bot: the order venue and the exchange feed on one
 * shared ccxt client, whose errors never carry a credential.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {SimulatedClock} from '../../src/core/clock.js'
import {exchangeParts} from '../../src/exchange/live-parts.js'
import type {BotSpec} from '../../src/model/bot-spec.js'
import {twin} from '../twin/helpers.js'

const KEY = 'test-key'
const SECRET = 'test-secret'

function spec(apiUrl: string, wsUrl: string, feed: 'exchange' | 'replay', broker: 'exchange' | 'paper'): BotSpec {
  return {
    name: 'parts', strategy: {name: 'sma-cross', params: {}}, symbols: ['BTC/USDT'], timeframe: '1M', timeframeMs: 60_000, sleeptimeMs: 60_000,
    market: '24/7', data: {source: 'store'}, backtest: {},
    broker: {cash: 1000, commission: {perShare: 0, percent: 0, fixed: 0, minimum: 0}, slippageBps: 0, allowShort: false, fillPrice: 'open'},
    live: {feed: {type: feed, speed: 1}, broker: {type: broker}, exchange: {id: 'binance', mode: 'live', apiUrl, wsUrl, credentialsEnv: {key: 'PARTS_KEY', secret: 'PARTS_SECRET'}}},
  } as unknown as BotSpec
}

describe('exchange parts of a live bot', () => {
  it('builds what the spec asks for, and scrubs credentials from every error', async () => {
    const t = await twin()
    const env = {PARTS_KEY: KEY, PARTS_SECRET: SECRET}
    const parts = await exchangeParts(spec(t.apiUrl, t.wsUrl, 'exchange', 'exchange'), {clock: new SimulatedClock(0), env})
    try {
      assert.ok(parts.feed && parts.venue)
      await parts.venue.loadMarkets()
      // ccxt echoes an unknown symbol in its message: here the symbol is the API key itself.
      assert.throws(() => parts.venue!.market(KEY), (e: Error) => e.name === 'BadSymbol' && !e.message.includes(KEY) && !(e.stack ?? '').includes(KEY) && e.message.includes('***'))
      await assert.rejects(parts.venue.fetchOrder('1', SECRET), (e: Error) => !e.message.includes(SECRET))
    } finally {
      await parts.close?.()
      await parts.feed?.close()
    }
    const paper = await exchangeParts(spec(t.apiUrl, t.wsUrl, 'exchange', 'paper'), {clock: new SimulatedClock(0), env})
    assert.ok(paper.feed && paper.venue === undefined)
    await paper.close?.()
    await paper.feed?.close()
  })
})
