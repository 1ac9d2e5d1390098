import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {once} from 'node:events'
import {createInterface} from 'node:readline'
import ccxt from 'ccxt'
import {twinUrls} from '../../src/twin/index.js'
import {BIN, ROOT, runCli} from '../helpers/cli.js'

describe('bots twin (the CLI)', () => {
  it('prints its URLs as a --json line, serves ccxt with the env credentials, exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'twin', '--symbol', 'BTC/USDT', '--timeframe', '1m', '--speed', '0', '--cash', '5000', '--json'], {
      cwd: ROOT,
      env: {...process.env, NO_COLOR: '1', BOTS_TWIN_KEY: 'cli-key', BOTS_TWIN_SECRET: 'cli-secret-value'},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const exited = once(child, 'exit')
    const lines = createInterface({input: child.stdout})
    const [first] = (await once(lines, 'line')) as [string]
    const info = JSON.parse(first)
    assert.match(info.api_url, /^http:\/\/127\.0\.0\.1:\d+$/)
    assert.equal(info.ws_url, info.api_url.replace('http:', 'ws:'))
    const ex = new ccxt.pro.binance({apiKey: 'cli-key', secret: 'cli-secret-value', enableRateLimit: false, options: {fetchCurrencies: false}})
    ex.urls.api = twinUrls(ex.urls.api, {apiUrl: info.api_url, wsUrl: info.ws_url})
    try {
      const bal = await ex.fetchBalance()
      assert.equal(bal.USDT.free, 5000)
      assert.equal((await ex.fetchOHLCV('BTC/USDT', '1m')).length, 500)
      const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.1, 90, {clientOrderId: 'cli-1'})
      assert.equal(o.status, 'open')
    } finally {
      await ex.close()
    }
    child.kill('SIGTERM')
    const [code] = await exited
    assert.equal(code, 0, stderr)
    assert.match(stderr, /SIGTERM, stopped after 500 bars, 1 orders, 0 trades/)
    assert.doesNotMatch(first + stderr, /cli-secret-value/)
  })

  it('a bad flag is a usage error; an unknown timeframe a located BotsError', async () => {
    const r = await runCli(['twin', '--symbol', 'BTC/USDT', '--speed', 'fast'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /--speed must be a number/)
    const tf = await runCli(['twin', '--symbol', 'BTC/USDT', '--timeframe', '7m'])
    assert.equal(tf.code, 1)
    assert.match(tf.stderr, /Binance has no kline interval of 420 s/)
    assert.doesNotMatch(tf.stderr, /at .*\.js:\d+/)
  })
})
