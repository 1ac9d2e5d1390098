/**
 * The strategy context inside a strategy worker: every read and order goes to the live bot on the
 * main thread as a synchronous call, so the strategy sees exactly what it would see in process.
 * Differences a plugin may notice: an Order it holds is a copy taken when it was returned (read
 * `openOrders()` again for fresh ones), and `history()` copies the bars.
 */
import type {BarHistory} from '../../model/bars.js'
import type {Bracket, BracketExits, Order, OrderChanges, OrderRequest} from '../../model/orders.js'
import type {Logger, StrategyContext} from '../../model/strategy.js'
import type {ToMain, ToWorker} from './protocol.js'
import type {SyncEnd} from './sync-channel.js'

export class RemoteContext implements StrategyContext {
  now = 0
  readonly state: Record<string, unknown> = {}
  readonly log: Logger

  constructor(private readonly channel: SyncEnd, readonly symbols: readonly string[], readonly timezone: string) {
    this.log = {
      info: (message) => void this.call('log.info', [String(message)]),
      warn: (message) => void this.call('log.warn', [String(message)]),
      error: (message) => void this.call('log.error', [String(message)]),
    }
  }

  /** Before a hook: the time and the state as the live bot has them. */
  begin(now: number, state: Record<string, unknown>): void {
    this.now = now
    replaceContents(this.state, state)
  }

  private call(method: string, args: unknown[]): unknown {
    this.channel.send({t: 'ctx', method, args} satisfies ToMain)
    const reply = this.channel.receive() as ToWorker
    if (reply.t === 'ret') return reply.value
    if (reply.t === 'err') throw Object.assign(new Error(reply.message), reply.code ? {code: reply.code} : {})
    throw new Error(`bug: unexpected "${reply.t}" while waiting for ${method}`)
  }

  barCount(symbol?: string): number {
    return this.call('barCount', [symbol]) as number
  }
  open(symbol?: string, ago?: number): number {
    return this.call('open', [symbol, ago]) as number
  }
  high(symbol?: string, ago?: number): number {
    return this.call('high', [symbol, ago]) as number
  }
  low(symbol?: string, ago?: number): number {
    return this.call('low', [symbol, ago]) as number
  }
  close(symbol?: string, ago?: number): number {
    return this.call('close', [symbol, ago]) as number
  }
  volume(symbol?: string, ago?: number): number {
    return this.call('volume', [symbol, ago]) as number
  }
  time(symbol?: string, ago?: number): number {
    return this.call('time', [symbol, ago]) as number
  }
  history(symbol?: string): BarHistory {
    return this.call('history', [symbol]) as BarHistory
  }
  position(symbol?: string): number {
    return this.call('position', [symbol]) as number
  }
  averagePrice(symbol?: string): number {
    return this.call('averagePrice', [symbol]) as number
  }
  multiplier(symbol?: string): number {
    return this.call('multiplier', [symbol]) as number
  }
  get cash(): number {
    return this.call('cash', []) as number
  }
  get portfolioValue(): number {
    return this.call('portfolioValue', []) as number
  }
  openOrders(symbol?: string): readonly Order[] {
    return this.call('openOrders', [symbol]) as Order[]
  }
  submitOrder(request: OrderRequest): Order {
    return this.call('submitOrder', [request]) as Order
  }
  buy(quantity: number, request?: Omit<OrderRequest, 'side' | 'quantity'>): Order {
    return this.call('buy', [quantity, request]) as Order
  }
  sell(quantity: number, request?: Omit<OrderRequest, 'side' | 'quantity'>): Order {
    return this.call('sell', [quantity, request]) as Order
  }
  closePosition(symbol?: string): Order | undefined {
    return this.call('closePosition', [symbol]) as Order | undefined
  }
  cancelOrder(orderId: number): boolean {
    return this.call('cancelOrder', [orderId]) as boolean
  }
  submitOco(a: OrderRequest, b: OrderRequest): [Order, Order] {
    return this.call('submitOco', [a, b]) as [Order, Order]
  }
  submitBracket(entry: OrderRequest, exits: BracketExits): Bracket {
    return this.call('submitBracket', [entry, exits]) as Bracket
  }
  replaceOrder(orderId: number, changes: OrderChanges): Order | undefined {
    return this.call('replaceOrder', [orderId, changes]) as Order | undefined
  }
  setSleeptime(sleeptime: string | number): void {
    this.call('setSleeptime', [sleeptime])
  }
}

/** Same object, new contents: a strategy may hold on to `ctx.state`. */
export function replaceContents(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const k of Object.keys(target)) if (!(k in source)) delete target[k]
  Object.assign(target, source)
}
