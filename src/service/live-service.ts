/**
 * `bots live` as a library: one user's bots, started and kept in line with the database.
 * Owns the timers (poll, heartbeat, metrics, flush) and the order of shutdown; what runs is the
 * strategy manager's business, how each bot runs the supervisor's.
 */
import type {TimerClock, TimerHandle} from '../core/clock.js'
import {discoverStrategies, type Discovery} from '../strategy/discover.js'
import {withDb, type DbOptions} from './db.js'
import {acquireLease, ownLease, releaseLease, type Lease} from './lease.js'
import {Recorder} from './recorder.js'
import {DEFAULT_RESTART_POLICY, type RestartPolicy} from './restart-policy.js'
import {loadRuntime, type RuntimeApi} from './runtime.js'
import type {ServiceLog} from './service-log.js'
import {StrategyManager, type SyncReport} from './strategy-manager.js'

export interface LiveServiceOptions {
  userId: number
  db: DbOptions
  log: ServiceLog
  pollMs?: number
  heartbeatMs?: number
  metricsMs?: number
  /** How often queued bars and checkpoints are written (fills are written at once). */
  flushMs?: number
  stopTimeoutMs?: number
  policy?: Partial<RestartPolicy>
  strategies?: string[]
  discovery?: Discovery
  runtime?: RuntimeApi
  /**
   * Time for everything the service does: its timers, the restart backoff, each bot's feed
   * (pacing, staleness), store-lock waits, notification retries. `bots live` passes a WallClock;
   * tests a SimulatedClock they advance.
   */
  clock: TimerClock
  env?: NodeJS.ProcessEnv
  verbose?: boolean
}

export class LiveService {
  private manager: StrategyManager | undefined
  private recorder: Recorder | undefined
  private readonly timers = new Map<string, TimerHandle>()
  private stopping: Promise<void> | undefined
  private polling: Promise<unknown> = Promise.resolve()
  private readonly clock: TimerClock
  /** The store, with lock waits on the service's clock. */
  private readonly db: DbOptions
  private readonly lease: Lease

  constructor(private readonly opts: LiveServiceOptions) {
    this.clock = opts.clock
    this.db = {...opts.db, clock: opts.db.clock ?? opts.clock}
    this.lease = ownLease(opts.userId)
  }

  /** Load the user's enabled bots and start them; then keep polling until `shutdown()`. */
  async start(): Promise<SyncReport> {
    const {userId, log} = this.opts
    const db = this.db
    const discovery = this.opts.discovery ?? (await discoverStrategies({extra: this.opts.strategies}))
    for (const p of discovery.problems) log.warn(`strategy plugin ${p.file}: ${p.message}`)
    const runtime = this.opts.runtime ?? (await loadRuntime())
    // Refuse to run a user's bots twice; a lease dies with its process or after 3 missed heartbeats.
    const heartbeatMs = this.opts.heartbeatMs ?? 5_000
    await withDb(db, (conn) => acquireLease(conn, this.lease, this.clock.now(), Math.max(3 * heartbeatMs, 15_000)))
    this.recorder = new Recorder({db, userId, clock: this.clock, warn: (m) => log.error(m)})
    this.manager = new StrategyManager({
      userId, db, discovery, runtime, log, clock: this.clock, env: this.opts.env, verbose: this.opts.verbose,
      recorder: this.recorder,
      policy: {...DEFAULT_RESTART_POLICY, ...this.opts.policy},
      stopTimeoutMs: this.opts.stopTimeoutMs ?? 5_000,
    })
    log.info(`user ${userId}: loading enabled bots from ${db.path}`)
    const report = await this.manager.sync()
    await this.recorder.flush()
    const failed = report.failed.length
    if (report.found === 0) {
      // Nothing to run yet: say what to do; the poll picks up bots added or enabled from now on.
      const every = (this.opts.pollMs ?? 30_000) / 1000
      log.info(`no enabled bots for user ${userId}: add one with \`bots add SPEC --user-id ${userId}\` (or \`bots enable ID\`); it is picked up at the next poll (every ${every} s); waiting`)
    } else {
      log.info(`user ${userId}: ${report.found} enabled bot${report.found === 1 ? '' : 's'} found, ${report.found - failed} loaded, ${report.started.length} started${failed ? `, ${failed} failed` : ''}`)
    }
    for (const f of report.failed) log.info(`  not started: bot ${f.id} "${f.name}": ${f.message}`)
    this.every('poll', this.opts.pollMs ?? 30_000, () => this.poll())
    this.every('heartbeat', heartbeatMs, () => this.heartbeat())
    this.every('metrics', this.opts.metricsMs ?? 15_000, () => this.snapshotMetrics())
    this.every('flush', this.opts.flushMs ?? 1_000, () => (this.recorder!.hasPending ? this.recorder!.flush() : undefined))
    return report
  }

  /** Stop every bot, record final states and statuses. Idempotent. */
  shutdown(why = 'service shutdown'): Promise<void> {
    this.stopping ??= this.stopAll(why)
    return this.stopping
  }

  /** Write everything queued so far (the flush timer does so every `flushMs`); resolves once committed. */
  flush(): Promise<void> {
    return this.recorder?.flush() ?? Promise.resolve()
  }

  get supervisors() {
    return this.manager?.supervisors ?? []
  }

  private async stopAll(why: string): Promise<void> {
    for (const t of this.timers.values()) this.clock.cancel(t)
    this.timers.clear()
    await this.polling.catch(() => {})
    if (!this.manager || !this.recorder) return
    await this.manager.stopAll('shutdown', why)
    this.snapshotMetrics()
    await this.recorder.flush().catch((e: Error) => this.opts.log.error(`final write failed: ${e.message}`))
    await withDb(this.db, (conn) => releaseLease(conn, this.lease)).catch(() => {})
    // Give notifications in flight a moment, not forever.
    let grace: TimerHandle | undefined
    await Promise.race([Promise.all(this.manager.supervisors.map((s) => s.idle())), new Promise((r) => (grace = this.clock.setTimer(2_000, () => r(undefined))))])
    this.clock.cancel(grace)
    const st = this.recorder.stats
    this.opts.log.info(`user ${this.opts.userId}: stopped ${this.manager.supervisors.length} bot(s); final state recorded`)
    const avg = (x: number) => (st.writes ? x / st.writes : 0).toFixed(1)
    this.opts.log.info(`store writes: ${st.writes}, ${avg(st.totalMs)} ms on average (${avg(st.writeMs)} ms writing), ${st.maxMs.toFixed(0)} ms at most`)
  }

  /** Apply what changed in the registry; once its statuses and events are written, say what was done. */
  private async poll(): Promise<void> {
    const run = this.manager!.sync().then(async (r) => {
      if (r.started.length || r.stopped.length || r.reloaded.length || r.failed.length) {
        await this.recorder!.flush()
        this.opts.log.info(`poll: ${r.started.length} started, ${r.stopped.length} stopped, ${r.reloaded.length} reloaded, ${r.failed.length} failed, ${r.unchanged} unchanged`)
      }
    })
    this.polling = run
    await run
  }

  private async heartbeat(): Promise<void> {
    const alive = this.manager!.supervisors.filter((s) => s.phase === 'running').map((s) => s.id)
    this.recorder!.heartbeat(alive, this.lease)
    await this.recorder!.flush()
    if (this.opts.verbose) this.opts.log.info(`heartbeat written for ${alive.length} running bot${alive.length === 1 ? '' : 's'}${alive.length ? ` (${alive.join(', ')})` : ''}`)
  }

  private snapshotMetrics(): void {
    const now = this.clock.now()
    for (const s of this.manager?.supervisors ?? []) if (s.phase === 'running') s.metrics(now)
  }

  /**
   * Run `fn` every `ms` (the next run is timed from the end of the last: no overlap). Each run's
   * promise goes back to the clock, so a test on a simulated clock can await it.
   */
  private every(name: string, ms: number, fn: () => Promise<unknown> | unknown): void {
    const tick = async () => {
      this.timers.delete(name)
      try {
        await fn()
      } catch (e) {
        this.opts.log.error(`${name}: ${(e as Error).message.split('\n')[0]}`)
      }
      if (!this.stopping) this.timers.set(name, this.clock.setTimer(ms, tick))
    }
    this.timers.set(name, this.clock.setTimer(ms, tick))
  }
}
