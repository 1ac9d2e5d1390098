/**
 * Checks of a bot spec's `live.exchange` section and of what an `exchange` feed or broker needs,
 * against ccxt's own metadata: the exchange id exists, it has the spec's timeframe, a testnet for
 * `mode: sandbox` and the credentials it asks for; the symbols are ccxt unified symbols. No network.
 *
 * ccxt takes ~600 ms to load, so it is loaded only for documents that have `live.exchange`, once
 * per process: the (async) validator awaits `loadExchangeCatalog()` up front for such a document
 * (see `needsExchangeCatalog`), and the synchronous `checkExchange` (called from `checkBot`)
 * reads the loaded catalog.
 */
import type {Diagnostic} from '../core/errors.js'
import {didYouMean} from '../core/suggest.js'
import type {PathSegment} from '../document/locate.js'
import {ccxtTimeframe, specTimeframe} from './ccxt-timeframe.js'

type Raw = Record<string, any>

/** The reporter of `checkBot`: a located diagnostic at a path of the document. */
export type Report = (severity: Diagnostic['severity'], p: PathSegment[], code: string, message: string, hint?: string, at?: 'key' | 'value') => void

/** What validation needs to know about one ccxt exchange. */
export interface ExchangeFacts {
  /** ccxt timeframes (`1m`, `1h`, `1d`, … and `1M` = a month), in ccxt's order; [] when it has no candles. */
  timeframes: string[]
  /** Whether ccxt has testnet URLs (`urls.test`) for it: `mode: sandbox` works. */
  hasTestnet: boolean
  /** Whether ccxt.pro has it (WebSocket bars and orders). */
  hasWebSocket: boolean
  /** Credentials ccxt requires for private calls (`apiKey`, `secret`, `password`, `uid`, `privateKey`, …). */
  requiredCredentials: string[]
}

export interface ExchangeCatalog {
  /** Every ccxt exchange id. */
  ids: readonly string[]
  /** Facts of a known id (the exchange class instantiated once, offline); undefined for an unknown one. */
  facts(id: string): ExchangeFacts | undefined
}

let catalog: ExchangeCatalog | undefined
let loading: Promise<ExchangeCatalog> | undefined

/** Whether checking this (schema-valid) document needs ccxt's metadata: it has a `live.exchange` section. */
export function needsExchangeCatalog(raw: unknown): boolean {
  const x = (raw as Raw | undefined)?.live?.exchange
  return x !== null && typeof x === 'object' && typeof x.id === 'string'
}

/** Loads ccxt (once per process) and returns its catalog. */
export function loadExchangeCatalog(): Promise<ExchangeCatalog> {
  if (catalog) return Promise.resolve(catalog)
  loading ??= import('ccxt').then((mod) => {
    const ccxt = mod.default
    type Ctor = new (config?: Record<string, unknown>) => {timeframes?: Record<string, unknown>; urls?: {test?: unknown}; requiredCredentials?: Record<string, boolean>}
    const rest = ccxt as unknown as Record<string, Ctor | undefined>
    const pro = ccxt.pro as unknown as Record<string, Ctor | undefined>
    const ids = [...ccxt.exchanges] as string[]
    const known = new Set(ids)
    const cache = new Map<string, ExchangeFacts>()
    catalog = {
      ids,
      facts(id) {
        if (!known.has(id)) return undefined
        let f = cache.get(id)
        if (!f) {
          const Class = pro[id] ?? rest[id]
          if (!Class) return undefined
          const x = new Class()
          f = {
            timeframes: Object.keys(x.timeframes ?? {}),
            hasTestnet: hasTestnet(x.urls),
            hasWebSocket: pro[id] !== undefined,
            requiredCredentials: Object.entries(x.requiredCredentials ?? {}).filter(([, v]) => v).map(([k]) => k),
          }
          cache.set(id, f)
        }
        return f
      },
    }
    return catalog
  })
  return loading
}

/** The loaded catalog; a bug if a caller forgot `loadExchangeCatalog()` for a document that needs it. */
function loadedCatalog(): ExchangeCatalog {
  if (!catalog) throw new Error('bug: a spec with live.exchange was checked before `await loadExchangeCatalog()` (see needsExchangeCatalog)')
  return catalog
}

/** `BASE/QUOTE` or `BASE/QUOTE:SETTLE` (ccxt unified symbols; options and futures add `-…` after the settle currency). */
const UNIFIED_SYMBOL = /^[^\s/:]+\/[^\s/:]+(:[^\s/:]+)?$/
const COMMON_QUOTES = ['USDT', 'USDC', 'FDUSD', 'BUSD', 'TUSD', 'USD', 'EUR', 'GBP', 'TRY', 'BRL', 'JPY', 'BTC', 'ETH', 'BNB']

/** Credentials a spec can name (`credentials_env`), by ccxt's name for them. */
const NAMEABLE: Record<string, string> = {apiKey: 'key', secret: 'secret', password: 'password'}

export function checkExchange(raw: Raw, report: Report): void {
  const live = raw.live as Raw | undefined
  const feedType: unknown = live?.feed?.type
  const brokerType: unknown = live?.broker?.type
  const x = live?.exchange as Raw | undefined
  const used = [feedType === 'exchange' ? 'feed' : undefined, brokerType === 'exchange' ? 'broker' : undefined].filter((u): u is string => u !== undefined)

  if (x === undefined) {
    if (used.length > 0) {
      report('error', ['live'], 'exchange.missing', `\`live.${used.join('` and `live.')}\` ${used.length > 1 ? 'are' : 'is'} \`exchange\`, but \`live.exchange\` is missing`,
        'add `exchange: {id: binance, credentials_env: {key: BINANCE_KEY, secret: BINANCE_SECRET}}` under `live` (the names of environment variables, never the keys)', 'key')
    }
    return
  }
  if (used.length === 0) {
    report('warning', ['live', 'exchange'], 'exchange.unused', '`live.exchange` is set, but neither `live.feed.type` nor `live.broker.type` is `exchange`; it is not used',
      'set `feed: {type: exchange}` and/or `broker: {type: exchange}` under `live`, or remove `exchange`', 'key')
  }

  const cat = loadedCatalog()
  const id = String(x.id)
  const facts = cat.facts(id)
  if (!facts) {
    const guess = didYouMean(id, cat.ids)
    report('error', ['live', 'exchange', 'id'], 'exchange.unknown', `unknown exchange id \`${id}\`: ccxt has no such exchange`,
      guess !== undefined ? `did you mean \`${guess}\`?` : `use a ccxt exchange id, lower case (${cat.ids.length} exist, e.g. binance, bybit, coinbase, kraken, okx)`)
  }

  if (used.length > 0) {
    (raw.symbols as unknown[]).forEach((symbol, i) => {
      if (typeof symbol === 'string' && !UNIFIED_SYMBOL.test(symbol)) {
        const guess = unifiedGuess(symbol)
        report('error', ['symbols', i], 'symbol.not_unified', `\`${symbol}\` is not a ccxt unified symbol (BASE/QUOTE)`,
          guess ? `did you mean \`${guess}\`? Exchange bots name markets as ccxt does: BASE/QUOTE, BASE/QUOTE:SETTLE for derivatives` : 'write BASE/QUOTE, e.g. `BTC/USDT` (spot) or `BTC/USDT:USDT` (a USDT-settled perpetual)')
      }
    })
  }

  if (feedType === 'exchange' && raw.market !== undefined && raw.market !== '24/7') {
    report('warning', ['market'], 'market.not_24_7', `an exchange feed with market ${typeof raw.market === 'string' ? `\`${raw.market}\`` : 'custom hours'}: crypto exchanges trade around the clock`,
      'use `market: 24/7` (the default) unless the bot should trade only in these hours', 'key')
  }

  if (!facts) return

  if (feedType === 'exchange') {
    if (facts.timeframes.length === 0) {
      report('error', ['live', 'feed', 'type'], 'exchange.no_candles', `ccxt has no candles (timeframes) for \`${id}\`: an exchange feed cannot get its bars`, 'use a replay feed, or an exchange with candles')
    } else if (ccxtTimeframe(raw.timeframe, facts.timeframes) === undefined) {
      const ours = facts.timeframes.map(specTimeframe).filter((t): t is string => t !== undefined)
      report('error', ['timeframe'], 'timeframe.unsupported', `\`${id}\` has no ${raw.timeframe} bars`,
        `${id} supports ${ours.join(', ')} (in spec notation: M minutes, H hours, D days, W weeks)`)
    }
    if (!facts.hasWebSocket) {
      report('warning', ['live', 'exchange', 'id'], 'exchange.no_websocket', `ccxt has no WebSocket (ccxt.pro) support for \`${id}\`: bars are polled over REST`, 'polling is slower to see a new bar and uses the rate limit')
    }
  }

  if (x.mode === 'sandbox' && !facts.hasTestnet) {
    report('error', ['live', 'exchange', 'mode'], 'exchange.no_sandbox', `\`${id}\` has no sandbox (testnet) in ccxt`,
      'use `mode: live`, or rehearse against a local twin with `api_url`/`ws_url` (`bots twin`)')
  }

  if (brokerType === 'exchange') {
    watchedStops(raw, report)
    const creds = x.credentials_env as Raw | undefined
    if (creds === undefined) {
      report('error', ['live', 'exchange'], 'exchange.credentials_missing', 'an exchange broker places orders, which need API credentials: `credentials_env` is missing',
        'add `credentials_env: {key: BINANCE_KEY, secret: BINANCE_SECRET}` under `exchange`: the NAMES of environment variables; the key and secret themselves never go in a spec', 'key')
    } else {
      const missing = facts.requiredCredentials.filter((c) => NAMEABLE[c] !== undefined && creds[NAMEABLE[c]] === undefined)
      for (const c of missing) {
        report('error', ['live', 'exchange', 'credentials_env'], 'exchange.credential_missing', `\`${id}\` needs a ${c} too: \`credentials_env.${NAMEABLE[c]}\` is missing`,
          `add \`${NAMEABLE[c]}: ${id.toUpperCase()}_${NAMEABLE[c].toUpperCase()}\` (the name of the environment variable that holds it)`, 'key')
      }
      const unnameable = facts.requiredCredentials.filter((c) => NAMEABLE[c] === undefined)
      if (unnameable.length > 0) {
        report('error', ['live', 'exchange', 'id'], 'exchange.credentials_unsupported', `\`${id}\` signs with ${unnameable.join(' and ')}, which bots cannot pass (credentials_env has key, secret and password)`,
          'use an exchange that signs with an API key and secret')
      }
    }
  }
}

/** `BTCUSDT`, `btc-usdt`, `BTC_USDT` → `BTC/USDT`; undefined when no split is evident. */
function unifiedGuess(symbol: string): string | undefined {
  const upper = symbol.toUpperCase()
  const parts = upper.split(/[-_]/)
  if (parts.length === 2 && parts.every((p) => /^[A-Z0-9]+$/.test(p))) return `${parts[0]}/${parts[1]}`
  if (/^[A-Z0-9]+$/.test(upper)) {
    const quote = COMMON_QUOTES.find((q) => upper.endsWith(q) && upper.length > q.length)
    if (quote) return `${upper.slice(0, -quote.length)}/${quote}`
  }
  return undefined
}

/** Whether a ccxt exchange's `urls` has testnet URLs (a non-empty `urls.test`). */
export function hasTestnet(urls: {test?: unknown} | undefined): boolean {
  const test = urls?.test
  if (typeof test === 'string') return test.length > 0
  return test !== null && typeof test === 'object' && Object.keys(test).length > 0
}

/**
 * The exchange broker places market and limit orders: a `rules` stop (stop_loss, trailing_stop) is
 * watched by the bot instead (rules/runtime/trader.ts), which a backtest of the same spec does not
 * do (`bots parity` does: broker/venue-limits.ts). Said where the stop is written (inline params).
 */
function watchedStops(raw: Raw, report: Report): void {
  const strategy = raw.strategy as Raw | undefined
  if (strategy?.name !== 'rules' || strategy.params === null || typeof strategy.params !== 'object') return
  for (const key of WATCHED_STOP_KEYS) {
    if (strategy.params[key] === undefined) continue
    report('warning', ['strategy', 'params', key], WATCHED_STOP, watchedStop(`this ${key}`), WATCHED_STOP_HINT, 'key')
  }
}

const WATCHED_STOP = 'exchange.watched_stop'
const WATCHED_STOP_KEYS = ['stop_loss', 'trailing_stop'] as const
const WATCHED_STOP_HINT = '`bots backtest` fills it at its level inside the bar (`bots parity` replays the bot as the exchange broker trades): keep the distance wide enough for that difference'
const watchedStop = (what: string, is = 'is') =>
  `the exchange broker places market and limit orders only: ${what} ${is} watched by the bot on each closed bar and exits at market, at the next price rather than at the level, and only while the bot runs`

/**
 * watchedStops for a strategy spec's rules (a bot naming one by `name` or `path`; `rules`: its
 * rules for the bot's params): said at the bot spec's `strategy`, since the stop is written in the
 * strategy spec's file, which other bots share.
 */
export function strategySpecWatchedStops(raw: Raw, rules: Record<string, unknown>, report: Report): void {
  if ((raw.live as Raw | undefined)?.broker?.type !== 'exchange') return
  const keys = WATCHED_STOP_KEYS.filter((key) => rules[key] !== undefined)
  if (keys.length === 0) return
  const strategy = raw.strategy as Raw
  const at = strategy.path === undefined ? 'name' : 'path'
  const named = String(strategy[at])
  report('warning', ['strategy', at], WATCHED_STOP, watchedStop(`the ${keys.join(' and ')} of strategy ${named}`, keys.length > 1 ? 'are' : 'is'), WATCHED_STOP_HINT)
}
