/**
 * The one place that builds a ccxt client. A spec's `live.exchange` (id, mode, URLs, the NAMES of
 * the credential variables) becomes a ccxt.pro instance (the REST class for exchanges ccxt.pro
 * lacks): rate limiter on, no currency fetch while loading markets, sandbox set first, REST and
 * WebSocket URLs re-pointed at `api_url`/`ws_url` (paths kept), credentials read from the
 * environment only.
 *
 * One client per (exchange, mode, URLs, account) per process: bots on one account share one
 * instance, so they share ccxt's rate limiter and sockets. The cache key holds a hash of the
 * credentials, never the values. The shared client's `close()` is counted: the sockets are
 * released when the last holder closes it.
 *
 * ccxt is loaded here lazily (`await import('ccxt')`, ~600 ms): importing this module is cheap.
 */
import {createHash} from 'node:crypto'
import type {Balances, Int, Market, MarketInterface, Num, OHLCV, Order, OrderSide, OrderType, Str, Trade} from 'ccxt'
import {hasTestnet} from '../spec/exchange-checks.js'
import {BotsError} from '../core/errors.js'
import type {ExchangeSpec} from '../model/bot-spec.js'

type Params = Record<string, unknown>

/**
 * The slice of a ccxt(.pro) exchange the project uses, typed with ccxt's own types. A client from
 * `connectExchange` is a real ccxt instance; nothing else should need `any`.
 */
export interface ExchangeClient {
  /** ccxt's exchange id (`binance`). */
  readonly id: string
  /** Capabilities: `fetchOHLCV`, `watchOHLCV`, `watchOrders`, `createOrder`, … (true, false or 'emulated'). */
  readonly has: Record<string, boolean | 'emulated' | undefined>
  /** ccxt timeframe → the exchange's own code (`1m` minute … `1M` MONTH; see exchange/timeframe.ts). */
  readonly timeframes: Record<string, number | string>
  /** Markets by unified symbol; cached after the first call (`reload` forces it: a failed load stays cached). */
  loadMarkets(reload?: boolean, params?: Params): Promise<Record<string, Market>>
  /** A loaded market by unified symbol; throws BadSymbol for an unknown one. */
  market(symbol: string): MarketInterface
  fetchOHLCV(symbol: string, timeframe?: string, since?: Int, limit?: Int, params?: Params): Promise<OHLCV[]>
  watchOHLCV(symbol: string, timeframe?: string, since?: Int, limit?: Int, params?: Params): Promise<OHLCV[]>
  createOrder(symbol: string, type: OrderType, side: OrderSide, amount: number, price?: Num, params?: Params): Promise<Order>
  fetchOrder(id: string, symbol?: Str, params?: Params): Promise<Order>
  fetchOpenOrders(symbol?: Str, since?: Int, limit?: Int, params?: Params): Promise<Order[]>
  fetchMyTrades(symbol?: Str, since?: Int, limit?: Int, params?: Params): Promise<Trade[]>
  cancelOrder(id: string, symbol?: Str, params?: Params): Promise<Order>
  fetchBalance(params?: Params): Promise<Balances>
  watchOrders(symbol?: Str, since?: Int, limit?: Int, params?: Params): Promise<Order[]>
  /** The amount rounded to the market's precision, as text. */
  amountToPrecision(symbol: string, amount: number): string
  /** The price rounded to the market's precision, as text. */
  priceToPrecision(symbol: string, price: number): string
  /** Releases this holder's share of the client; the last one closes its WebSockets. */
  close(): Promise<void>
}

/**
 * Compile-time check that a real ccxt.pro instance fits ExchangeClient (ccxt types the precision
 * helpers as `string | undefined`, for an undefined input; a number in gives text out).
 */
type CcxtPro = InstanceType<typeof import('ccxt').pro.binance>
const ccxtFits: CcxtPro extends Omit<ExchangeClient, 'amountToPrecision' | 'priceToPrecision' | 'close'> ? true : false = true
void ccxtFits

export interface ConnectOptions {
  /** Where the credential variables are read; default `process.env`. */
  env?: NodeJS.ProcessEnv
}

/** What the instance is built from, besides the exchange class. */
interface Credentials {
  apiKey?: string
  secret?: string
  password?: string
}

interface Entry {
  client: Promise<ExchangeClient>
  holders: number
}

const clients = new Map<string, Entry>()
/** The instance's own `close`, under the counted one. */
const REAL_CLOSE = Symbol('bots.realClose')

/**
 * The process's client for this exchange and account (built on first use). Throws a BotsError for
 * an unknown exchange id, a sandbox the exchange lacks, or a credential variable that is unset or
 * empty (naming the variable, never a value). No network: markets load on the first call.
 */
export async function connectExchange(spec: ExchangeSpec, o: ConnectOptions = {}): Promise<ExchangeClient> {
  const credentials = readCredentials(spec, o.env ?? process.env)
  const key = cacheKey(spec, credentials)
  let entry = clients.get(key)
  if (entry) {
    entry.holders++
    return entry.client
  }
  const created: Entry = {client: build(spec, credentials, () => release(key, created)), holders: 1}
  entry = created
  clients.set(key, entry)
  try {
    return await entry.client
  } catch (e) {
    if (clients.get(key) === entry) clients.delete(key)
    throw e
  }
}

/** Closes every cached client (shutdown, tests), whoever holds it. */
export async function closeAllExchanges(): Promise<void> {
  const all = [...clients.values()]
  clients.clear()
  await Promise.all(all.map(async (e) => {
    const c = (await e.client.catch(() => undefined)) as (ExchangeClient & {[REAL_CLOSE]?: () => Promise<void>}) | undefined
    await c?.[REAL_CLOSE]?.()
  }))
}

/** How many clients the process holds (tests). */
export function cachedExchangeCount(): number {
  return clients.size
}

async function release(key: string, entry: Entry): Promise<boolean> {
  entry.holders--
  if (entry.holders > 0) return false
  if (clients.get(key) === entry) clients.delete(key)
  return true
}

type CcxtInstance = ExchangeClient & {
  urls: {api?: unknown; test?: unknown}
  options: Record<string, unknown>
  enableRateLimit: boolean
  setSandboxMode(enabled: boolean): void
  loadHttpProxyAgent(): Promise<unknown>
  close(cleanInstanceCache?: boolean): Promise<void>
}
type CcxtClass = new (config?: Record<string, unknown>) => CcxtInstance

async function build(spec: ExchangeSpec, credentials: Credentials, release: () => Promise<boolean>): Promise<ExchangeClient> {
  const ccxt = (await import('ccxt')).default
  const pro = ccxt.pro as unknown as Record<string, CcxtClass | undefined>
  const rest = ccxt as unknown as Record<string, CcxtClass | undefined>
  const known = (ccxt.exchanges as string[]).includes(spec.id)
  const Class = known ? (pro[spec.id] ?? rest[spec.id]) : undefined
  if (!Class) throw new BotsError(`unknown exchange id \`${spec.id}\`: ccxt has no such exchange`, {code: 'exchange.unknown', path: '/live/exchange/id'})

  // fetchCurrencies: false, or binance calls private `sapi` endpoints while loading markets.
  // ws.backoff base 0: ccxt would otherwise wait (1 s, doubling to 60 s, on the wall clock) before
  // re-dialling a dropped socket, on top of the exchange feed's own backoff on the injected clock.
  const x = new Class({enableRateLimit: true, options: {fetchCurrencies: false, ws: {backoff: {base: 0}}}, ...credentials})
  if (spec.mode === 'sandbox') {
    // ccxt's setSandboxMode only checks that a `test` key exists: many ccxt.pro classes carry
    // `test: undefined`, which it would install as an empty URL table.
    if (!hasTestnet(x.urls)) throw new BotsError(`\`${spec.id}\` has no sandbox (testnet) in ccxt`, {code: 'exchange.no_sandbox', path: '/live/exchange/mode', hint: 'use `mode: live`, or a local twin with `api_url`/`ws_url`'})
    x.setSandboxMode(true)
  }
  if (spec.apiUrl !== undefined || spec.wsUrl !== undefined) {
    x.urls = {...x.urls, api: rewriteUrls(x.urls.api, {rest: spec.apiUrl, ws: spec.wsUrl})}
  }
  if (spec.wsUrl?.startsWith('ws://')) await x.loadHttpProxyAgent() // ccxt refuses plain ws:// without it

  const realClose = x.close.bind(x)
  Object.defineProperty(x, REAL_CLOSE, {value: () => realClose(), enumerable: false})
  Object.defineProperty(x, 'close', {
    value: async () => {
      if (await release()) await realClose()
    },
    enumerable: false,
    configurable: true,
    writable: true,
  })
  return x
}


/**
 * `urls.api` of a ccxt exchange (a string, or objects of strings nested at any depth) with the
 * scheme, host and port of each http(s) URL replaced by `rest`'s and of each ws(s) URL by `ws`'s;
 * paths, queries and ccxt's `{hostname}` placeholders in paths are kept. Returns a new value.
 */
export function rewriteUrls<T>(api: T, to: {rest?: string; ws?: string}): T {
  const rest = to.rest === undefined ? undefined : origin(to.rest)
  const ws = to.ws === undefined ? undefined : origin(to.ws)
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const m = /^(https?|wss?):\/\/[^/?#]*/i.exec(v)
      if (!m) return v
      const isWs = m[1].toLowerCase().startsWith('ws')
      const base = isWs ? ws : rest
      return base === undefined ? v : base + v.slice(m[0].length)
    }
    if (Array.isArray(v)) return v.map(visit)
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, c]) => [k, visit(c)]))
    return v
  }
  return visit(api) as T
}

/** `http://127.0.0.1:8900/` → `http://127.0.0.1:8900` (scheme, host and port only). */
function origin(url: string): string {
  const m = /^((?:https?|wss?):\/\/[^/?#]+)\/?$/i.exec(url.trim())
  if (!m) throw new BotsError(`\`${url}\` is not a base URL (scheme, host and port only)`, {code: 'exchange.url', hint: 'e.g. http://127.0.0.1:8900 or ws://127.0.0.1:8900'})
  return m[1]
}

/** The credentials named by `credentials_env`, from `env` only. A named variable that is unset or empty is an error naming it. */
function readCredentials(spec: ExchangeSpec, env: NodeJS.ProcessEnv): Credentials {
  const names = spec.credentialsEnv
  if (!names) return {}
  const read = (what: string, name: string): string => {
    const value = env[name]
    if (value === undefined || value.trim() === '') {
      throw new BotsError(`environment variable ${name} (the ${spec.id} API ${what}, from credentials_env) is ${value === undefined ? 'not set' : 'empty'}`, {
        code: 'exchange.credentials_env',
        path: '/live/exchange/credentials_env',
        hint: `export ${name}=… in the environment of the process that runs the bot; the value never goes in a spec`,
      })
    }
    return value
  }
  const out: Credentials = {apiKey: read('key', names.key), secret: read('secret', names.secret)}
  if (names.password !== undefined) out.password = read('password', names.password)
  return out
}

/** Exchange, mode, URLs and a hash of the credentials: the values themselves are never kept in a key. */
function cacheKey(spec: ExchangeSpec, c: Credentials): string {
  const account = c.apiKey === undefined ? 'public' : createHash('sha256').update(JSON.stringify([c.apiKey, c.secret, c.password ?? null])).digest('hex')
  return JSON.stringify([spec.id, spec.mode, spec.apiUrl ? origin(spec.apiUrl) : null, spec.wsUrl ? origin(spec.wsUrl) : null, account])
}

/** The credential values of a spec in an environment, for `redactSecrets`/`wrapExchangeError` (unset ones left out). */
export function credentialValues(spec: ExchangeSpec, env: NodeJS.ProcessEnv = process.env): string[] {
  const names = spec.credentialsEnv
  if (!names) return []
  return [names.key, names.secret, names.password].map((n) => (n === undefined ? undefined : env[n])).filter((v): v is string => typeof v === 'string' && v.length > 0)
}
