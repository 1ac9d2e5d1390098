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
import type {BotRow} from './bot-rows.js'
import {BotSupervisor, type SupervisorDeps} from './bot-supervisor.js'
import {RAN_OUT_OF_TIME} from '../strategy/isolated/isolated-strategy.js'
import type {DbOptions} from './db.js'
import type {Ownership} from './ownership.js'
import {inScope, type Registry, type Scope} from './registry/registry.js'
import {createNotifier} from './notifier.js'
import {prepareBot, type PreparedBot} from './prepare-bot.js'
import {mapLimit} from './map-limit.js'
import type {ResumeInfo} from './resume-info.js'
import {botLabel} from './service-log.js'
import {resumable} from './state-fit.js'

export interface ManagerOptions extends Omit<SupervisorDeps, 'notifier' | 'ownership'> {
  scope: Scope
  registry: Registry
  ownership: Ownership
  /** The DuckDB store: where file data sources are imported and replay feeds read bars. */
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
  /** Claimed from the registry (PostgreSQL): fresh claims and takeovers of expired leases. */
  claimed: number[]
  /** Handed back to other processes (fair share). */
  released: number[]
  /** There may be more to claim (see PgOwnership.balance): sync again at once. */
  more?: boolean
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
    const {scope, ownership, recorder, log} = this.opts
    const rows = await this.opts.registry.listBots({userId: scope.userId})
    const report: SyncReport = {found: 0, started: [], stopped: [], reloaded: [], failed: [], unchanged: 0, claimed: [], released: []}
    const byId = new Map(rows.filter((r) => inScope(scope, r.userId)).map((r) => [r.id, r]))
    const enabled = [...byId.values()].filter((r) => r.enabled)
    report.found = enabled.length
    const {claimed, surplus, more} = await ownership.balance(enabled)
    if (more) report.more = true
    for (const c of claimed) {
      report.claimed.push(c.id)
      const row = byId.get(c.id)!
      if (ownership.fence === undefined) continue // one process per user: nothing to tell
      const message = c.from ? `taken over from ${c.from} (its lease expired), epoch ${c.epoch}` : `claimed, epoch ${c.epoch}`
      log.info(`${botLabel(row)}: ${message}`)
      recorder.event({botId: c.id, userId: row.userId, kind: c.from ? 'takeover' : 'claim', message})
    }
    const handBack = new Set(surplus)
    // Stop what was removed, disabled, or is handed back to another process.
    const stopping: Promise<unknown>[] = []
    const released: number[] = []
    for (const [id, t] of this.tracked) {
      const row = byId.get(id)
      const giveBack = handBack.has(id)
      if (row?.enabled && !giveBack) continue
      this.tracked.delete(id)
      if (row) released.push(id)
      if (t.supervisor) {
        stopping.push(t.supervisor.stop('stop', giveBack ? 'handed to another process (fair share)' : row ? 'disabled' : 'removed'))
        report.stopped.push(id)
      }
      if (giveBack && row) {
        log.info(`${botLabel(row)}: handed back (fair share)`)
        recorder.event({botId: id, userId: row.userId, kind: 'release', message: 'handed back so another process can run it (fair share)'})
      }
    }
    await Promise.all(stopping)
    // Held but not running (disabled before it started, or removed): let go as well.
    for (const id of handBack) if (!released.includes(id)) released.push(id)
    for (const r of byId.values()) if (!r.enabled && ownership.holds(r.id) && !released.includes(r.id)) released.push(r.id)
    for (const id of [...this.tracked.keys()]) if (!byId.has(id)) this.tracked.delete(id)
    if (released.length) {
      if (ownership.fence) await recorder.flush() // final states and events under the lease, before letting go of it
      await ownership.release(released)
      report.released.push(...released.filter((id) => handBack.has(id)))
    }
    const fresh: BotRow[] = []
    for (const row of enabled) {
      if (!ownership.holds(row.id)) continue
      const t = this.tracked.get(row.id)
      if (t && (t.hash === row.specHash || t.rejectedHash === row.specHash)) report.unchanged++
      else if (t?.supervisor) await this.reload(row, t, report)
      else if (ranOutOfTime(row)) {
        // Its strategy ran past its time budget: starting it again would replay it into the same
        // loop. It waits for a new spec (`bots update`) or to be enabled again.
        this.tracked.set(row.id, {hash: row.specHash})
        log.warn(`${botLabel(row)}: not started: it stays in error (${row.error}); run \`bots update\` with a fixed spec, or \`bots disable\` then \`bots enable\` to try it again`)
      } else fresh.push(row)
    }
    await this.startNew(fresh, report)
    report.failed.sort((a, b) => a.id - b.id)
    return report
  }

  /**
   * Bots this process no longer holds (its lease was renewed by nobody, or taken over): stopped
   * here at once. Nothing more is written for them; the fence would refuse it anyway.
   */
  async abandon(ids: number[], why: string): Promise<void> {
    this.opts.ownership.drop(ids)
    await Promise.all(ids.map(async (id) => {
      const t = this.tracked.get(id)
      this.tracked.delete(id)
      if (!t?.supervisor) return
      this.opts.log.warn(`${botLabel(t.supervisor.prepared.row)}: ${why}; stopped here`)
      await t.supervisor.stop('stop', why, {lost: true})
    }))
  }

  /** Stop every bot (in parallel) and return when all are stopped. */
  async stopAll(reason: StopReason, why: string): Promise<void> {
    await Promise.all(this.supervisors.map((s) => s.stop(reason, why)))
  }

  /** Validate, then start many bots at once: one read for all their saved states, starts overlapped. */
  private async startNew(rows: BotRow[], report: SyncReport): Promise<void> {
    const prepared = (await mapLimit(rows, PARALLEL, (row) => this.prepare(row, report))).filter((p): p is PreparedBot => p !== undefined)
    if (prepared.length === 0) return // nothing to read: an idle poll opens no store
    const info = await this.opts.registry.resumeInfo(this.opts.scope, prepared.map((p) => p.row.id))
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
    recorder.event({botId: row.id, userId: row.userId, kind: 'reload', message: 'spec changed'})
    const old = t.supervisor!
    const state = await old.stop('stop', 'reloading with a new spec')
    await recorder.flush() // what the previous version recorded must count as used
    const info = await this.opts.registry.resumeInfo(this.opts.scope, [row.id])
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
    recorder.event({botId: row.id, userId: row.userId, kind: 'error', message})
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
        recorder.event({botId: row.id, userId: row.userId, kind: 'reload', message: msg})
      }
      run = Math.max(lastRun, from?.run ?? 0) + 1
    }
    const {notifier, problem} = createNotifier(row, prepared.spec, {
      env: this.opts.env,
      clock: this.opts.clock,
      onFailure: (kind, reason) => recorder.event({botId: row.id, userId: row.userId, kind: 'notify-failed', message: `${kind}: ${reason}`}),
    })
    if (problem) recorder.event({botId: row.id, userId: row.userId, kind: 'error', message: problem})
    const supervisor = new BotSupervisor(prepared, run, fit.ok ? from?.state : undefined, {...this.opts, notifier})
    supervisor.doubtfulThrough = info.maxOrderIds[run] ?? 0
    for (const [id, cids] of Object.entries(info.clientIds?.[run] ?? {})) supervisor.sentAs.set(Number(id), cids)
    return supervisor
  }
}

/** A bot left in `error` because its strategy did not return within its time budget (see isolated-strategy.ts). */
function ranOutOfTime(row: BotRow): boolean {
  return row.status === 'error' && (row.error ?? '').includes(RAN_OUT_OF_TIME)
}
