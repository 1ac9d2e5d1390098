/** A twin on loopback and an unmodified ccxt pro binance client pointed at it, as a user would. */
import {after} from 'node:test'
import ccxt from 'ccxt'
import {startTwin, twinUrls, type Twin, type TwinOptions} from '../../src/twin/index.js'

export const KEY = 'test-key'
export const SECRET = 'test-secret'

export type Binance = InstanceType<typeof ccxt.pro.binance>

/** A twin (random walk unless `db` is given, manual pacing), closed when the test file ends. */
export async function twin(opts: Partial<TwinOptions> = {}): Promise<Twin> {
  const t = await startTwin({
    symbols: ['BTC/USDT'], timeframe: '1m', speed: 0, apiKey: KEY, apiSecret: SECRET,
    cash: {asset: 'USDT', amount: 10_000}, warmupBars: 20, ...opts,
  })
  after(() => t.close())
  return t
}

/** ccxt configured as the README tells a user to: currencies off, every URL's origin replaced. */
export async function client(t: Twin, creds: {apiKey?: string; secret?: string} = {}): Promise<Binance> {
  const ex = new ccxt.pro.binance({apiKey: creds.apiKey ?? KEY, secret: creds.secret ?? SECRET, enableRateLimit: false, options: {fetchCurrencies: false}})
  ex.urls.api = twinUrls(ex.urls.api, t)
  await ex.loadHttpProxyAgent()
  after(() => ex.close())
  return ex
}
