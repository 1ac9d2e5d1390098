/**
 * The service's one writer. Everything the bots produce (fills, orders, bars, checkpoints,
 * metrics, events, statuses, heartbeats) is queued here and written in batches, each batch in one
 * transaction of the registry (DuckDB: open → write → close, see `db.ts`; PostgreSQL: one pooled
 * transaction behind the lease fence).
 *
 * Group commit: `flush()` resolves once everything queued before the call is committed (or
 * journaled, see below); calls made while a flush runs share the next one. A fill's caller awaits that, so a fill is on disk
 * before the strategy hears of it, while a hundred bots' bars still cost one write a second.
 *
 * Nothing is dropped because the registry is away (a store locked by a long import, a PostgreSQL
 * restart, a network cut): a batch that fails for such a reason is retried, with backoff, until it
 * is written, and what is queued meanwhile follows it in order. With a journal (the DuckDB store,
 * `journal.ts`), a batch that meets a locked store is appended to the journal instead (fsynced),
 * and its flush resolves then: a bot that fills during an outage goes on, and a `kill -9` loses
 * nothing. Batches flushed while journaled ones wait go to the journal behind them; the backlog is
 * committed in the background, in order, when the store is free, and the journal is then emptied.
 * The queue is bounded: past
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
import type {Journal, JournalEntry} from './journal.js'

/** Where batches go while the store is locked (DuckDB only), and how journaled batches are committed. */
export interface RecorderJournal {
  log: Journal
  /**
   * Commit entries in one transaction, skipping those the store has committed already (it records
   * the last number it committed); resolves with that number. Every write goes through it.
   */
  commit(entries: JournalEntry[], now: number): Promise<number>
  /** The last number the store committed: new entries are numbered after it. */
  lastSeq: number
}

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
  /**
   * The DuckDB store's journal. Not for PostgreSQL: its writes are fenced by leases, and a batch
   * replayed later could write for a bot whose lease another process holds by then.
   */
  journal?: RecorderJournal
}

/**
 * How much of the time the recorder held the store: the cost other processes see. Measured with
 * the process's monotonic timer, not the service Clock: it is real I/O time (a simulated clock does
 * not move during a write), reported for the bench and logs, and never steers what the service does.
 */
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
  /** Journal: the last number given to a batch, and the last the store committed. */
  private seq: number
  private committed: number
  /** Journaled batches not committed yet, in order (a copy of the journal's tail, in memory). */
  private backlog: JournalEntry[] = []
  private backlogRows = 0
  private draining: Promise<void> | undefined
  /** The batch being written straight to the store: sends it to the journal instead (at the first wait for the lock). */
  private divert: (() => void) | undefined
  /** Flushes of batches that could not be journaled either: they wait for the store. */
  private commitWaiters: {seq: number; resolve: () => void; reject: (e: unknown) => void}[] = []
  private drainWaiters: (() => void)[] = []
  private saidJournalFailed = false
  /** The journal being emptied after its batches were committed. */
  private clearing: Promise<void> = Promise.resolve()

  constructor(private readonly opts: RecorderOptions) {
    this.seq = this.committed = opts.journal?.lastSeq ?? 0
  }

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

  /** Rows waiting to be written (queued, plus the batch being retried, plus the journaled ones). */
  get queuedRows(): number {
    return rowCount(this.pending) + this.inFlightRows + this.backlogRows
  }

  /** Batches in the journal that the store has not taken yet. */
  get journaled(): number {
    return this.backlog.length
  }

  /** Resolves once no journaled batch waits for the store (at once without a journal). */
  async drained(): Promise<void> {
    if (this.backlog.length) await new Promise<void>((resolve) => this.drainWaiters.push(resolve))
    await this.clearing
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
    // Another process holds the store: the batch being written goes to the journal meanwhile.
    if (!own) this.divert?.()
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

  /** Write everything queued so far; resolves when it is committed (or, with a journal, journaled: `drained()` waits for the store). */
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
    if (this.opts.journal) return this.writeJournaled(batch, this.opts.journal)
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

  /**
   * With a journal: straight to the store while nothing waits in the journal; at the first wait
   * for the lock (or a lock error), to the journal. Either settles the flush. A batch sent to the
   * journal while its direct write goes on is committed once whichever way gets there first (the
   * store skips numbers it has committed).
   */
  private writeJournaled(batch: Batch, j: RecorderJournal): Promise<void> {
    const entry = {seq: ++this.seq, batch}
    if (this.backlog.length) return this.toJournal(entry, j)
    const attempts = this.opts.attempts ?? 3
    let failures = 0
    this.inFlightRows = rowCount(batch)
    return new Promise<void>((resolve, reject) => {
      let diverted = false
      const divert = () => {
        if (diverted) return
        diverted = true
        if (this.divert === divert) this.divert = undefined
        this.inFlightRows = 0
        // The direct write goes on: the drain starts if it fails (or a later batch starts it), so a
        // lock held for a few ms by a command costs a journal line, not a second transaction.
        this.toJournal(entry, j, false).then(resolve, reject)
      }
      this.divert = divert
      const direct = retry(() => {
        if (!diverted) this.sleeping = false
        return this.commit([entry], j)
      }, {
        clock: this.opts.clock,
        attempts: Number.POSITIVE_INFINITY,
        initialDelayMs: 200,
        maxDelayMs: 5_000,
        retryable: (e) => !unreachable(e) && ++failures < attempts,
        onRetry: (e, i) => {
          this.noteWait(true, true)
          this.opts.warn(`recording failed (attempt ${i} of ${attempts}), retrying: ${firstLine(e)}`)
        },
      })
      const done = () => {
        if (this.divert === divert) this.divert = undefined
        // Once diverted, the drain owns the backlog and its waits.
        if (!diverted) this.sleeping = false
        if (!diverted) this.inFlightRows = 0
        if (this.backlog.length) this.drain(j)
      }
      direct.then(() => {
        done()
        if (!diverted) resolve()
        this.release()
      }, (e) => {
        if (unreachable(e)) {
          this.sayAway(e, entry.batch)
          divert()
        } else if (!diverted) {
          // A bug: given up. (Once diverted, the journaled copy is the drain's to try.)
          this.opts.warn(`recording failed ${attempts} times, ${describe(batch)} not recorded: ${firstLine(e)}`)
          reject(e)
        }
        done()
        this.release()
      })
    })
  }

  /** One commit of journal entries (the store skips those it has); what it committed leaves the backlog. */
  private async commit(entries: JournalEntry[], j: RecorderJournal): Promise<void> {
    const t0 = performance.now()
    const last = await j.commit(entries, this.opts.clock.now())
    const ms = performance.now() - t0
    this.stats.writes++
    this.stats.totalMs += ms
    this.stats.maxMs = Math.max(this.stats.maxMs, ms)
    this.committedThrough(Math.max(last, entries.at(-1)!.seq), j)
  }

  /** Behind the backlog: durable in the journal before the flush resolves (or, if the journal cannot be written, once the store has it). */
  private async toJournal(entry: JournalEntry, j: RecorderJournal, drain = true): Promise<void> {
    this.backlog.push(entry)
    this.backlogRows += rowCount(entry.batch)
    const appended = j.log.append(entry)
    if (drain) this.drain(j)
    try {
      await appended
      this.saidJournalFailed = false
    } catch (e) {
      if (!this.saidJournalFailed) this.opts.warn(`the journal ${j.log.file} cannot be written (${firstLine(e)}); ${describe(entry.batch)} kept in memory until the store takes it`)
      this.saidJournalFailed = true
      if (entry.seq <= this.committed) return
      await new Promise<void>((resolve, reject) => this.commitWaiters.push({seq: entry.seq, resolve, reject}))
    }
  }

  /** Commits the backlog in order, in the background, retrying while the store is locked. */
  private drain(j: RecorderJournal): void {
    if (this.draining) return
    this.draining = (async () => {
      const attempts = this.opts.attempts ?? 3
      while (this.backlog.length) {
        // Each try takes the whole backlog: after a long outage, one transaction.
        let entries: JournalEntry[] = []
        let failures = 0
        try {
          await retry(async () => {
            this.sleeping = false
            entries = this.backlog.slice()
            if (entries.length) await this.commit(entries, j)
          }, {
            clock: this.opts.clock,
            attempts: Number.POSITIVE_INFINITY,
            initialDelayMs: 200,
            maxDelayMs: 5_000,
            retryable: (e) => unreachable(e) || ++failures < attempts,
            onRetry: (e, i) => {
              this.noteWait(true, true)
              if (unreachable(e)) this.sayAway(e, describeEntries(this.backlog))
              else this.opts.warn(`recording failed (attempt ${i} of ${attempts}), retrying: ${firstLine(e)}`)
            },
          })
          if (this.failing && this.backlog.length === 0) {
            this.opts.info?.(`the store takes writes again; ${entries.length ? `${describeEntries(entries)} written from the journal` : 'the journal is committed'}`)
            this.failing = false
          }
        } catch (e) {
          // A bug, not a lock: given up, as a batch written straight would be; their flushes fail.
          this.opts.warn(`recording failed ${attempts} times, ${describeEntries(entries)} not recorded: ${firstLine(e)}`)
          this.settleBacklog(entries.at(-1)!.seq, j, (w) => w.reject(e))
        } finally {
          this.sleeping = false
        }
      }
    })().catch((e: Error) => this.opts.warn(`bug: the journal's commit loop failed: ${firstLine(e)}`)).finally(() => {
      this.draining = undefined
      // A batch journaled while the last commit ended.
      if (this.backlog.length) this.drain(j)
    })
  }

  private committedThrough(seq: number, j: RecorderJournal): void {
    if (seq > this.committed) this.committed = seq
    this.settleBacklog(this.committed, j, (w) => w.resolve())
  }

  /** Batches numbered up to `through` leave the backlog (committed, or given up); an empty backlog empties the journal. */
  private settleBacklog(through: number, j: RecorderJournal, settle: (w: {resolve: () => void; reject: (e: unknown) => void}) => void): void {
    const had = this.backlog.length
    this.backlog = this.backlog.filter((b) => b.seq > through)
    this.backlogRows = this.backlog.reduce((n, b) => n + rowCount(b.batch), 0)
    const done = this.commitWaiters.filter((w) => w.seq <= through)
    this.commitWaiters = this.commitWaiters.filter((w) => w.seq > through)
    for (const w of done) settle(w)
    if (had && this.backlog.length === 0) {
      // Everything journaled is in the store: empty the journal (called now, so it runs after every
      // append called before, and an append called later writes after it). A clear that fails
      // leaves lines the store has committed, which a replay skips.
      this.clearing = j.log.clear().catch((err: Error) => this.opts.warn(`the journal ${j.log.file} could not be emptied (${firstLine(err)}); its batches are committed, so the next start skips them`))
      for (const resolve of this.drainWaiters.splice(0)) resolve()
    }
    this.release()
  }

  /** Said once per outage, with the error that showed it. */
  private sayAway(e: unknown, what: Batch | string): void {
    if (this.failing) return
    this.failing = true
    const where = this.opts.journal ? `journaled in ${this.opts.journal.log.file} and committed when the store takes writes` : 'kept in memory and retried until written'
    this.opts.warn(`${this.away()} (${firstLine(e)}); ${typeof what === 'string' ? what : describe(what)} ${where}`)
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

function describeEntries(entries: JournalEntry[]): string {
  let fills = 0
  let events = 0
  for (const e of entries) {
    fills += e.batch.trades.length
    events += e.batch.events.length
  }
  return `${entries.length} batch${entries.length === 1 ? '' : 'es'} (${fills} fills, ${events} events)`
}

function describe(b: Batch): string {
  return `${b.trades.length} fills, ${b.orders.length} orders, ${b.bars.length} bars, ${b.states.size} states, ${b.events.length} events`
}
