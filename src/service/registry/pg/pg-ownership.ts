/**
 * A `bots live` process's share of the bots on a PostgreSQL registry (see `service/ownership.ts`).
 *
 * Fair share: with E enabled bots in scope and P live processes, each holds at most ⌈E / P⌉, and
 * one holding more than ⌊E / P⌋ gives the extra back while another holds fewer and no bot is free
 * (`rebalance`). A process alone claims in batches of CLAIM_BATCH, the share looked at again before each. A new
 * process announces itself (NOTIFY), the others hand back their surplus (stopped first, final state
 * recorded, then released with a NOTIFY) and the newcomer claims it. A graceful stop releases
 * everything at once; a dead process's bots are claimed by the others once its leases expire.
 *
 * Each held bot has a local deadline: the time its last successful renewal was *sent*, plus the
 * TTL. Past it the process may no longer act for the bot (its lease may have been taken over), so
 * the bot is stopped at once, even if the registry cannot be reached to say so.
 */
import {hostname} from 'node:os'
import {randomUUID} from 'node:crypto'
import type {BotRow} from '../../bot-rows.js'
import type {Balance, Ownership, OwnershipOptions} from '../../ownership.js'
import type {Fence, Held} from '../registry.js'
import {claimBots, joinProcess, leaveProcess, rebalance, releaseBots, renewLeases, share, type Holder} from './pg-leases.js'
import type {PgDb} from './pg-db.js'
import {RegistryListener} from './pg-listen.js'

/** Bots claimed per sync by a process that sees no other (see `balance`). */
export const CLAIM_BATCH = 100

export class PgOwnership implements Ownership {
  readonly fence: Fence
  readonly renewEveryMs: number
  /** A dead holder's bots are taken over within this of their leases running out (the share query is cheap). */
  readonly balanceEveryMs: number
  private readonly me: Holder
  private readonly held: Held = new Map()
  private readonly deadline = new Map<number, number>()
  private listener: RegistryListener | undefined

  constructor(private readonly db: PgDb, private readonly o: OwnershipOptions) {
    this.me = {holder: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, host: hostname(), pid: process.pid}
    this.fence = {holder: this.me.holder, held: this.held}
    this.renewEveryMs = Math.max(1, Math.floor(o.ttlMs / 3))
    this.balanceEveryMs = Math.min(1_000, this.renewEveryMs)
  }

  get holder(): string {
    return this.me.holder
  }

  epochTag(id: number): string {
    const e = this.held.get(id)
    return e === undefined ? '' : `e${e}`
  }

  async open(): Promise<void> {
    await joinProcess(this.db, this.me, this.o.scope, this.o.clock.now(), this.o.ttlMs)
  }

  async balance(enabled: BotRow[]): Promise<Balance> {
    const now = this.o.clock.now()
    const want = new Set(enabled.map((b) => b.id))
    const mine = [...this.held.keys()].filter((id) => want.has(id)).sort((a, b) => a - b)
    const s = await share(this.db, this.o.scope, now)
    const move = rebalance(mine.length, s)
    if (move > 0) return {claimed: [], surplus: mine.slice(mine.length - move)}
    // Alone as far as the registry shows, a process claims in batches, each started before the next
    // claim looks at the share again: processes started together then see each other after the
    // first batch, and none takes every bot only to stop and hand most of them back (1000 bots, 3
    // processes: 666 bots started, stopped and started again). With others known, at once: a
    // takeover after a process died must not wait for bots to start.
    const batch = move >= 0 ? 0 : s.processes === 1 ? Math.min(-move, this.o.claimBatch ?? CLAIM_BATCH) : -move
    const claims = batch > 0 ? await claimBots(this.db, this.me, this.o.scope, batch, now, this.o.ttlMs) : []
    for (const c of claims) {
      this.held.set(c.id, c.epoch)
      this.deadline.set(c.id, now + this.o.ttlMs)
    }
    return {
      claimed: claims.map((c) => ({id: c.id, epoch: c.epoch, ...(c.from ? {from: `${c.from.host ?? '?'} PID ${c.from.pid ?? '?'}`} : {})})),
      surplus: [],
      // Again after any claim: the batch limit, or a share that has grown meanwhile (a short process
      // caught up: the last bots up to ⌈E / P⌉), may leave bots to claim now rather than at the next check.
      more: claims.length > 0,
    }
  }

  /** Free bots while below the fair share, or more than the fair share held: time for a sync. */
  async needsBalance(): Promise<boolean> {
    return rebalance(this.held.size, await share(this.db, this.o.scope, this.o.clock.now())) !== 0
  }

  holds(id: number): boolean {
    return this.held.has(id)
  }

  valid(id: number): boolean {
    const d = this.deadline.get(id)
    return d !== undefined && this.o.clock.now() < d
  }

  /** Renews; on failure nothing changes here, and `expired()` tells which deadlines have passed. */
  async renew(): Promise<number[]> {
    const sent = this.o.clock.now()
    const held = new Map(this.held)
    const lost = await renewLeases(this.db, this.me, this.o.scope, held, sent, this.o.ttlMs)
    const gone = new Set(lost)
    for (const id of held.keys()) if (!gone.has(id) && this.held.get(id) === held.get(id)) this.deadline.set(id, sent + this.o.ttlMs)
    return lost
  }

  /** Held bots whose local deadline has passed (the registry could not be reached to renew them). */
  expired(): number[] {
    return [...this.held.keys()].filter((id) => !this.valid(id))
  }

  async release(ids: number[]): Promise<void> {
    const mine = ids.filter((id) => this.held.has(id))
    this.drop(mine)
    await releaseBots(this.db, this.me, mine, this.o.scope)
  }

  drop(ids: number[]): void {
    for (const id of ids) {
      this.held.delete(id)
      this.deadline.delete(id)
    }
  }

  async watch(onChange: () => void): Promise<void> {
    this.listener = new RegistryListener({
      url: this.db.url, clock: this.o.clock,
      onChange: (c) => {
        if (c.user === undefined || this.o.scope.userId === undefined || c.user === this.o.scope.userId) onChange()
      },
      onResync: () => {
        this.o.log.info('registry notifications: connected again; reading every bot again')
        onChange()
      },
      onLost: (why) => this.o.log.warn(`registry notifications lost (${why}); polling until they are back`),
    })
    await this.listener.start()
  }

  async close(): Promise<void> {
    await this.listener?.close()
    this.held.clear()
    this.deadline.clear()
    await leaveProcess(this.db, this.me, this.o.scope).catch(() => {})
  }
}
