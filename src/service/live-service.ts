/**
 * `bots live` as a library: bots started and kept in line with the registry. Owns the timers
 * (poll, heartbeat, metrics, flush, lease renewal) and the order of shutdown; which bots run is the
 * strategy manager's business (with the registry's ownership: one user's bots on DuckDB, a fair
 * share of leased bots on PostgreSQL), how each bot runs the supervisor's.
 */
import type {TimerClock, TimerHandle} from '../core/clock.js'
import {discoverStrategies, type Discovery} from '../strategy/discover.js'
import type {DbOptions} from './db.js'
import {isConnectionError} from './registry/connection-error.js'
import {DuckRegistry} from './registry/duck-registry.js'
import type {Registry, Scope} from './registry/registry.js'
import type {Ownership} from './ownership.js'
import {Journal} from './journal.js'
import {replayJournal} from './journal-replay.js'
import {Recorder, type RecorderJournal} from './recorder.js'
import {DEFAULT_RESTART_POLICY, type RestartPolicy} from './restart-policy.js'
import {loadRuntime, type RuntimeApi} from './runtime.js'
import type {ServiceLog} from './service-log.js'
import {StrategyManager, type SyncReport} from './strategy-manager.js'
import type {SupervisorDeps} from './bot-supervisor.js'

export interface LiveServiceOptions {
  /** Whose bots; undefined with `allUsers` (PostgreSQL registry only). */
  userId?: number
  allUsers?: boolean
  /** The DuckDB store: bars, file imports, and the registry unless `registry` is given. */
  db: DbOptions
  /** The PostgreSQL registry (`--registry`); default the DuckDB store. */
  registry?: Registry
  /** Lease TTL on a PostgreSQL registry (default 15 s); renewed every third of it. */
  leaseTtlMs?: number
  log: ServiceLog
  pollMs?: number
  heartbeatMs?: number
  metricsMs?: number
  /** How often queued bars and checkpoints are written (fills are written at once). */
  flushMs?: number
  stopTimeoutMs?: number
  /** Plugin strategies in a worker thread per bot with a budget per hook call (default 2 s), or `none`. */
  isolation?: SupervisorDeps['isolation']
  policy?: Partial<RestartPolicy>
  strategies?: string[]
  discovery?: Discovery
  runtime?: RuntimeApi
  /**
   * Time for everything the service does: its timers, the restart backoff, each bot's feed
   * (pacing, staleness), store-lock waits, lease expiry, notification retries. `bots live` passes
   * a WallClock; tests a SimulatedClock they advance.
   */
  clock: TimerClock
  env?: NodeJS.ProcessEnv
  verbose?: boolean
  /** Rows queued while the registry is away before the bots pause. */
  maxQueuedRows?: number
}

const DEFAULT_ISOLATION = {budgetMs: 2_000, loadTimeoutMs: 30_000}

export class LiveService {
  private manager: StrategyManager | undefined
  private recorder: Recorder | undefined
  private ownership: Ownership | undefined
  private readonly timers = new Map<string, TimerHandle>()
  private stopping: Promise<void> | undefined
  private syncing: Promise<unknown> | undefined
  private syncAgain = false
  /** Set by cancelTimers (a failed start, or shutdown): a tick in flight does not set itself again. */
  private timersOff = false
  /** The first sync is done (it printed the start-up line; later ones print `poll: …`). */
  private loaded = false
  private renewRetry: TimerHandle | undefined
  private leaseWrittenAt = -Infinity
  private readonly clock: TimerClock
  /** The store, with lock waits on the service's clock. */
  private readonly db: DbOptions
  readonly registry: Registry
  private readonly scope: Scope
  private readonly who: string

  constructor(private readonly opts: LiveServiceOptions) {
    this.clock = opts.clock
    this.db = {...opts.db, clock: opts.db.clock ?? opts.clock, onLockWait: (w) => this.recorder?.noteWait(w)}
    this.registry = opts.registry ?? new DuckRegistry(this.db)
    if (opts.allUsers && this.registry.kind === 'duckdb') throw new Error('--all-users needs a shared registry (--registry postgres://…)')
    if (!opts.allUsers && opts.userId === undefined) throw new Error('bug: a service needs a user id or allUsers')
    this.scope = opts.allUsers ? {} : {userId: opts.userId}
    this.who = opts.allUsers ? 'all users' : `user ${opts.userId}`
  }

  /** Load the enabled bots and start them; then keep polling until `shutdown()`. */
  async start(): Promise<SyncReport> {
    const {log} = this.opts
    const discovery = this.opts.discovery ?? (await discoverStrategies({extra: this.opts.strategies}))
    for (const p of discovery.problems) log.warn(`strategy plugin ${p.file}: ${p.message}`)
    const runtime = this.opts.runtime ?? (await loadRuntime())
    const heartbeatMs = this.opts.heartbeatMs ?? 5_000
    const ownership = this.registry.ownership({scope: this.scope, clock: this.clock, ttlMs: this.opts.leaseTtlMs ?? 15_000, heartbeatMs, log})
    this.ownership = ownership
    await ownership.open()
    // The lease is this process's now: commit what a killed service of this user journaled.
    const journal = await this.openJournal()
    this.recorder = new Recorder({
      registry: this.registry, scope: this.scope, clock: this.clock, warn: (m) => log.error(m), info: (m) => log.info(m),
      fence: () => ownership.fence,
      onFenced: (ids) => void this.manager?.abandon(ids, 'another process holds this bot now (its writes here were refused)'),
      maxQueuedRows: this.opts.maxQueuedRows,
      journal,
    })
    this.manager = new StrategyManager({
      scope: this.scope, registry: this.registry, ownership, db: this.db, discovery, runtime, log, clock: this.clock, env: this.opts.env, verbose: this.opts.verbose,
      recorder: this.recorder,
      policy: {...DEFAULT_RESTART_POLICY, ...this.opts.policy},
      stopTimeoutMs: this.opts.stopTimeoutMs ?? 5_000,
      isolation: this.opts.isolation ?? DEFAULT_ISOLATION,
    })
    log.info(`${this.who}: loading enabled bots from ${this.registry.where}`)
    // The timers run from here: starting many bots takes a while (1000: several seconds), and
    // meanwhile the bots started first need their heartbeats and their leases renewed.
    this.every('poll', this.opts.pollMs ?? 30_000, () => this.poll())
    this.every('heartbeat', heartbeatMs, () => this.heartbeat())
    this.every('metrics', this.opts.metricsMs ?? 15_000, () => this.snapshotMetrics())
    this.every('flush', this.opts.flushMs ?? 1_000, () => (this.recorder!.hasPending ? this.recorder!.flush() : undefined))
    if (ownership.renewEveryMs !== undefined) this.every('lease', ownership.renewEveryMs, () => this.renewLeases())
    if (ownership.balanceEveryMs !== undefined) this.every('balance', ownership.balanceEveryMs, () => this.balance())
    let report: SyncReport
    try {
      report = await this.sync()
    } catch (e) {
      this.cancelTimers() // a service that failed to start leaves no timer running
      throw e
    }
    // Changes made elsewhere (PostgreSQL NOTIFY) are applied at once; the poll stays as the fallback.
    await ownership.watch?.(() => void this.poll().catch((e: Error) => log.error(`sync: ${e.message.split('\n')[0]}`)))
    return report
  }

  /** The line that says what the first sync did (what later syncs do is printed as `poll: …`). */
  private logStartup(report: SyncReport): void {
    const {log} = this.opts
    const failed = report.failed.length
    const where = this.ownership?.fence ? ` (${report.claimed.length} claimed by this process)` : ''
    if (report.found === 0) {
      // Nothing to run yet: say what to do; the poll picks up bots added or enabled from now on.
      const every = (this.opts.pollMs ?? 30_000) / 1000
      const add = this.opts.allUsers ? '`bots add SPEC --user-id N`' : `\`bots add SPEC --user-id ${this.opts.userId}\``
      log.info(`no enabled bots for ${this.who}: add one with ${add} (or \`bots enable ID\`); it is picked up at the next poll (every ${every} s); waiting`)
    } else {
      const loaded = this.ownership?.fence ? '' : `, ${report.found - failed} loaded`
      // A bot whose start failed for good (its feed, its data) was said above: not counted as started.
      // (One that started and failed since, a strategy stopped at its time budget, was started.)
      const inError = new Set(this.manager?.supervisors.filter((s) => s.startFailed).map((s) => s.id))
      const started = report.started.filter((id) => !inError.has(id)).length
      const startFailed = report.started.length - started
      log.info(`${this.who}: ${report.found} enabled bot${report.found === 1 ? '' : 's'} found${where}${loaded}, ${started} started${startFailed ? `, ${startFailed} failed to start` : ''}${failed ? `, ${failed} failed` : ''}`)
    }
    for (const f of report.failed) log.info(`  not started: bot ${f.id} "${f.name}": ${f.message}`)
  }

  /**
   * The DuckDB store's journal (`journal.ts`): what a previous service of this user left there is
   * committed now, before any bot starts (statuses, states and fills as they were when it died),
   * then the file is emptied (`journal-replay.ts`). A replay is idempotent: the store skips entries it has committed.
   * Heartbeats and lease renewals of the dead process are not replayed. PostgreSQL has no journal:
   * its writes are fenced by leases, and a batch kept for later could write for a bot that another
   * process holds by then.
   */
  private async openJournal(): Promise<RecorderJournal | undefined> {
    const reg = this.registry
    if (!(reg instanceof DuckRegistry) || reg.where === ':memory:' || this.opts.userId === undefined) return undefined
    const {log} = this.opts
    const file = Journal.forStore(reg.where, this.opts.userId, (m) => log.warn(m))
    const commit = async (entries: Parameters<RecorderJournal['commit']>[0], now: number) => (await reg.commitJournal(this.scope, entries, now)).seq
    const lastSeq = await replayJournal(file, (entries) => reg.commitJournal(this.scope, entries, this.clock.now()), log)
    return {log: file, commit, lastSeq}
  }

  /** Stop every bot, record final states and statuses. Idempotent. */
  shutdown(why = 'service shutdown'): Promise<void> {
    this.stopping ??= this.stopAll(why)
    return this.stopping
  }

  /** Write everything queued so far (the flush timer does so every `flushMs`); resolves once committed (journaled batches included). */
  async flush(): Promise<void> {
    await this.recorder?.flush()
    await this.recorder?.drained()
  }

  /** Resolves once the service's writes wait on the clock (for tests on a simulated clock: see Recorder.waiting). */
  writesWaiting(): Promise<void> {
    return this.recorder?.waiting() ?? new Promise(() => {})
  }

  get supervisors() {
    return this.manager?.supervisors ?? []
  }

  private cancelTimers(): void {
    this.timersOff = true
    for (const t of this.timers.values()) this.clock.cancel(t)
    this.timers.clear()
    this.clock.cancel(this.renewRetry)
  }

  private async stopAll(why: string): Promise<void> {
    this.cancelTimers()
    await this.syncing?.catch(() => {})
    if (!this.manager || !this.recorder) return
    // Those at rest (their replay ended, or in error) were stopped before: the count says so.
    const atRest = this.manager.supervisors.filter((s) => s.phase === 'ended' || s.phase === 'error' || s.phase === 'stopped').length
    await this.manager.stopAll('shutdown', why)
    this.snapshotMetrics()
    await this.recorder.flush().catch((e: Error) => this.opts.log.error(`final write failed: ${e.message}`))
    if (this.recorder.journaled) {
      this.opts.log.warn(`waiting for the store to take ${this.recorder.journaled} journaled batch(es); they are safe in the journal, and the next start commits them if this process is stopped now`)
      await this.recorder.drained()
    }
    // Hand every bot back at once: another process may take them without waiting for a TTL.
    await this.ownership?.close().catch(() => {})
    // Give notifications in flight a moment, not forever.
    let grace: TimerHandle | undefined
    await Promise.race([Promise.all(this.manager.supervisors.map((s) => s.idle())), new Promise((r) => (grace = this.clock.setTimer(2_000, () => r(undefined))))])
    this.clock.cancel(grace)
    const st = this.recorder.stats
    const stopped = this.manager.supervisors.length - atRest
    this.opts.log.info(`${this.who}: stopped ${stopped} bot${stopped === 1 ? '' : 's'}${atRest ? ` (${atRest} more already at rest: ended or in error)` : ''}; final state recorded`)
    const avg = (x: number) => (st.writes ? x / st.writes : 0).toFixed(1)
    this.opts.log.info(`registry writes: ${st.writes}, ${avg(st.totalMs)} ms on average, ${st.maxMs.toFixed(0)} ms at most`)
  }

  /** One sync at a time; a request during one runs once more right after it. */
  private sync(): Promise<SyncReport> {
    if (this.syncing) {
      this.syncAgain = true
      return this.syncing as Promise<SyncReport>
    }
    const run = (async () => {
      let all: SyncReport | undefined
      let report: SyncReport
      do {
        this.syncAgain = false
        report = await this.manager!.sync()
        all = all ? merged(all, report) : report
        if (!this.loaded) {
          // The service's first sync: once its statuses and events are written, the start-up line.
          // A sync that follows at once (a batch of claims, a change made meanwhile) is a poll.
          await this.recorder!.flush()
          this.loaded = true
          this.logStartup(report)
        } else if (report.started.length || report.stopped.length || report.reloaded.length || report.failed.length || report.claimed.length || report.released.length) {
          await this.recorder!.flush()
          const lease = this.ownership?.fence ? `, ${report.claimed.length} claimed, ${report.released.length} handed back` : ''
          this.opts.log.info(`poll: ${report.started.length} started, ${report.stopped.length} stopped, ${report.reloaded.length} reloaded, ${report.failed.length} failed, ${report.unchanged} unchanged${lease}`)
        }
        // A batch of claims (PostgreSQL) is followed by the next at once.
      } while ((this.syncAgain || report.more) && !this.stopping)
      return all
    })()
    this.syncing = run
    void run.finally(() => {
      if (this.syncing === run) this.syncing = undefined
    }).catch(() => {})
    return run
  }

  /** Apply what changed in the registry; once its statuses and events are written, say what was done. */
  private async poll(): Promise<void> {
    if (this.stopping) return
    await this.sync()
  }

  /**
   * PostgreSQL leases: renew; bots another process took are stopped here. When the registry
   * cannot be reached, bots whose lease has run out by this process's clock are stopped as well:
   * someone else may run them now.
   */
  private async renewLeases(): Promise<void> {
    const o = this.ownership!
    try {
      const lost = await o.renew()
      if (lost.length) await this.manager!.abandon(lost, 'its lease was taken over by another process')
    } catch (e) {
      this.opts.log.warn(`lease renewal failed: ${(e as Error).message.split('\n')[0]}`)
      // Try again within a second, not a third of the TTL later: an outage shorter than the TTL must not cost the leases.
      if (!this.renewRetry && !this.stopping) {
        this.renewRetry = this.clock.setTimer(1_000, () => {
          this.renewRetry = undefined
          return this.renewLeases().catch((err: Error) => this.opts.log.warn(`lease: ${err.message.split('\n')[0]}`))
        })
      }
    }
    const expired = o.expired()
    if (expired.length) await this.manager!.abandon(expired, `its lease ran out (not renewed for ${(this.opts.leaseTtlMs ?? 15_000) / 1000} s)`)
  }

  /**
   * Bots whose holder died become free when their leases run out, and nothing announces it: look
   * (a full sync only when there is something to claim or give back). A sync under way balances
   * as it goes, so a check then would only repeat it. A check that cannot reach the registry says
   * nothing: the lease renewal reports an outage, once every third of the TTL, not every second.
   * Any other error is reported (by `every`).
   */
  private async balance(): Promise<void> {
    if (this.stopping || this.syncing) return
    let needed: boolean
    try {
      needed = await this.ownership!.needsBalance!()
    } catch (e) {
      if (isConnectionError(e)) return
      throw e
    }
    if (needed) await this.sync()
  }

  private async heartbeat(): Promise<void> {
    const alive = this.manager!.supervisors.filter((s) => s.phase === 'running').map((s) => s.id)
    // With no bot running, only the DuckDB service lease needs renewing, and every other beat is
    // enough (it goes stale after 3 beats, at least 15 s): an idle service writes half as often.
    const heartbeatMs = this.opts.heartbeatMs ?? 5_000
    const now = this.clock.now()
    if (alive.length === 0 && !this.recorder!.hasPending && now - this.leaseWrittenAt < 2 * heartbeatMs - heartbeatMs / 2) return
    this.leaseWrittenAt = now
    this.recorder!.heartbeat(alive, this.ownership?.serviceLease)
    await this.recorder!.flush()
    if (this.opts.verbose) this.opts.log.info(`heartbeat written for ${alive.length} running bot${alive.length === 1 ? '' : 's'}${alive.length ? ` (${alive.join(', ')})` : ''}`)
  }

  private snapshotMetrics(): void {
    const now = this.clock.now()
    for (const s of this.manager?.supervisors ?? []) if (s.phase === 'running') s.metrics(now)
  }

  /**
   * Run `fn` every `ms`, timed from the start of each run (a slow write does not stretch the
   * heartbeat period), never overlapping: a run that took longer than `ms` is followed at once.
   * Each run's promise goes back to the clock, so a test on a simulated clock can await it.
   */
  private every(name: string, ms: number, fn: () => Promise<unknown> | unknown): void {
    const tick = async () => {
      this.timers.delete(name)
      const started = this.clock.now()
      try {
        await fn()
      } catch (e) {
        this.opts.log.error(`${name}: ${(e as Error).message.split('\n')[0]}`)
      }
      if (!this.timersOff) this.timers.set(name, this.clock.setTimer(Math.max(0, ms - (this.clock.now() - started)), tick))
    }
    this.timers.set(name, this.clock.setTimer(ms, tick))
  }
}

/** What a run of syncs did (start() returns it: every bot started during the start-up); `later` counts as the latest. */
function merged(earlier: SyncReport, later: SyncReport): SyncReport {
  return {
    found: later.found,
    started: [...earlier.started, ...later.started],
    stopped: [...earlier.stopped, ...later.stopped],
    reloaded: [...earlier.reloaded, ...later.reloaded],
    failed: [...earlier.failed.filter((f) => !later.failed.some((g) => g.id === f.id)), ...later.failed],
    unchanged: later.unchanged,
    claimed: [...earlier.claimed, ...later.claimed],
    released: [...earlier.released, ...later.released],
  }
}
