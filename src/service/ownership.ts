/**
 * Which bots this `bots live` process runs. The strategy manager asks, the registry decides:
 *
 * - DuckDB (`DuckOwnership`): one process per user. Its per-user service lease (`lease.ts`) refuses a
 *   second service for the same user; it runs every enabled bot of the user and never loses one.
 * - PostgreSQL (`PgOwnership`, `registry/pg/pg-ownership.ts`): bots are leased one by one, a fair
 *   share per process, renewed every third of the TTL, and lost when a renewal fails past the TTL.
 */
import type {TimerClock} from '../core/clock.js'
import type {BotRow} from './bot-rows.js'
import type {Fence, Scope} from './registry/registry.js'
import {acquireLease, ownLease, releaseLease, type Lease} from './lease.js'
import {withDb, type DbOptions} from './db.js'

export interface Claimed {
  id: number
  epoch: number
  /** A takeover: the bot's previous holder let its lease expire (it died, or lost the registry). */
  from?: string
}

export interface Balance {
  claimed: Claimed[]
  /** Bots this process holds beyond its fair share: stop them, then `release`. */
  surplus: number[]
  /** Balance again once the claimed bots are started: there may be more to claim. */
  more?: boolean
}

export interface Ownership {
  /** For the recorder: the writes a process may make (undefined: no fencing needed). */
  readonly fence: Fence | undefined
  /** How often `renew` must run (undefined: never; DuckDB renews with the heartbeat). */
  readonly renewEveryMs: number | undefined
  /** DuckDB: the per-user service lease, renewed with each heartbeat batch. */
  readonly serviceLease?: Lease
  /** `client order id` suffix for an exchange order of a bot ('' on DuckDB: no epochs). */
  epochTag(id: number): string
  /** Join the registry (DuckDB: refuses when another service runs this user's bots). */
  open(): Promise<void>
  /** Given the enabled bots of the scope, claim what this process should run. */
  balance(enabled: BotRow[]): Promise<Balance>
  holds(id: number): boolean
  /** Whether the process may still act for the bot by its own clock (before sending an order). */
  valid(id: number): boolean
  /** Renew what is held; returns the bots lost since. */
  renew(): Promise<number[]>
  /** Held bots whose lease has run out by this process's clock (not renewed in time). */
  expired(): number[]
  /** Bots the process no longer needs; their final state is recorded already. */
  release(ids: number[]): Promise<void>
  /** Forget bots lost to another process (nothing is written for them). */
  drop(ids: number[]): void
  /** Whether a sync would claim or hand back anything now (a cheap check; undefined: never). */
  needsBalance?(): Promise<boolean>
  /**
   * How often to ask `needsBalance` (undefined: never). A holder that dies sends no notification:
   * its bots turn free only as their leases run out, and a check this often finds them then.
   */
  readonly balanceEveryMs?: number
  /** Changes to the registry made elsewhere (PostgreSQL NOTIFY). `resync`: notifications may have been missed. */
  watch?(onChange: () => void): Promise<void>
  /** Leave: hand everything back. */
  close(): Promise<void>
}

export interface OwnershipOptions {
  scope: Scope
  clock: TimerClock
  /** `--lease-ttl` (PostgreSQL); DuckDB: its service lease is stale after 3 heartbeats (at least 15 s). */
  ttlMs: number
  heartbeatMs: number
  log: {info(m: string): void; warn(m: string): void}
  /** PostgreSQL: bots claimed per sync by a process that sees no other (default CLAIM_BATCH, 100). */
  claimBatch?: number
}

export class DuckOwnership implements Ownership {
  readonly fence = undefined
  readonly renewEveryMs = undefined
  readonly serviceLease: Lease
  private readonly held = new Set<number>()

  constructor(private readonly db: DbOptions, private readonly o: OwnershipOptions) {
    this.serviceLease = ownLease(o.scope.userId!)
  }

  epochTag(): string {
    return ''
  }

  async open(): Promise<void> {
    // Refuse to run a user's bots twice; a lease dies with its process or after 3 missed heartbeats.
    await withDb(this.db, (conn) => acquireLease(conn, this.serviceLease, this.o.clock.now(), Math.max(3 * this.o.heartbeatMs, 15_000)))
  }

  async balance(enabled: BotRow[]): Promise<Balance> {
    const claimed: Claimed[] = []
    for (const b of enabled) {
      if (this.held.has(b.id)) continue
      this.held.add(b.id)
      claimed.push({id: b.id, epoch: 0})
    }
    return {claimed, surplus: []}
  }

  holds(id: number): boolean {
    return this.held.has(id)
  }

  valid(): boolean {
    return true
  }

  async renew(): Promise<number[]> {
    return []
  }

  expired(): number[] {
    return []
  }

  async release(ids: number[]): Promise<void> {
    for (const id of ids) this.held.delete(id)
  }

  drop(ids: number[]): void {
    for (const id of ids) this.held.delete(id)
  }

  async close(): Promise<void> {
    this.held.clear()
    await withDb(this.db, (conn) => releaseLease(conn, this.serviceLease)).catch(() => {})
  }
}
