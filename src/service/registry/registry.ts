/**
 * The live registry: the bots and everything recorded for them (fills, orders, bars, metrics,
 * events, state) and who runs them. One interface, two engines:
 *
 * - `DuckRegistry` (the embedded default): the DuckDB store file, opened for each transaction.
 *   One `bots live` process per user, held by a per-user service lease.
 * - `PgRegistry` (`--registry postgres://…`): a PostgreSQL server shared by several `bots live`
 *   processes on several machines. Each bot is held by one process at a time through a lease row
 *   with an epoch (increased on every claim) and an expiry; every write of a running bot is
 *   conditional on its lease (the fence), so a process that lost a bot records nothing for it.
 *
 * Each engine writes the SQL it is good at (DuckDB's appender, PostgreSQL's `unnest` bulk inserts,
 * `FOR UPDATE SKIP LOCKED`, `LISTEN/NOTIFY`); the callers see only these calls.
 */
import type {BotRow} from '../bot-rows.js'
import type {NewBot} from '../bot-rows.js'
import type {BotStatusView, EventView, TradeView} from '../queries.js'
import type {ResumeInfo} from '../resume-info.js'
import type {Batch} from '../write-batch.js'
import type {LiveBar} from '../../live/runtime-types.js'
import type {Fill, Order} from '../../model/orders.js'
import type {Ownership, OwnershipOptions} from '../ownership.js'

/** Which bots a service process may run: one user's, or any user's (`--all-users`). */
export interface Scope {
  userId?: number
}

export const inScope = (scope: Scope, userId: number) => scope.userId === undefined || scope.userId === userId

export interface SpecUpdate {
  name: string
  spec: string
  specFile: string
  specHash: string
  now: number
}

/** The recorded bars, orders and fills of a bot's current run under its current spec (`bots parity`). */
export interface ParityRecords {
  row: BotRow
  run: number
  bars: LiveBar[]
  orders: Order[]
  fills: Fill[]
  /** Distinct spec versions that recorded bars in this run (> 1: a reload carried it over). */
  specsInRun: number
  /** A fresh bot that warmed up on its feed's recent bars: where that ended (its saved BotState.warmEnd). */
  warmEnd?: number
}

/** A bot a process holds, and the epoch of the claim that gave it (0 on DuckDB: no fencing needed). */
export type Held = Map<number, number>

/**
 * Writes of running bots go through a fence: only rows of bots the process holds, at the epoch it
 * holds them, are written. Everything else is dropped and reported.
 */
export interface Fence {
  holder: string
  held: Held
}

export interface WriteResult {
  /** Bots whose rows were refused because the process no longer holds them (at that epoch). */
  fenced: number[]
}

export interface Registry {
  readonly kind: 'duckdb' | 'postgres'
  /** Where it is, for log lines (a path, or a URL without any password). */
  readonly where: string

  listBots(filter?: {userId?: number}): Promise<BotRow[]>
  getBot(id: number, userId?: number): Promise<BotRow>
  /** Inserts the bot and its `added` event in one transaction. */
  addBot(bot: NewBot): Promise<BotRow>
  /**
   * Replaces a bot's spec unless the new one is the same (`same(before)`), checking `check(before)`
   * first (it throws to refuse), with an `updated` event, in one transaction.
   */
  updateSpec(id: number, update: SpecUpdate, check: (before: BotRow) => void): Promise<{bot: BotRow; changed: boolean}>
  setEnabled(id: number, enabled: boolean, now: number): Promise<BotRow>
  /** The bot and everything recorded for it. */
  removeBot(id: number): Promise<BotRow>

  status(id?: number, userId?: number): Promise<BotStatusView[]>
  trades(id: number, limit?: number): Promise<TradeView[]>
  events(id: number, limit?: number): Promise<EventView[]>
  parityRecords(id: number): Promise<ParityRecords>

  /** Saved states, last runs and highest order ids of these bots (scope-checked). */
  resumeInfo(scope: Scope, ids: number[]): Promise<Map<number, ResumeInfo>>
  /** One batch of a service's records in one transaction; rows outside the scope (or the fence) are dropped. */
  writeBatch(scope: Scope, batch: Batch, now: number, fence?: Fence): Promise<WriteResult>

  /** How a `bots live` process on this registry learns which bots it runs. */
  ownership(o: OwnershipOptions): Ownership

  close(): Promise<void>
}

export type {BotRow, NewBot}
