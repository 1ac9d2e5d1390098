/**
 * The one place that loads bot configurations from the database. `sync()` reads one user's bots
 * and makes what runs match them: it starts new and newly enabled bots, stops disabled and removed
 * ones, and restarts a bot whose spec changed (after validating the new spec: an invalid one
 * leaves the old version running and records the error). Bots that did not change are not touched.
 * Every query is filtered by the service's user: another user's bots are never read or started.
 */
import type {Clock} from '../core/clock.js'
import type {BotState, StopReason} from '../live/runtime-types.js'
import type {Discovery} from '../strategy/discover.js'
import {listBots, type BotRow} from './bot-rows.js'
import {BotSupervisor, type SupervisorDeps} from './bot-supervisor.js'
import {readDb, type DbOptions} from './db.js'
import {createNotifier} from './notifier.js'
import {prepareBot, type PreparedBot} from './prepare-bot.js'
import {lastRun, loadState} from './records.js'
import {botLabel} from './service-log.js'
import {resumable} from './state-fit.js'

export interface ManagerOptions extends Omit<SupervisorDeps, 'notifier'> {
  userId: number
  db: DbOptions
  discovery: Discovery
  clock: Clock
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
    for (const [id, t] of this.tracked) {
      const row = byId.get(id)
      if (row?.enabled) continue
      this.tracked.delete(id)
      if (t.supervisor) {
        await t.supervisor.stop('stop', row ? 'disabled' : 'removed')
        report.stopped.push(id)
      }
    }
    for (const row of byId.values()) {
      if (!row.enabled) continue
      report.found++
      const t = this.tracked.get(row.id)
      if (t && (t.hash === row.specHash || t.rejectedHash === row.specHash)) {
        report.unchanged++
        continue
      }
      if (t?.supervisor) await this.reload(row, t, report)
      else await this.startNew(row, report)
    }
    return report
  }

  /** Stop every bot (in parallel) and return when all are stopped. */
  async stopAll(reason: StopReason, why: string): Promise<void> {
    await Promise.all(this.supervisors.map((s) => s.stop(reason, why)))
  }

  private async startNew(row: BotRow, report: SyncReport): Promise<void> {
    const prepared = await this.prepare(row, report)
    if (!prepared) return
    const supervisor = await this.supervise(prepared, undefined)
    this.tracked.set(row.id, {hash: row.specHash, supervisor})
    await supervisor.start()
    report.started.push(row.id)
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
    const supervisor = await this.supervise(prepared, state ? {state, run: old.run} : undefined)
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
  private async supervise(prepared: PreparedBot, resume: {state: BotState; run: number} | undefined): Promise<BotSupervisor> {
    const {row} = prepared
    const {recorder, log, db, userId} = this.opts
    await recorder.flush() // what the previous version recorded must count below
    const {saved, last} = await readDb(db, async (conn) => ({saved: await loadState(conn, row.id, userId), last: await lastRun(conn, row.id)}))
    const from = resume ?? (saved ? {state: saved.state as BotState, run: saved.run} : undefined)
    const fit = from ? resumable(from.state, prepared) : {ok: false as const, why: ''}
    let run = from?.run ?? last + 1
    if (!fit.ok) {
      if (from) {
        const msg = `its saved state cannot be resumed (${fit.why}); starting afresh`
        log.warn(`${botLabel(row)}: ${msg}`)
        recorder.event({botId: row.id, kind: 'reload', message: msg})
      }
      run = Math.max(last, from?.run ?? 0) + 1
    }
    const {notifier, problem} = createNotifier(row, prepared.spec, {
      env: this.opts.env,
      onFailure: (kind, reason) => recorder.event({botId: row.id, kind: 'notify-failed', message: `${kind}: ${reason}`}),
    })
    if (problem) recorder.event({botId: row.id, kind: 'error', message: problem})
    return new BotSupervisor(prepared, run, fit.ok ? from?.state : undefined, {...this.opts, notifier})
  }
}
