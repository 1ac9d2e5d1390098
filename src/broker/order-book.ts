import type {Order} from '../model/orders.js'
import {OrderLog, orderObjects} from '../model/order-log.js'
import type {SimOrder} from './sim-order.js'

const NONE: readonly Order[] = Object.freeze([])

/**
 * Orders still working, in submission order (which is also the order in which they are matched
 * against a bar). Finished orders are dropped lazily by `compact()` so that a pass over the book
 * can change statuses without shifting the array under it.
 */
export class OrderBook {
  pending: SimOrder[] = []
  /**
   * Every order ever submitted, for results, in submission order: a row reserved when it is
   * placed, written once it has left the book finished (those still here at the end:
   * `logPending`). Undefined when the book does not keep them (see the constructor).
   */
  readonly log: OrderLog | undefined
  /** Orders ever submitted. */
  submitted = 0
  /** With `trackNew`: the orders submitted since the last `takeNew`. */
  private fresh: SimOrder[] | undefined
  /**
   * Orders that left the book since its last call, not yet written to the log: written at the next
   * one, so that what the caller of that call still did to them is kept (a bracket refused as a
   * whole is given its reason once its entry has been submitted and rejected).
   */
  private unlogged: SimOrder[] = []
  /** Orders that left the book canceled or rejected (see `counts`). */
  private canceledOut = 0
  private rejectedOut = 0
  private dayOrders = 0

  /**
   * `keepAll` false: finished orders are not kept for the results, only counted (most callers want
   * only the counts). Kept, they are kept as columns (OrderLog), not as the objects: a long run
   * places tens of thousands of orders, and every object kept outlives the young generation and is
   * copied into the old one.
   */
  constructor(keepAll = true) {
    this.log = keepAll ? new OrderLog() : undefined
  }

  add(order: SimOrder): void {
    this.logLeft()
    this.submitted++
    if (this.log) order.logRow = this.log.reserve()
    this.fresh?.push(order)
    if (order.status !== 'open') {
      this.left(order)
      return
    }
    this.pending.push(order)
    if (order.timeInForce === 'day') this.dayOrders++
  }

  /** From now on, keep the orders submitted for `takeNew` (a live session reports each new order once). */
  trackNew(): void {
    this.fresh ??= []
  }

  /** The orders submitted since the last call (with `trackNew`), in submission order. */
  takeNew(): SimOrder[] {
    const fresh = this.fresh
    if (fresh === undefined || fresh.length === 0) return []
    this.fresh = []
    return fresh
  }

  /** The orders submitted, and how many of them ended canceled or rejected. */
  counts(): {orders: number; canceled: number; rejected: number; open: number} {
    let canceled = this.canceledOut
    let rejected = this.rejectedOut
    let open = 0
    // Those still in the book (finished ones not yet compacted away).
    const rest = this.pending
    for (let j = 0; j < rest.length; j++) {
      const status = rest[j].status
      if (status === 'canceled') canceled++
      else if (status === 'rejected') rejected++
      else if (status === 'open') open++
    }
    return {orders: this.submitted, canceled, rejected, open}
  }

  /** Every order written to the log as it is now, those still in the book too (a run's end: its result lists them so). */
  logPending(): void {
    this.logLeft()
    const log = this.log
    if (log) for (const o of this.pending) log.write(o.logRow, o, o.symbolIndex)
  }

  /** Every order submitted, as its JSON has it, in submission order; none when the book does not keep them. `symbols` names the symbol indices. */
  submittedOrders(symbols: readonly string[]): Order[] {
    this.logPending()
    return this.log ? orderObjects(this.log, symbols) : []
  }

  private logLeft(): void {
    const left = this.unlogged
    if (left.length === 0) return
    for (const o of left) this.log!.write(o.logRow, o, o.symbolIndex)
    left.length = 0
  }

  /** An order leaving the book (or never entering it) finished: counted, and (at the book's next call) its final state logged. */
  private left(order: SimOrder): void {
    if (this.log) this.unlogged.push(order)
    if (order.status === 'canceled') this.canceledOut++
    else if (order.status === 'rejected') this.rejectedOut++
  }

  get isEmpty(): boolean {
    return this.pending.length === 0
  }

  get hasDayOrders(): boolean {
    return this.dayOrders > 0
  }

  find(id: number): SimOrder | undefined {
    for (const o of this.pending) if (o.id === id && o.status === 'open') return o
    return undefined
  }

  /** Open orders of symbol `k` (-1: all); allocation-free when there are none. */
  open(k: number): readonly Order[] {
    if (this.pending.length === 0) return NONE
    const out: Order[] = []
    for (const o of this.pending) if (o.status === 'open' && (k < 0 || o.symbolIndex === k)) out.push(o)
    return out
  }

  compact(): void {
    this.logLeft()
    let w = 0
    let day = 0
    const p = this.pending
    for (let r = 0; r < p.length; r++) {
      const o = p[r]
      if (o.status !== 'open') {
        this.left(o)
        continue
      }
      if (o.timeInForce === 'day') day++
      p[w++] = o
    }
    // pop, not `length = w`: setting the length is a runtime call even when nothing changes (this
    // runs after every bar with working orders), and it would drop the backing store.
    while (p.length > w) p.pop()
    this.dayOrders = day
  }
}
