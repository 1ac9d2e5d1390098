/**
 * `startTwin`: a local Binance-spot-compatible exchange on 127.0.0.1 that replays bars, for an
 * unmodified ccxt `binance` / `ccxt.pro.binance` client to rehearse against. See README.md.
 */
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {WallClock, type TimerClock, type TimerHandle} from '../core/clock.js'
import {BotsError} from '../core/errors.js'
import {Account, type Balance} from './account.js'
import {newCounters, type TwinCounters} from './counters.js'
import {Hub} from './hub.js'
import {loadStoreMarket, type MarketData} from './market-data.js'
import {MarketState} from './market-state.js'
import {normalizeOptions, type TwinOptions, type TwinSettings} from './options.js'
import {OrderEngine, type TwinOrder, type TwinTrade} from './order-engine.js'
import {RandomWalk} from './random-walk.js'
import {restHandler} from './rest.js'
import type {TwinContext} from './twin-context.js'
import {accountPosition, executionReport, klineEvent} from './wire.js'
import {wsUpgrade} from './ws-server.js'

export interface Twin {
  /** `http://127.0.0.1:PORT`: the origin for every ccxt REST URL (paths kept). */
  readonly apiUrl: string
  /** `ws://127.0.0.1:PORT`: the origin for every ccxt WebSocket URL (paths kept). */
  readonly wsUrl: string
  readonly port: number
  /** Release the next n bars (default 1): fills first, then each closed kline; resolves once every message is sent. */
  advance(n?: number): Promise<void>
  /** Bars released so far. */
  readonly released: number
  /** The replay's "now": the close of the latest released bar. */
  now(): number
  /** True when a stored series has no bar left to release. */
  readonly exhausted: boolean
  /** Every order the twin ever accepted (copies). */
  orders(): TwinOrder[]
  trades(): TwinTrade[]
  balances(): Balance[]
  readonly requests: Readonly<TwinCounters>
  /**
   * Resolves once `condition` holds, checked whenever a REST request arrives or is answered and
   * after each release (tests: "the order request has arrived", "n orders are accepted").
   */
  when(condition: () => boolean): Promise<void>
  /** Resolves once a socket is subscribed to a stream (`btcusdt@kline_1m`), or to the account's events (`user`). */
  whenSubscribed(stream: string): Promise<void>
  /** Stops pacing, closes every socket and the server. Idempotent. */
  close(): Promise<void>
}

const DEFAULT_WALK_START = Date.UTC(2024, 0, 1)

export async function startTwin(options: TwinOptions): Promise<Twin> {
  const settings = normalizeOptions(options)
  const clock = options.clock ?? new WallClock()
  const {data, firstReleased} = await loadMarket(options, settings)
  const market = new MarketState(data, settings.symbols.length, firstReleased)
  const counters = newCounters()
  const hub = new Hub(settings.faults.dropWsEvery, counters)
  const assets = settings.symbols.flatMap((s) => [s.base, s.quote])
  const account = new Account(assets, options.cash)
  const engine = new OrderEngine(
    {
      symbols: settings.symbols, rules: settings.rules, commissionRate: settings.commissionRate,
      partialFills: settings.faults.partialFills, notionalFilter: settings.notionalFilter,
      released: () => market.released - 1,
      lastClose: (s) => market.lastBar(s)?.close,
      now: () => market.now(),
    },
    account,
    {
      execution: (x) => hub.publishUser(executionReport(x)),
      balances: (list, time) => hub.publishUser(accountPosition(list.map((a) => ({...account.get(a)})), time)),
    },
  )
  const creds = {apiKey: options.apiKey, apiSecret: options.apiSecret}
  const waiters = new Set<() => void>()
  const activity = (): void => {
    for (const check of [...waiters]) check()
  }
  const when = (condition: () => boolean): Promise<void> =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!condition()) return
        waiters.delete(check)
        resolve()
      }
      waiters.add(check)
      check()
    })
  const ctx: TwinContext = {settings, faults: settings.faults, clock, creds, market, engine, account, hub, listenKeys: new Set(), activity}
  const server = createServer(restHandler(ctx, creds, counters))
  const {wss, upgrade} = wsUpgrade(ctx)
  server.on('upgrade', upgrade)
  const port = await listen(server, options.port ?? 0)

  let chain = Promise.resolve()
  let closed: Promise<void> | undefined
  let pacer: TimerHandle | undefined

  const releaseOne = () => {
    if (market.exhausted) return
    const k = market.released
    market.released++
    const now = market.now()
    const bars = settings.symbols.map((_, s) => data.bar(s, k))
    // Fills are stamped with the filling bar's open, the backtest broker's convention (a market
    // order sent at a bar's close executes as the next bar opens).
    const open = data.time(k)
    engine.match(k, bars, open)
    settings.symbols.forEach((sym, s) => {
      const b = bars[s]
      if (b) hub.publish(`${sym.lower}@kline_${settings.interval}`, klineEvent(sym.id, settings.interval, b, settings.timeframeMs, now))
    })
  }
  const advance = (n = 1): Promise<void> => {
    if (!(Number.isInteger(n) && n >= 0)) return Promise.reject(new BotsError(`advance needs a whole number of bars, got ${n}`, {code: 'twin.advance'}))
    chain = chain.then(async () => {
      if (closed) return
      for (let i = 0; i < n; i++) releaseOne()
      await hub.flush()
      activity()
    })
    return chain
  }
  if (options.speed > 0) pacer = clock.setInterval(1000 / options.speed, () => void advance(1))

  const close = (): Promise<void> => {
    closed ??= (async () => {
      clock.cancel(pacer)
      hub.closeAll()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    })()
    return closed
  }

  return {
    apiUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    port,
    advance,
    get released() {
      return market.released
    },
    now: () => market.now(),
    get exhausted() {
      return market.exhausted
    },
    orders: () => engine.orders.map((o) => ({...o})),
    trades: () => engine.trades.map((t) => ({...t})),
    balances: () => account.all(),
    requests: counters,
    whenSubscribed: (stream) => hub.whenSubscribed(stream),
    when,
    close,
  }
}

async function loadMarket(o: TwinOptions, s: TwinSettings): Promise<{data: MarketData; firstReleased: number}> {
  if (o.db !== undefined) {
    const data = await loadStoreMarket(o.db, s.symbols.map((x) => x.symbol), s.timeframeMs)
    return {data, firstReleased: s.start === undefined ? 0 : data.indexAtOrAfter(s.start)}
  }
  const warmup = o.warmupBars ?? 0
  if (!Number.isInteger(warmup) || warmup < 0) throw new BotsError(`warmupBars must be a whole number ≥ 0, got ${warmup}`, {code: 'twin.warmup'})
  const start = (s.start ?? DEFAULT_WALK_START) - warmup * s.timeframeMs
  const data = new RandomWalk({
    symbols: s.symbols.map((x) => x.symbol), tickSizes: s.symbols.map((x) => s.rules.get(x.id)!.tickSize),
    timeframeMs: s.timeframeMs, start, seed: o.walk?.seed, price: o.walk?.price,
  })
  return {data, firstReleased: warmup}
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) =>
      reject(new BotsError(`the twin cannot listen on 127.0.0.1:${port}: ${e.code ?? e.message}`, {code: 'twin.listen', hint: 'choose another --port, or 0 for any free port'}))
    server.once('error', onError)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError)
      resolve((server.address() as AddressInfo).port)
    })
  })
}
