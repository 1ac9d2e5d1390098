import {before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import {closeStore, importFiles, openStore} from '../../src/data/index.js'
import {startTwin} from '../../src/twin/index.js'
import {ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {client, twin} from './helpers.js'

const S = 'IDX/USDT'

describe('twin replaying a DuckDB store', () => {
  // tempDir's clean-up is registered on the suite (inside a hook it would run when the hook ends).
  const db = path.join(tempDir('bots-twin-'), 'store.duckdb')
  before(async () => {
    const store = await openStore({path: db})
    try {
      const r = await importFiles(store, [`${ROOT}examples/data/index-2006-5min.csv`], {symbol: S, timeframe: '5m'})
      assert.equal(r.rejected, 0)
    } finally {
      await closeStore(store)
    }
  })

  it('bars before start are history; advance releases the stored bars in order; a market order fills at the next open', async () => {
    const t = await twin({db, symbols: [S], timeframe: '5m', start: '2006-01-03', cash: {asset: 'USDT', amount: 100_000}})
    const ex = await client(t)
    const history = await ex.fetchOHLCV(S, '5m', undefined, 1000)
    assert.ok(history.length > 0)
    assert.ok(history.every((c) => c[0]! < Date.UTC(2006, 0, 3)))
    // First row of the file: 2006-01-02 09:05, 3578.73 3587.88 3578.73 3582.99.
    assert.deepEqual(history[0], [Date.UTC(2006, 0, 2, 9, 5), 3578.73, 3587.88, 3578.73, 3582.99, 0])
    const order = await ex.createOrder(S, 'market', 'buy', 1, undefined, {clientOrderId: 'idx-1'})
    await t.advance()
    const next = (await ex.fetchOHLCV(S, '5m')).at(-1)!
    assert.ok(next[0]! >= Date.UTC(2006, 0, 3))
    assert.equal(t.now(), next[0]! + 300_000)
    const filled = await ex.fetchOrder(order.id, S)
    assert.equal(filled.average, next[1])
    assert.equal(t.trades()[0].time, next[0]) // stamped with the filling bar's open, as the backtest broker does
  })

  it('a symbol the store lacks is a BotsError naming it', async () => {
    await assert.rejects(
      startTwin({db, symbols: ['NOPE/USDT'], timeframe: '5m', speed: 0, apiKey: 'k', apiSecret: 's', cash: {asset: 'USDT', amount: 1}}),
      (e: Error) => e.name === 'BotsError' && /NOPE\/USDT/.test(e.message),
    )
  })

  it('speed: bars are released on the injected clock', async () => {
    const {SimulatedClock} = await import('../../src/core/clock.js')
    const clock = new SimulatedClock(0)
    const t = await twin({db, symbols: [S], timeframe: '5m', start: '2006-01-03', speed: 2, clock})
    const first = t.released
    clock.advanceBy(1500)
    await t.advance(0)
    assert.equal(t.released, first + 3)
  })
})
