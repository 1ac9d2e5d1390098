/**
 * From a registry row to a bot ready to run: the spec text validated twice (the bot schema, then
 * the strategy's params), the strategy resolved, and a file data source imported into the store
 * (the replay feed reads bars from the store). Failures come back as a message for the bot's
 * `error` column, never as a throw: one bad bot must not stop the others.
 */
import {isBotsError} from '../core/errors.js'
import {ensureFileData} from '../data/ensure-file-data.js'
import {marketTimezone} from '../calendar/index.js'
import type {BotSpec} from '../model/bot-spec.js'
import type {StrategyDefinition} from '../model/strategy.js'
import type {Discovery} from '../strategy/discover.js'
import {resolveStrategy} from '../strategy/resolve.js'
import type {BotRow} from './bot-rows.js'
import {withDbStore, type DbOptions} from './db.js'
import {checkSpecText, firstError} from './spec-check.js'

export interface PreparedBot {
  row: BotRow
  spec: BotSpec
  definition: StrategyDefinition
  /** Validated, defaults applied. */
  params: Record<string, unknown>
  /** Where the strategy came from (a plugin file, `built-in`, a strategy spec): plugin code runs in a worker. */
  source?: string
  /** Where the replay feed reads bars: the spec's `data.db`, else the service's store. */
  dataDb?: string
}

export type Prepared = {ok: true; bot: PreparedBot} | {ok: false; stage: 'validate' | 'strategy' | 'data'; message: string}

export async function prepareBot(row: BotRow, discovery: Discovery, db: DbOptions): Promise<Prepared> {
  const resolved = await resolveBot(row, discovery)
  if (!resolved.ok) return resolved
  const {spec} = resolved.bot
  const dataDb = spec.data.db ?? db.path
  if (spec.data.source === 'file') {
    try {
      // One import at a time per store: bots started together on one file would otherwise both find it missing and both import it.
      await oneAtATime(dataDb ?? '', () => withDbStore({...db, path: dataDb}, (store) => ensureFileData(store, spec.data, spec.symbols, spec.timeframe, marketTimezone(spec.market))))
    } catch (e) {
      if (!isBotsError(e)) throw e
      return {ok: false, stage: 'data', message: `data: ${e.message}${e.hint ? ` (${e.hint})` : ''}`}
    }
  }
  return {ok: true, bot: {...resolved.bot, dataDb}}
}

const imports = new Map<string, Promise<unknown>>()

function oneAtATime<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const next = (imports.get(key) ?? Promise.resolve()).catch(() => {}).then(fn)
  imports.set(key, next)
  void next.finally(() => imports.get(key) === next && imports.delete(key)).catch(() => {})
  return next
}

/** The spec validated and its strategy resolved, without touching data (parity needs no more). */
export async function resolveBot(row: BotRow, discovery: Discovery): Promise<Prepared> {
  const check = await checkSpecText(row.spec, row.specFile ?? `bot-${row.id}.yaml`, discovery)
  if (!check.valid || !check.spec) return {ok: false, stage: 'validate', message: firstError(check)}
  const spec = check.spec
  try {
    const {definition, registry} = await resolveStrategy(spec, discovery)
    const params = registry.validateParams(definition.name, spec.strategy.params, spec).params
    return {ok: true, bot: {row, spec, definition, params, source: registry.get(definition.name).source}}
  } catch (e) {
    if (!isBotsError(e)) throw e
    return {ok: false, stage: 'strategy', message: `strategy: ${e.message}`}
  }
}
