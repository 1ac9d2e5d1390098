/**
 * The service's one writer. Everything the bots produce (fills, orders, bars, checkpoints,
 * metrics, events, statuses, heartbeats) is queued here and written in batches: each flush opens
 * the store, writes the whole batch in one transaction, and closes it (see `db.ts` for why).
 *
 * Group commit: `flush()` resolves once everything queued before the call is committed; calls
 * made while a flush runs share the next one. A fill's caller awaits that, so a fill is on disk
 * before the strategy hears of it, while a hundred bots' bars still cost one write a second.
 *
 * Scoped to one user: every write is filtered to bots that exist and belong to that user, so a
 * bot removed meanwhile (or any other user's bot) is never written to.
 */
import type {TimerClock} from '../core/clock.js'
import {retry} from '../core/retry.js'
import {withDb, type DbOptions} from './db.js'
import type {Lease} from './lease.js'
import {emptyBatch, isEmpty, writeBatch, type Batch, type BotStatusUpdate} from './write-batch.js'
import type {BarRecord, EventRecord, MetricsRecord, OrderRecord, StateRecord, TradeRecord} from './records.js'

export interface RecorderOptions {
  db: DbOptions
  userId: number
  /** Timestamps, and the waits between tries of a batch. */
  clock: TimerClock
  /** Where failures are reported (the service log). */
  warn: (message: string) => void
  /** Attempts per batch before it is given up (each already waits out a locked store). */
  attempts?: number
}

/** How much of the time the recorder held the store: the cost other processes see. */
export interface RecorderStats {
  writes: number
  /** From asking for the store to having closed it: includes waits for other processes. */
  totalMs: number
  maxMs: number
  /** Inside the transaction only. */
  writeMs: number
}

export class Recorder {
  readonly stats: RecorderStats = {writes: 0, totalMs: 0, maxMs: 0, writeMs: 0}
  private pending: Batch = emptyBatch()
  private running: Promise<void> | undefined
  private queued: Promise<void> | undefined

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
  event(e: Omit<EventRecord, 'userId' | 'at'> & {at?: number}): void {
    this.pending.events.push({...e, userId: this.opts.userId, at: e.at ?? this.opts.clock.now()})
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

  /** One batch, tried `attempts` times (0.2 s, then 0.4 s… between tries). */
  private async write(batch: Batch): Promise<void> {
    const attempts = this.opts.attempts ?? 3
    const once = async () => {
      const t0 = performance.now()
      await withDb(this.opts.db, async (conn) => {
        const w0 = performance.now()
        await writeBatch(conn, this.opts.userId, batch, this.opts.clock.now())
        this.stats.writeMs += performance.now() - w0
      })
      const ms = performance.now() - t0
      this.stats.writes++
      this.stats.totalMs += ms
      this.stats.maxMs = Math.max(this.stats.maxMs, ms)
    }
    try {
      await retry(once, {
        clock: this.opts.clock,
        attempts,
        initialDelayMs: 200,
        onRetry: (e, i) => this.opts.warn(`recording failed (attempt ${i} of ${attempts}), retrying: ${firstLine(e)}`),
      })
    } catch (e) {
      this.opts.warn(`recording failed ${attempts} times, ${describe(batch)} not recorded: ${firstLine(e)}`)
      throw e
    }
  }
}

const firstLine = (e: unknown) => (e as Error).message.split('\n')[0]

function describe(b: Batch): string {
  return `${b.trades.length} fills, ${b.orders.length} orders, ${b.bars.length} bars, ${b.states.size} states, ${b.events.length} events`
}
