/**
 * `bots parity ID`: the bars a live bot acted on, replayed through a backtest of its current spec,
 * decision by decision against what it did live (the runtime's `compareLiveToBacktest`).
 *
 * The comparison covers one segment: the bot's current run (see schema.ts) under its current spec
 * version. A run that began under an earlier spec and was carried over by a reload starts from an
 * account the backtest does not have, so the report says so.
 */
import {BotsError} from '../core/errors.js'
import type {ParityReport} from '../live/runtime-types.js'
import type {Registry} from './registry/registry.js'
import {DuckRegistry} from './registry/duck-registry.js'
import type {DbOptions} from './db.js'
import {discoverStrategies, type Discovery} from '../strategy/discover.js'
import {resolveBot} from './prepare-bot.js'
import {loadRuntime, type RuntimeApi} from './runtime.js'

export interface ParityOutcome extends ParityReport {
  botId: number
  name: string
  run: number
  specHash: string
  bars: number
  liveFills: number
  liveOrders: number
  /** Why the comparison may not be clean, when it may not. */
  note?: string
}

export interface ParityOptions extends DbOptions {
  registry?: Registry
  strategies?: string[]
  discovery?: Discovery
  runtime?: RuntimeApi
}

export async function parityForBot(id: number, opts: ParityOptions): Promise<ParityOutcome> {
  const {row, run, bars, orders, fills, specsInRun, warmEnd} = await (opts.registry ?? new DuckRegistry(opts)).parityRecords(id)
  if (bars.length === 0) {
    throw new BotsError(`bot ${id} "${row.name}" has no recorded bars for its current spec yet`, {code: 'parity.no-bars', hint: 'run it with `bots live` first; parity compares what it did on the bars it saw'})
  }
  const discovery = opts.discovery ?? (await discoverStrategies({extra: opts.strategies}))
  const resolved = await resolveBot(row, discovery)
  if (!resolved.ok) throw new BotsError(`bot ${id}: ${resolved.message}`, {code: 'parity.spec'})
  const {spec, definition, params} = resolved.bot
  const runtime = opts.runtime ?? (await loadRuntime())
  const report = await runtime.compareLiveToBacktest({spec, definition, params, bars, live: {fills, orders}, ...(warmEnd === undefined ? {} : {warmEnd})})
  const notes = [
    specsInRun > 1 ? 'this run began under an earlier spec and was carried over by a reload; the backtest starts fresh, so early differences are expected' : undefined,
    warmEnd !== undefined ? `it warmed up on its feed's recent bars through ${new Date(warmEnd).toISOString()} (their orders discarded): replayed the same way, through the live runtime` : undefined,
  ].filter((n): n is string => n !== undefined)
  const note = notes.length > 0 ? notes.join('; ') : undefined
  return {botId: id, name: row.name, run, specHash: row.specHash, bars: bars.length, liveFills: fills.length, liveOrders: orders.length, ...report, ...(note ? {note} : {})}
}
