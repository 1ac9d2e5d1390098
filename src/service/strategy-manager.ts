/**
 * The one place that loads bot configurations from the database. `sync()` reads one user's bots
 * and makes what runs match them: it starts new and newly enabled bots, stops disabled and removed
 * ones, and restarts a bot whose spec changed (after validating the new spec: an invalid one
 * leaves the old version running and records the error). Bots that did not change are not touched.
 * Every query is filtered by the service's user: another user's bots are never read or started.
 */
import type {TimerClock} from '../core/clock.js'
import type {BotState, StopReason} from '../live/runtime-types.js'
import type {Discovery} from '../strategy/discover.js'
import {listBots, type BotRow} from './bot-rows.js'
import {BotSupervisor, type SupervisorDeps} from './bot-supervisor.js'
import {readDb, type DbOptions} from './db.js'
import {createNotifier} from './notifier.js'
import {prepareBot, type PreparedBot} from './prepare-bot.js'
import {mapLimit} from './map-limit.js'
import {loadResumeInfo, type ResumeInfo} from './resume-info.js'
import {botLabel} from './service-log.js'
import {resumable} from './state-fit.js'

export interface ManagerOptions extends Omit<SupervisorDeps, 'notifier'> {
  userId: number
  db: DbOptions
  discovery: Discovery
  clock: TimerClock
  env?: NodeJS.ProcessEnv
}

export interface SyncReport {
  /** Enabled bots of the user in the database. */
  found: number
  started: number[]
  stopped: number[]
  reloaded: number[]
  /** Bots that could not be loaded, with why. */
  failed: {id: number; name: string; message: string}[]
  unchanged: number
}

/** Bots validated or started at once: enough to overlap store reads, few enough to keep order. */
const PARALLEL = 8

interface Tracked {
  /** The spec version running (or that failed to load, so it is not retried every poll). */
  hash: string
  supervisor?: BotSupervisor
  /** A newer spec that failed validation while the old one keeps running. */
  rejectedHash?: string
}

export class StrategyManager {
  private readonly tracked = new Map<number, Tracked>()

  constructor(private readonly opts: ManagerOptions) {}

  get supervisors(): BotSupervisor[] {
    return [...this.tracked.values()].flatMap((t) => (t.supervisor ? [t.supervisor] : []))
  }

  async sync(): Promise<SyncReport> {
    const {userId} = this.opts
    const rows = await readDb(this.opts.db, (conn) => listBots(conn, {userId}))
    const report: SyncReport = {found: 0, started: [], stopped: [], reloaded: [], failed: [], unchanged: 0}
    const byId = new Map(rows.filter((r) => r.userId === userId).map((r) => [r.id, r]))
    // Stop what was removed or disabled.
    const stopping: Promise<unknown>[] = []
    for (const [id, t] of this.tracked) {
      const row = byId.get(id)
      if (row?.enabled) continue
      this.tracked.delete(id)
      if (t.supervisor) {
        stopping.push(t.supervisor.stop('stop', row ? 'disabled' : 'removed'))
        report.stopped.push(id)
      }
    }
    await Promise.all(stopping)
    const fresh: BotRow[] = []
    for (const row of byId.values()) {
      if (!row.enabled) continue
      report.found++
      const t = this.tracked.get(row.id)
      if (t && (t.hash === row.specHash || t.rejectedHash === row.specHash)) report.unchanged++
      else if (t?.supervisor) await this.reload(row, t, report)
      else fresh.push(row)
    }
    await this.startNew(fresh, report)
    report.failed.sort((a, b) => a.id - b.id)
    return report
  }

  /** Stop every bot (in parallel) and return when all are stopped. */
  async stopAll(reason: StopReason, why: string): Promise<void> {
    await Promise.all(this.supervisors.map((s) => s.stop(reason, why)))
  }

  /** Validate, then start many bots at once: one read for all their saved states, starts overlapped. */
  private async startNew(rows: BotRow[], report: SyncReport): Promise<void> {
    const prepared = (await mapLimit(rows, PARALLEL, (row) => this.prepare(row, report))).filter((p): p is PreparedBot => p !== undefined)
    const {db, userId} = this.opts
    const info = await readDb(db, (conn) => loadResumeInfo(conn, userId, prepared.map((p) => p.row.id)))
    await mapLimit(prepared, PARALLEL, async (p) => {
      const supervisor = this.supervise(p, info.get(p.row.id)!, undefined)
      this.tracked.set(p.row.id, {hash: p.row.specHash, supervisor})
      await supervisor.start()
      report.started.push(p.row.id)
    })
    report.started.sort((a, b) => a - b)
  }

  private async reload(row: BotRow, t: Tracked, report: SyncReport): Promise<void> {
    const {recorder, log} = this.opts
    const prepared = await this.prepare(row, report, true)
    if (!prepared) {
      t.rejectedHash = row.specHash
      return
    }
    log.info(`${botLabel(row)}: spec changed; restarting with the new spec`)
    recorder.event({botId: row.id, kind: 'reload', message: 'spec changed'})
    const old = t.supervisor!
    const state = await old.stop('stop', 'reloading with a new spec')
    await recorder.flush() // what the previous version recorded must count as used
    const info = await readDb(this.opts.db, (conn) => loadResumeInfo(conn, this.opts.userId, [row.id]))
    const supervisor = this.supervise(prepared, info.get(row.id)!, state ? {state, run: old.run} : undefined)
    this.tracked.set(row.id, {hash: row.specHash, supervisor})
    await supervisor.start()
    report.reloaded.push(row.id)
  }

  /** Validate and prepare; a failure is recorded on the bot and reported. */
  private async prepare(row: BotRow, report: SyncReport, keepsRunning = false): Promise<PreparedBot | undefined> {
    const {recorder, log, discovery, db} = this.opts
    const p = await prepareBot(row, discovery, db)
    if (p.ok) return p.bot
    const message = keepsRunning ? `new spec rejected, the previous one keeps running: ${p.message}` : p.message
    report.failed.push({id: row.id, name: row.name, message})
    log.error(`${botLabel(row)}: ${message}`)
    recorder.event({botId: row.id, kind: 'error', message})
    recorder.status(row.id, keepsRunning ? {error: message} : {status: 'error', error: message})
    if (!keepsRunning) this.tracked.set(row.id, {hash: row.specHash})
    return undefined
  }

  /**
   * A supervisor that resumes from `state` (a reload) or from the saved state (a restart of the
   * service), when that state fits the spec; else it starts afresh in a new run.
   */
  private supervise(prepared: PreparedBot, info: ResumeInfo, resume: {state: BotState; run: number} | undefined): BotSupervisor {
    const {row} = prepared
    const {recorder, log} = this.opts
    const {saved, lastRun} = info
    const from = resume ?? (saved ? {state: saved.state as BotState, run: saved.run} : undefined)
    const fit = from ? resumable(from.state, prepared) : {ok: false as const, why: ''}
    let run = from?.run ?? lastRun + 1
    if (!fit.ok) {
      if (from) {
        const msg = `its saved state cannot be resumed (${fit.why}); starting afresh`
        log.warn(`${botLabel(row)}: ${msg}`)
        recorder.event({botId: row.id, kind: 'reload', message: msg})
      }
      run = Math.max(lastRun, from?.run ?? 0) + 1
    }
    const {notifier, problem} = createNotifier(row, prepared.spec, {
      env: this.opts.env,
      clock: this.opts.clock,
      onFailure: (kind, reason) => recorder.event({botId: row.id, kind: 'notify-failed', message: `${kind}: ${reason}`}),
    })
    if (problem) recorder.event({botId: row.id, kind: 'error', message: problem})
    const supervisor = new BotSupervisor(prepared, run, fit.ok ? from?.state : undefined, {...this.opts, notifier})
    supervisor.doubtfulThrough = info.maxOrderIds[run] ?? 0
    return supervisor
  }
}
