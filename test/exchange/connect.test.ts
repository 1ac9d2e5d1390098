/**
 * The one ccxt client builder (no network: nothing here loads markets): URLs re-pointed with
 * their paths kept, sandbox first, credentials from the named variables only, one shared client
 * per account, and exchange errors redacted and classified.
 */
import assert from 'node:assert/strict'
import {after, describe, it} from 'node:test'
import ccxt from 'ccxt'
import {BotsError} from '../../src/core/errors.js'
import type {ExchangeSpec} from '../../src/model/bot-spec.js'
import {cachedExchangeCount, closeAllExchanges, connectExchange, credentialValues, rewriteUrls, type ExchangeClient} from '../../src/exchange/connect.js'
import {classifyExchangeError, redactSecrets, wrapExchangeError, type ExchangeErrorKind} from '../../src/exchange/redact.js'

after(() => closeAllExchanges())

const ENV = {BOTS_T_KEY: 'k3y-AbCdEf0123456789', BOTS_T_SECRET: 's3cr3t-ZyXwVu9876543210', BOTS_T_KEY2: 'other-key-55555555'}
const twin: ExchangeSpec = {id: 'binance', mode: 'live', apiUrl: 'http://127.0.0.1:8900', wsUrl: 'ws://127.0.0.1:8900', credentialsEnv: {key: 'BOTS_T_KEY', secret: 'BOTS_T_SECRET'}}

/** What the tests read of the real instance behind the interface. */
interface Inner {
  urls: {api: unknown}
  options: Record<string, unknown>
  enableRateLimit: boolean
  isSandboxModeEnabled?: boolean
  apiKey: string
  secret: string
  httpAgent?: unknown
}
const inner = (c: ExchangeClient) => c as unknown as Inner

/** Every string leaf of a nested URL table, by its key path. */
function leaves(v: unknown, at = ''): Map<string, string> {
  const out = new Map<string, string>()
  if (typeof v === 'string') out.set(at, v)
  else if (v && typeof v === 'object') for (const [k, c] of Object.entries(v)) for (const [p, s] of leaves(c, `${at}/${k}`)) out.set(p, s)
  return out
}
const pathOf = (url: string) => url.replace(/^[a-z]+:\/\/[^/?#]*/i, '')

describe('connectExchange', () => {
  it('re-points every REST and WebSocket URL of binance at api_url / ws_url, paths kept', async () => {
    const client = await connectExchange(twin, {env: ENV})
    const original = leaves(new ccxt.pro.binance().urls.api)
    const rewritten = leaves(inner(client).urls.api)
    assert.deepEqual([...rewritten.keys()].sort(), [...original.keys()].sort())
    let rest = 0
    let ws = 0
    for (const [key, url] of original) {
      const now = rewritten.get(key)!
      if (/^https?:/.test(url)) {
        rest++
        assert.equal(now, `http://127.0.0.1:8900${pathOf(url)}`, key)
      } else if (/^wss?:/.test(url)) {
        ws++
        assert.equal(now, `ws://127.0.0.1:8900${pathOf(url)}`, key)
      } else assert.equal(now, url, key)
    }
    assert.ok(rest >= 20 && ws >= 10, `${rest} REST and ${ws} WebSocket URLs`)
    assert.equal(leaves(inner(client).urls.api).get('/public'), 'http://127.0.0.1:8900/api/v3')
    assert.equal(leaves(inner(client).urls.api).get('/ws/ws-api/spot'), 'ws://127.0.0.1:8900/ws-api/v3')
    // ccxt settings, and the agent plain ws:// needs
    assert.equal(inner(client).enableRateLimit, true)
    assert.equal(inner(client).options.fetchCurrencies, false)
    assert.ok(inner(client).httpAgent !== undefined, 'loadHttpProxyAgent() ran for ws://')
    await client.close()
  })

  it('rewriteUrls handles strings, nesting and only the scheme of each URL kind', () => {
    assert.equal(rewriteUrls('https://api.x.com/v1/a?b=1', {rest: 'http://h:1/'}), 'http://h:1/v1/a?b=1')
    assert.deepEqual(rewriteUrls({a: 'wss://s.x.com:9443/ws', b: ['https://x.com/p'], c: 7}, {ws: 'ws://h:2'}), {a: 'ws://h:2/ws', b: ['https://x.com/p'], c: 7})
  })

  it('sandbox mode is set before the URLs are re-pointed (testnet paths kept)', async () => {
    const plain = await connectExchange({id: 'binance', mode: 'sandbox'}, {env: {}})
    assert.equal(inner(plain).isSandboxModeEnabled, true)
    assert.equal(leaves(inner(plain).urls.api).get('/public'), 'https://testnet.binance.vision/api/v3')
    const pointed = await connectExchange({id: 'binance', mode: 'sandbox', apiUrl: 'http://127.0.0.1:8901'}, {env: {}})
    assert.equal(inner(pointed).isSandboxModeEnabled, true)
    assert.equal(leaves(inner(pointed).urls.api).get('/public'), 'http://127.0.0.1:8901/api/v3')
    assert.equal(leaves(inner(pointed).urls.api).get('/sapi'), undefined, 'the testnet table, not the production one')
    await Promise.all([plain.close(), pointed.close()])
    await assert.rejects(connectExchange({id: 'kraken', mode: 'sandbox'}, {env: {}}), (e: unknown) => e instanceof BotsError && e.diagnostic.code === 'exchange.no_sandbox')
  })

  it('credentials come from the named variables of the given env only; a missing one is named, never a value', async () => {
    const client = await connectExchange(twin, {env: ENV})
    assert.equal(inner(client).apiKey, ENV.BOTS_T_KEY)
    assert.equal(inner(client).secret, ENV.BOTS_T_SECRET)
    await client.close()

    process.env.BOTS_T_ONLY_IN_PROCESS = 'from-process-env'
    try {
      const spec: ExchangeSpec = {...twin, credentialsEnv: {key: 'BOTS_T_ONLY_IN_PROCESS', secret: 'BOTS_T_SECRET'}}
      await assert.rejects(connectExchange(spec, {env: ENV}), (e: unknown) => {
        assert.ok(e instanceof BotsError)
        assert.match(e.message, /BOTS_T_ONLY_IN_PROCESS/)
        assert.match(e.message, /not set/)
        assert.doesNotMatch(e.message + (e.hint ?? ''), /from-process-env|s3cr3t/)
        assert.equal(e.diagnostic.code, 'exchange.credentials_env')
        return true
      })
    } finally {
      delete process.env.BOTS_T_ONLY_IN_PROCESS
    }
    await assert.rejects(connectExchange(twin, {env: {BOTS_T_KEY: ENV.BOTS_T_KEY, BOTS_T_SECRET: ''}}), /BOTS_T_SECRET.*empty/)
    await assert.rejects(connectExchange({...twin, credentialsEnv: {...twin.credentialsEnv!, password: 'BOTS_T_PASS'}}, {env: ENV}), /BOTS_T_PASS/)
    assert.deepEqual(credentialValues(twin, ENV), [ENV.BOTS_T_KEY, ENV.BOTS_T_SECRET])
  })

  it('one client per account: the same key shares an instance, another key gets its own; the last close releases it', async () => {
    const before = cachedExchangeCount()
    const [a, b] = await Promise.all([connectExchange(twin, {env: ENV}), connectExchange({...twin}, {env: {...ENV}})])
    assert.equal(a, b)
    const other = await connectExchange({...twin, credentialsEnv: {key: 'BOTS_T_KEY2', secret: 'BOTS_T_SECRET'}}, {env: ENV})
    assert.notEqual(other, a)
    const anon = await connectExchange({id: 'binance', mode: 'live'}, {env: {}})
    assert.notEqual(anon, a)
    assert.equal(cachedExchangeCount(), before + 3)
    await a.close()
    assert.equal(cachedExchangeCount(), before + 3, 'b still holds the shared client')
    assert.equal(await connectExchange(twin, {env: ENV}), a, 'still cached')
    await b.close()
    await a.close()
    assert.equal(cachedExchangeCount(), before + 2)
    assert.notEqual(await connectExchange(twin, {env: ENV}), a, 'a fresh client after the last close')
    await Promise.all([other.close(), anon.close()])
  })

  it('an unknown exchange id is a BotsError', async () => {
    await assert.rejects(connectExchange({id: 'binanse', mode: 'live'}, {env: {}}), (e: unknown) => e instanceof BotsError && e.diagnostic.code === 'exchange.unknown')
  })
})

describe('exchange errors', () => {
  const secrets = [ENV.BOTS_T_KEY, ENV.BOTS_T_SECRET]

  it('redaction removes the credentials, signatures and API-key headers from an error message', () => {
    const raw = new ccxt.AuthenticationError(
      `binance GET https://api.binance.com/api/v3/account?timestamp=1700000000000&recvWindow=5000&signature=9f86d081884c7d659a2feaa0c55ad015 401 Unauthorized {"X-MBX-APIKEY":"${ENV.BOTS_T_KEY}"} {"code":-2015,"msg":"Invalid API-key, IP, or permissions for action. secret=${ENV.BOTS_T_SECRET}"} X-MBX-APIKEY: ${ENV.BOTS_T_KEY}`,
    )
    const e = wrapExchangeError(raw, secrets, 'fetching the balance')
    assert.ok(e instanceof BotsError)
    for (const leak of [ENV.BOTS_T_KEY, ENV.BOTS_T_SECRET, '9f86d081884c7d659a2feaa0c55ad015']) assert.ok(!e.message.includes(leak), `${leak} in: ${e.message}`)
    assert.match(e.message, /^fetching the balance: AuthenticationError: binance GET https:\/\/api\.binance\.com\/api\/v3\/account\?timestamp=1700000000000&recvWindow=5000&signature=\*\*\* /)
    assert.match(e.message, /"X-MBX-APIKEY":"\*\*\*"/)
    assert.match(e.message, /-2015/)
    assert.equal(e.kind, 'auth')
    assert.equal(e.diagnostic.code, 'exchange.auth')
    assert.equal((e as {cause?: unknown}).cause, undefined, 'the original error (with the secrets) is not attached')
  })

  it('redactSecrets: every occurrence, URL-encoded too; empty secrets ignored; plain words kept', () => {
    assert.equal(redactSecrets('a=k/y+z b=k%2Fy%2Bz c=k/y+z', ['k/y+z', '', undefined]), 'a=*** b=*** c=***')
    assert.equal(redactSecrets('design: fine, sign=abc&x=1', []), 'design: fine, sign=***&x=1')
  })

  it('classifies by ccxt error class', () => {
    const cases: Array<[Error, ExchangeErrorKind]> = [
      [new ccxt.NetworkError('x'), 'network'],
      [new ccxt.RequestTimeout('x'), 'network'],
      [new ccxt.ExchangeNotAvailable('x'), 'network'],
      [new ccxt.DDoSProtection('x'), 'rate-limit'],
      [new ccxt.RateLimitExceeded('x'), 'rate-limit'],
      [new ccxt.AuthenticationError('x'), 'auth'],
      [new ccxt.PermissionDenied('x'), 'auth'],
      [new ccxt.AccountSuspended('x'), 'auth'],
      [new ccxt.InsufficientFunds('x'), 'insufficient-funds'],
      [new ccxt.InvalidOrder('x'), 'invalid-order'],
      [new ccxt.OrderNotFillable('x'), 'invalid-order'],
      [new ccxt.OrderNotFound('x'), 'order-not-found'],
      [new ccxt.DuplicateOrderId('x'), 'duplicate'],
      [new ccxt.InvalidOrder('binance {"code":-2010,"msg":"Duplicate order sent."}'), 'duplicate'],
      // Binance's filter failures (NOTIONAL: -1013) arrive as BadRequest: the order is refused, not retried.
      [new ccxt.BadRequest('binance {"code":-1013,"msg":"Filter failure: NOTIONAL"}'), 'invalid-order'],
      [new ccxt.BadSymbol('x'), 'invalid-order'],
      [new ccxt.ExchangeError('x'), 'other'],
      [new Error('x'), 'other'],
    ]
    for (const [e, kind] of cases) assert.equal(classifyExchangeError(e), kind, e.constructor.name)
    assert.equal(classifyExchangeError('text'), 'other')
  })
})
