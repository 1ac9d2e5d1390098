/**
 * Builds the typed, defaults-applied form of a bot spec (the BotSpec of src/model). Built only
 * from a document that passed the schema (see `validate-spec.ts`), so this module trusts shapes
 * and just converts units.
 *
 * Defaults have one source: the `default`s in `schemas/bot.schema.json` (what editors show).
 * They are read from the schema here, never written twice; `test/spec/defaults.test.ts` walks
 * every `default` in the schema and checks the builder applies it.
 */
import path from 'node:path'
import {parseDuration} from '../core/duration.js'
import type {BotSpec, ExchangeSpec, InstrumentSpec, MarketSpec} from '../model/bot-spec.js'
import type {StrategyBot} from '../model/strategy.js'
import {loadSchema} from '../document/schema-files.js'

type Raw = Record<string, any>

type SchemaNode = {properties?: Record<string, SchemaNode>; oneOf?: SchemaNode[]; default?: unknown}

/**
 * The schema's `default` for a property, by its path of keys from the root (a property declared
 * inside a `oneOf` alternative, as the custom market's `days`, is found there). A fresh copy:
 * callers may keep or change what they get.
 */
export function schemaDefault(...keys: string[]): unknown {
  let node: SchemaNode | undefined = loadSchema('bot') as SchemaNode
  for (const key of keys) {
    const owner: SchemaNode | undefined = node?.properties?.[key] ? node : node?.oneOf?.find((alt) => alt.properties?.[key])
    node = owner?.properties?.[key]
    if (!node) throw new Error(`bug: schemas/bot.schema.json has no property ${keys.join('.')}`)
  }
  if (!node || !('default' in node)) throw new Error(`bug: schemas/bot.schema.json has no default for ${keys.join('.')}`)
  return structuredClone(node.default)
}

/** Every default the builder applies, read once from the schema. */
let defaults: ReturnType<typeof readDefaults> | undefined
function readDefaults() {
  const d = schemaDefault
  return {
    params: () => d('strategy', 'params') as Record<string, unknown>,
    market: d('market') as MarketSpec,
    days: () => d('market', 'days') as string[],
    data: d('data') as Raw,
    source: d('data', 'source') as 'store' | 'file',
    timeLabel: d('data', 'time_label') as 'open' | 'close',
    broker: d('broker') as Raw,
    cash: d('broker', 'cash') as number,
    commission: d('broker', 'commission') as Raw,
    perShare: d('broker', 'commission', 'per_share') as number,
    percent: d('broker', 'commission', 'percent') as number,
    fixed: d('broker', 'commission', 'fixed') as number,
    minimum: d('broker', 'commission', 'minimum') as number,
    slippageBps: d('broker', 'slippage_bps') as number,
    allowShort: d('broker', 'allow_short') as boolean,
    fillPrice: d('broker', 'fill_price') as 'next_open' | 'close',
    backtest: d('backtest') as Raw,
    live: d('live') as Raw,
    feed: d('live', 'feed') as Raw,
    feedType: d('live', 'feed', 'type') as 'replay' | 'exchange',
    speed: d('live', 'feed', 'speed') as number,
    liveBroker: d('live', 'broker') as Raw,
    liveBrokerType: d('live', 'broker', 'type') as 'paper' | 'exchange',
    exchangeMode: d('live', 'exchange', 'mode') as 'live' | 'sandbox',
    events: () => d('live', 'notify', 'events') as string[],
  }
}

export function toBotSpec(raw: Raw, file?: string): BotSpec {
  const D = (defaults ??= readDefaults())
  const baseDir = file ? path.dirname(file) : process.cwd()
  const resolve = (p: string) => path.resolve(baseDir, p)
  const timeframeMs = parseDuration(raw.timeframe)
  const symbols: string[] = raw.symbols
  const data: Raw = raw.data ?? D.data
  const broker: Raw = raw.broker ?? D.broker
  const commission: Raw = broker.commission ?? D.commission
  const live: Raw = raw.live ?? D.live
  const feed: Raw = live.feed ?? D.feed
  const liveBroker: Raw = live.broker ?? D.liveBroker

  return {
    name: raw.name,
    description: raw.description,
    userId: raw.user_id,
    file,
    strategy: {
      name: raw.strategy.name,
      path: raw.strategy.path === undefined ? undefined : resolve(raw.strategy.path),
      params: raw.strategy.params ?? D.params(),
    },
    symbols,
    timeframe: raw.timeframe,
    timeframeMs,
    sleeptimeMs: raw.sleeptime === undefined ? timeframeMs : parseDuration(raw.sleeptime),
    market: toMarket(raw.market),
    data:
      (data.source ?? D.source) === 'store'
        ? {source: 'store', db: data.db === undefined ? undefined : resolve(data.db)}
        : {
            source: 'file',
            db: data.db === undefined ? undefined : resolve(data.db),
            files: data.files
              ? Object.fromEntries(Object.entries(data.files as Record<string, string>).map(([s, p]) => [s, resolve(p)]))
              : Object.fromEntries(symbols.map((s) => [s, resolve(data.path)])),
            format: data.format,
            timezone: data.timezone,
            columns: data.columns,
            timeLabel: data.time_label ?? D.timeLabel,
          },
    broker: {
      cash: broker.cash ?? D.cash,
      commission: {
        perShare: commission.per_share ?? D.perShare,
        percent: commission.percent ?? D.percent,
        fixed: commission.fixed ?? D.fixed,
        minimum: commission.minimum ?? D.minimum,
      },
      slippageBps: broker.slippage_bps ?? D.slippageBps,
      allowShort: broker.allow_short ?? D.allowShort,
      fillPrice: broker.fill_price ?? D.fillPrice,
      // Only when written: specs without them keep the shape (and typed-spec hash) they had.
      ...(broker.same_bar !== undefined ? {sameBar: broker.same_bar} : {}),
      ...(broker.max_volume_share !== undefined ? {maxVolumeShare: broker.max_volume_share} : {}),
      // Only when written with entries: specs without instruments keep the shape (and typed-spec hash) they had.
      ...(raw.instruments && Object.keys(raw.instruments).length > 0 ? {instruments: toInstruments(raw.instruments)} : {}),
    },
    backtest: {start: (raw.backtest ?? D.backtest).start, end: (raw.backtest ?? D.backtest).end},
    // Only when written: specs without one keep the shape they had.
    ...(raw.report?.overlay?.length ? {report: {overlay: [...raw.report.overlay] as string[]}} : {}),
    live: {
      feed: {
        type: feed.type ?? D.feedType,
        speed: feed.speed ?? D.speed,
        start: feed.start,
        staleAfterMs: feed.stale_after === undefined ? undefined : parseDuration(feed.stale_after),
        ...(feed.clock === undefined ? {} : {clock: feed.clock}),
      },
      broker: {type: liveBroker.type ?? D.liveBrokerType},
      // Only when written: specs without one keep the shape (and typed-spec hash) they had.
      ...(live.exchange ? {exchange: toExchangeSpec(live.exchange, D.exchangeMode)} : {}),
      notify: live.notify
        ? {webhookEnv: live.notify.webhook_env, events: live.notify.events ?? D.events()}
        : undefined,
    },
  }
}

/** `market` with its defaults: `24/7` when absent; a custom market's `days` and `holidays`. */
function toMarket(market: Raw | string | undefined): MarketSpec {
  const D = (defaults ??= readDefaults())
  market ??= D.market
  return typeof market === 'string' ? (market as MarketSpec) : ({days: D.days(), holidays: [], ...market} as unknown as MarketSpec)
}

/**
 * The bot a strategy's `check(params, bot)` sees, from a document that passed the schema (no full
 * BotSpec is built for that). Undefined when the timeframe does not parse (a problem reported on
 * its own): then the strategy checks its params alone.
 */
export function toStrategyBot(raw: Raw): StrategyBot | undefined {
  let timeframeMs: number
  try {
    timeframeMs = parseDuration(raw.timeframe)
  } catch {
    return undefined
  }
  return {symbols: [...(raw.symbols as string[])], timeframe: raw.timeframe, timeframeMs, market: toMarket(raw.market)}
}

/** `instruments` in camelCase, only the fields written. */
function toInstruments(x: Record<string, Raw>): Record<string, InstrumentSpec> {
  const out: Record<string, InstrumentSpec> = {}
  for (const [symbol, i] of Object.entries(x)) {
    out[symbol] = {
      ...(i.multiplier === undefined ? {} : {multiplier: i.multiplier}),
      ...(i.margin === undefined ? {} : {margin: i.margin}),
      ...(i.tick_size === undefined ? {} : {tickSize: i.tick_size}),
      ...(i.lot_size === undefined ? {} : {lotSize: i.lot_size}),
    }
  }
  return out
}

/** `live.exchange` in camelCase; only names of environment variables, never a secret. */
function toExchangeSpec(x: Raw, defaultMode: 'live' | 'sandbox'): ExchangeSpec {
  const creds = x.credentials_env as Raw | undefined
  return {
    id: x.id,
    mode: x.mode ?? defaultMode,
    apiUrl: x.api_url,
    wsUrl: x.ws_url,
    credentialsEnv: creds ? {key: creds.key, secret: creds.secret, password: creds.password} : undefined,
  }
}
