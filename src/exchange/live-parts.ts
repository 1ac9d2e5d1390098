/**
 * What a live bot's `live.exchange` section turns into: the exchange feed (`feed: exchange`) and
 * the order venue (`broker: exchange`), both on one ccxt client per account and process (so two
 * bots on one key share ccxt's rate limiter). `feed: exchange` with `broker: paper` is a forward
 * test: the simulated broker trades on the exchange's real bars.
 */
import type {TimerClock} from '../core/clock.js'
import {BotsError} from '../core/errors.js'
import type {BotSpec} from '../model/bot-spec.js'
import type {Feed} from '../live/feed-types.js'
import type {LiveExchangeOptions} from '../live/runtime-types.js'
import {ExchangeBroker} from './exchange-broker.js'
import type {OrderVenue} from './order-venue.js'

export interface ExchangeParts {
  feed?: Feed
  venue?: OrderVenue
  /** When `live.broker.type` is `exchange`: how the bot's exchange broker is made. */
  broker?: (o: {clientIdPrefix: string; clientIdSuffix?: string; doubtfulThrough: number; sentAs?: ReadonlyMap<number, readonly string[]>; timers: TimerClock; pollMs: number}) => LiveExchangeOptions
  /** Releases this bot's hold on the shared ccxt client (its sockets close with the last holder). */
  close?: () => Promise<void>
}

export async function exchangeParts(spec: BotSpec, o: {clock: TimerClock; env?: NodeJS.ProcessEnv; log?: (level: 'info' | 'warn' | 'error', message: string) => void}): Promise<ExchangeParts> {
  const x = spec.live.exchange
  if (x === undefined) throw new BotsError('this spec trades on an exchange but has no `live.exchange` section', {code: 'exchange.missing', path: '/live'})
  const [{connectExchange, credentialValues}, {createExchangeFeed}, {ccxtTimeframe}, {redactSecrets}] = await Promise.all([
    import('./connect.js'),
    import('./exchange-feed.js'),
    import('../spec/ccxt-timeframe.js'),
    import('./redact.js'),
  ])
  const shared = await connectExchange(x, {env: o.env})
  const client = redacting(shared, credentialValues(x, o.env), redactSecrets)
  let closed = false
  const out: ExchangeParts = {close: async () => {
    if (closed) return
    closed = true
    await shared.close()
  }}
  if (spec.live.broker.type === 'exchange') {
    const venue = client as unknown as OrderVenue
    out.venue = venue
    out.broker = ({pollMs, ...ids}) => ({pollMs, createBroker: (base, hooks) => new ExchangeBroker({...base, ...hooks, ...ids, venue})})
  }
  if (spec.live.feed.type === 'exchange') {
    const tf = ccxtTimeframe(spec.timeframe, Object.keys(client.timeframes ?? {}))
    if (tf === undefined) throw new BotsError(`timeframe ${spec.timeframe} has no exchange equivalent`, {code: 'exchange.timeframe', path: '/timeframe'})
    out.feed = createExchangeFeed({
      source: client as never,
      symbols: spec.symbols,
      timeframeMs: spec.timeframeMs,
      ccxtTimeframe: tf,
      clock: o.clock,
      staleAfterMs: spec.live.feed.staleAfterMs,
      barClock: spec.live.feed.clock === 'bars',
      log: o.log,
    })
  }
  return out
}

/**
 * The client with every error it throws scrubbed of the credentials (message and stack), class
 * kept, so whatever logs or records an exchange error can never print a key or secret.
 */
function redacting<T extends object>(client: T, secrets: string[], redact: (text: string, secrets: string[]) => string): T {
  if (secrets.length === 0) return client
  const scrub = (e: unknown): unknown => {
    if (e instanceof Error) {
      e.message = redact(e.message, secrets)
      if (e.stack) e.stack = redact(e.stack, secrets)
    }
    return e
  }
  return new Proxy(client, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver)
      if (typeof v !== 'function') return v
      return (...args: unknown[]) => {
        try {
          const r = v.apply(target, args)
          return r instanceof Promise ? r.catch((e: unknown) => Promise.reject(scrub(e))) : r
        } catch (e) {
          throw scrub(e)
        }
      }
    },
  })
}
