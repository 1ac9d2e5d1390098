/**
 * The service's one writer. Everything the bots produce (fills, orders, bars, checkpoints,
 * metrics, events, statuses, heartbeats) is queued here and written in batches, each batch in one
 * transaction of the registry (DuckDB: open → write → close, see `db.ts`; PostgreSQL: one pooled
 * transaction behind the lease fence).
 *
 * Group commit: `flush()` resolves once everything queued before the call is committed; calls
 * made while a flush runs share the next one. A fill's caller awaits that, so a fill is on disk
 * before the strategy hears of it, while a hundred bots' bars still cost one write a second.
 *
 * Nothing is dropped because the registry is away (a store locked by a long import, a PostgreSQL
 * restart, a network cut): a batch that fails for such a reason is retried, with backoff, until it
 * is written, and what is queued meanwhile follows it in order. The queue is bounded: past
 * `maxQueuedRows` the bots wait at their next checkpoint (`room()`) and the log says why. Only a
 * batch that fails for another reason (a bug) is given up after `attempts` tries, and said so.
 *
 * Scoped: rows of bots outside the service's scope (another user's, removed meanwhile) are never
 * written, and on a PostgreSQL registry neither are rows of bots the process no longer holds (the
 * fence); those are reported through `onFenced`.
 */
import type {TimerClock} from '../core/clock.js'
import {isBotsError} from '../core/errors.js'
import {retry} from '../core/retry.js'
import {isConnectionError} from './registry/connection-error.js'
import type {Fence, Registry, Scope} from './registry/registry.js'
import type {Lease} from './lease.js'
import {emptyBatch, isEmpty, rowCount, type Batch, type BotStatusUpdate} from './write-batch.js'
import type {BarRecord, EventRecord, MetricsRecord, OrderRecord, StateRecord, TradeRecord} from './records.js'

export interface RecorderOptions {
  registry: Registry
  scope: Scope
  /** Timestamps, and the waits between tries of a batch. */
  clock: TimerClock
  /** Where failures are reported (the service log). */
  warn: (message: string) => void
  /** Said when writes work again after failing. */
  info?: (message: string) => void
  /** The lease fence (PostgreSQL), read at each write. */
  fence?: () => Fence | undefined
  /** Bots whose rows the fence refused: the process no longer holds them. */
  onFenced?: (ids: number[]) => void
  /** Attempts for a batch that fails for a reason other than an unreachable registry. */
  attempts?: number
  /** Rows queued while the registry is away before the bots pause (default 200,000). */
  maxQueuedRows?: number
}

/** How much of the time the recorder held the store: the cost other processes see. */
export interface RecorderStats {
  writes: number
  /** From asking for the store to having closed it: includes waits for other processes. */
  totalMs: number
  maxMs: number
}

export class Recorder {
  readonly stats: RecorderStats = {writes: 0, totalMs: 0, maxMs: 0}
  private pending: Batch = emptyBatch()
  /** Rows of the batch being written while it is retried (counts against the bound). */
  private inFlightRows = 0
  private running: Promise<void> | undefined
  private queued: Promise<void> | undefined
  private failing = false
  private waiters: (() => void)[] = []
  private saidFull = false
  /** A write is waiting on the clock (a retry's backoff, or a locked store): see `waiting()`. */
  private sleeping = false
  /** Waits for a locked store in progress (paired reports from DbOptions.onLockWait). */
  private lockSleeps = 0
  private sleepers: (() => void)[] = []

  constructor(private readonly opts: RecorderOptions) {}

  trade(t: TradeRecord): void {
    this.pending.trades.push(t)
  }
  order(o: OrderRecord): void {
    this.pending.orders.push(o)
  }
  bar(b: BarRecord): void {
    this.pending.bars.push(b)
  }
  metrics(m: MetricsRecord): void {
    this.pending.metrics.push(m)
  }
  event(e: Omit<EventRecord, 'userId' | 'at'> & {at?: number; userId?: number}): void {
    if (e.userId === undefined && this.opts.scope.userId === undefined) throw new Error('bug: an event of an all-users service needs its bot\'s user')
    this.pending.events.push({...e, userId: e.userId ?? this.opts.scope.userId!, at: e.at ?? this.opts.clock.now()})
  }
  /** Only the latest state of a bot matters: a newer one replaces the queued one. */
  state(s: StateRecord): void {
    this.pending.states.set(s.botId, s)
  }
  status(botId: number, update: BotStatusUpdate): void {
    this.pending.statuses.set(botId, {...this.pending.statuses.get(botId), ...update})
  }
  heartbeat(botIds: number[], lease?: Lease): void {
    for (const id of botIds) this.pending.heartbeats.add(id)
    if (lease) this.pending.lease = lease
  }

  get hasPending(): boolean {
    return !isEmpty(this.pending)
  }

  /** Rows waiting to be written (queued, plus the batch being retried). */
  get queuedRows(): number {
    return rowCount(this.pending) + this.inFlightRows
  }

  /**
   * Resolves once a write is waiting on the clock (a backoff between tries, or a locked store):
   * nothing more happens until time moves. For tests on a simulated clock, where a bot blocked on
   * its fill's write would otherwise look busy forever.
   */
  waiting(): Promise<void> {
    if (this.sleeping || this.lockSleeps > 0) return Promise.resolve()
    return new Promise((resolve) => this.sleepers.push(resolve))
  }

  /**
   * Something of the service goes to sleep on the clock (`true`) or wakes (`false`): the recorder's
   * own backoff (`own`), or a wait for a locked store (DbOptions.onLockWait, reported in pairs).
   */
  noteWait(waiting: boolean, own = false): void {
    if (own) this.sleeping = waiting
    else this.lockSleeps = Math.max(0, this.lockSleeps + (waiting ? 1 : -1))
    if (!waiting) return
    const s = this.sleepers
    this.sleepers = []
    for (const resolve of s) resolve()
  }

  /** Resolves at once while the queue is below its bound; else once it has drained below it. */
  room(): Promise<void> {
    if (this.queuedRows < (this.opts.maxQueuedRows ?? 200_000)) return Promise.resolve()
    if (!this.saidFull) {
      this.saidFull = true
      this.opts.warn(`${this.opts.registry.kind === 'duckdb' ? 'the store' : 'the registry'} has not taken writes for a while: ${this.queuedRows} rows are waiting, so the bots are paused until they are written`)
    }
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  /** Write everything queued so far; resolves when it is committed. */
  flush(): Promise<void> {
    if (this.queued) return this.queued
    // A failed flush must not block the next one (its own callers got the error).
    const prev = (this.running ?? Promise.resolve()).catch(() => {})
    const next: Promise<void> = prev.then(async () => {
      this.queued = undefined
      this.running = next
      try {
        const batch = this.pending
        this.pending = emptyBatch()
        if (!isEmpty(batch)) await this.write(batch)
      } finally {
        if (this.running === next) this.running = undefined
      }
    })
    this.queued = next
    return next
  }

  /**
   * One batch: retried until written while the registry is unreachable (0.2 s, doubling to 5 s
   * between tries), else `attempts` times.
   */
  private async write(batch: Batch): Promise<void> {
    const attempts = this.opts.attempts ?? 3
    this.inFlightRows = rowCount(batch)
    let failures = 0
    const once = async () => {
      this.sleeping = false
      const t0 = performance.now()
      const result = await this.opts.registry.writeBatch(this.opts.scope, batch, this.opts.clock.now(), this.opts.fence?.())
      const ms = performance.now() - t0
      this.stats.writes++
      this.stats.totalMs += ms
      this.stats.maxMs = Math.max(this.stats.maxMs, ms)
      if (result.fenced.length) this.opts.onFenced?.(result.fenced)
    }
    try {
      await retry(once, {
        clock: this.opts.clock,
        attempts: Number.POSITIVE_INFINITY,
        initialDelayMs: 200,
        maxDelayMs: 5_000,
        retryable: (e) => unreachable(e) || ++failures < attempts,
        onRetry: (e, i) => {
          this.noteWait(true, true)
          if (unreachable(e)) {
            if (!this.failing) this.opts.warn(`${this.away()} (${firstLine(e)}); ${describe(batch)} kept in memory and retried until written`)
            this.failing = true
          } else this.opts.warn(`recording failed (attempt ${i} of ${attempts}), retrying: ${firstLine(e)}`)
        },
      })
      if (this.failing) this.opts.info?.(`${this.opts.registry.kind === 'duckdb' ? 'the store' : 'the registry'} takes writes again; ${describe(batch)} written`)
      this.failing = false
    } catch (e) {
      this.opts.warn(`recording failed ${attempts} times, ${describe(batch)} not recorded: ${firstLine(e)}`)
      throw e
    } finally {
      this.sleeping = false
      this.inFlightRows = 0
      this.release()
    }
  }

  /** What is away, in the words of its engine: another process holds the store file, or the server cannot be reached. */
  private away(): string {
    return this.opts.registry.kind === 'duckdb' ? 'the store cannot be written now' : 'the registry is unreachable'
  }

  private release(): void {
    if (this.queuedRows >= (this.opts.maxQueuedRows ?? 200_000)) return
    this.saidFull = false
    const w = this.waiters
    this.waiters = []
    for (const resolve of w) resolve()
  }
}

/** The registry could not be reached or was locked: worth waiting for, never a reason to drop rows. */
export function unreachable(e: unknown): boolean {
  if (isBotsError(e)) return e.diagnostic.code === 'store.locked' || e.diagnostic.code === 'registry.unreachable'
  return isConnectionError(e)
}

const firstLine = (e: unknown) => (e as Error).message.split('\n')[0]

function describe(b: Batch): string {
  return `${b.trades.length} fills, ${b.orders.length} orders, ${b.bars.length} bars, ${b.states.size} states, ${b.events.length} events`
}
