import type {Order} from '../model/orders.js'
import type {SimOrder} from './sim-order.js'

const NONE: readonly Order[] = Object.freeze([])

/**
 * Orders still working, in submission order (which is also the order in which they are matched
 * against a bar). Finished orders are dropped lazily by `compact()` so that a pass over the book
 * can change statuses without shifting the array under it.
 */
export class OrderBook {
  pending: SimOrder[] = []
  /** Every order ever submitted, for results; empty when the book does not keep them (see the constructor). */
  readonly all: SimOrder[] = []
  /** Orders ever submitted. */
  submitted = 0
  /** Without `all`: orders that left the book canceled or rejected (see `counts`). */
  private canceledOut = 0
  private rejectedOut = 0
  private dayOrders = 0

  /**
   * `keepAll` false: finished orders are not kept for the results, only counted. A long run places
   * tens of thousands of orders; kept, every one outlives the young generation and is copied into
   * the old one (a quarter of a million-bar run's time), though most callers want only the counts.
   */
  constructor(private readonly keepAll = true) {}

  add(order: SimOrder): void {
    this.submitted++
    if (this.keepAll) this.all.push(order)
    if (order.status !== 'open') {
      this.left(order)
      return
    }
    this.pending.push(order)
    if (order.timeInForce === 'day') this.dayOrders++
  }

  /** The orders submitted, and how many of them ended canceled or rejected. */
  counts(): {orders: number; canceled: number; rejected: number} {
    let canceled = this.canceledOut
    let rejected = this.rejectedOut
    // Kept: every order, once. Not kept: those still in the book (finished ones not yet compacted away).
    const rest = this.keepAll ? this.all : this.pending
    for (let j = 0; j < rest.length; j++) {
      const status = rest[j].status
      if (status === 'canceled') canceled++
      else if (status === 'rejected') rejected++
    }
    return {orders: this.submitted, canceled, rejected}
  }

  /** An order leaving the book (or never entering it) finished: counted when orders are not kept. */
  private left(order: SimOrder): void {
    if (this.keepAll) return
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
