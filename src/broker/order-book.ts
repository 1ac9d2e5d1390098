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
  /** Every order ever submitted, for results. */
  readonly all: SimOrder[] = []
  private dayOrders = 0

  add(order: SimOrder): void {
    this.all.push(order)
    if (order.status !== 'open') return
    this.pending.push(order)
    if (order.timeInForce === 'day') this.dayOrders++
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
      if (o.status !== 'open') continue
      if (o.timeInForce === 'day') day++
      p[w++] = o
    }
    // pop, not `length = w`: setting the length is a runtime call even when nothing changes (this
    // runs after every bar with working orders), and it would drop the backing store.
    while (p.length > w) p.pop()
    this.dayOrders = day
  }
}
