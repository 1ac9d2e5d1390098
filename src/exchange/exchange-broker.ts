import type {TimerClock} from '../core/clock.js'
import {BotsError} from '../core/errors.js'
import {SimulatedBroker, type SimulatedBrokerOptions} from '../broker/simulated-broker.js'
import type {BrokerSnapshot, VenueState} from '../broker/broker-snapshot.js'
import type {VenueBroker, VenueHooks} from '../broker/venue-broker.js'
import {SimOrder} from '../broker/sim-order.js'
import {EXCHANGE_LIMITS, venueRequestProblem} from '../broker/venue-limits.js'
import type {Order, OrderRequest} from '../model/orders.js'
import {classifyExchangeError as venueErrorKind} from './error-kind.js'
import {clientOrderId, type OrderVenue, type VenueOrder, type VenueTrade} from './order-venue.js'

export interface ExchangeBrokerOptions extends SimulatedBrokerOptions, VenueHooks {
  venue: OrderVenue
  /** `b{bot}r{run}`: client order ids are `{prefix}o{orderId}`, the same for the same decision after any restart. */
  clientIdPrefix: string
  /** `e{epoch}` on a PostgreSQL registry: which lease sent an order shows in its client id. */
  clientIdSuffix?: string
  /** Orders with an id up to this may have been sent by an earlier life of the bot: looked up before sending. */
  doubtfulThrough: number
  /** The client ids earlier lives recorded for an order (other epochs): looked up too before sending. */
  sentAs?: ReadonlyMap<number, readonly string[]>
  /** Backoff waits (retries of a send, a lookup, a poll). */
  timers: TimerClock
  /** Tries per send before the bot crashes (it then reconciles at restart); default 5. */
  attempts?: number
  backoffMs?: number
}


/**
 * Orders on a real exchange through ccxt, with the paper broker's account bookkeeping (cash, P&L,
 * positions, round trips) fed by the exchange's own fills. Decisions stay synchronous for the
 * strategy: `submit` checks and rounds the request against the market's precision and limits
 * (rejecting it with a reason before anything is sent) and queues it; the live session then calls
 * `flush()`, which records each order's intent and only then sends it with a deterministic client
 * order id. A send that fails without an answer is looked up by that id, never blindly re-sent;
 * an order a previous life may have sent is looked up before sending; a "duplicate order" answer
 * adopts the existing order. Fills come from `poll()` (the exchange's trades, each applied once by
 * trade id, partial fills included). Nothing here reads the system clock.
 */
export class ExchangeBroker extends SimulatedBroker implements VenueBroker {
  private readonly x: ExchangeBrokerOptions
  private readonly outbox: SimOrder[] = []
  private readonly cancels = new Set<SimOrder>()
  /** Exchange order id per working order, once sent. */
  private readonly venueIds = new Map<number, string>()
  private readonly applied = new Map<number, Set<string>>()
  /** News read from the exchange, applied by `applyPending()`. */
  private readonly pending: (() => void)[] = []
  baseline: Record<string, number> | undefined

  constructor(o: ExchangeBrokerOptions) {
    super(o)
    this.x = o
  }

  /** Orders waiting to be sent, or cancels to request. */
  get hasWork(): boolean {
    return this.outbox.length > 0 || this.cancels.size > 0
  }

  /** Working orders already on the exchange (what a poll looks at). */
  get working(): number {
    return this.book.open(-1).length - this.outbox.length
  }

  override submit(req: OrderRequest, k: number): Order {
    const symbol = this.o.market.symbols[k]
    const tif = req.timeInForce ?? 'gtc'
    const order = new SimOrder(this.nextId++, symbol, k, req.side, this.rounded(symbol, req.quantity), req.type ?? 'market',
      req.limitPrice, req.stopPrice, tif, req.tag, this.o.clock.now(), this.o.market.cursor, Infinity)
    order.clientOrderId = clientOrderId(this.x.clientIdPrefix, order.id, this.x.clientIdSuffix)
    order.filledQuantity = 0
    const problem = venueRequestProblem(req, EXCHANGE_LIMITS) ?? this.venueProblem(order, k)
    if (problem !== undefined) {
      order.status = 'rejected'
      order.reason = problem
    }
    this.book.add(order)
    if (order.status === 'open') this.outbox.push(order)
    return order
  }

  override cancel(orderId: number): boolean {
    const order = this.book.find(orderId)
    if (order === undefined) return false
    const queued = this.outbox.indexOf(order)
    if (queued >= 0) {
      this.outbox.splice(queued, 1)
      this.finish(order, 'canceled', 'canceled by the strategy before it was sent')
    } else {
      this.cancels.add(order) // canceled once the exchange confirms (it may fill first)
    }
    return true
  }

  /** Every bar: the exchange's news is applied as bars are shown, working orders or not. */
  override get hasBarWork(): boolean {
    return true
  }

  /** Fills come from the exchange, not from matching bars: what it said by this bar is applied here. */
  override processBar(_i: number): void {
    this.applyPending()
  }
  override afterHook(): void {}
  override expireDue(_t: number): void {}

  /** Sends the requested cancels, then the queued orders (intent recorded first). Runs on the bot's chain. */
  async flush(): Promise<void> {
    // Cancels go first: what a canceled order held (a take-profit's units, a buy's cash) is then
    // free for the orders decided with it (an exit at market, sent after; the exchange refused it
    // while the take-profit still held the units).
    await this.sendCancels()
    while (this.outbox.length > 0) {
      const order = this.outbox[0]
      await this.x.recordIntent(order)
      await this.send(order)
      this.outbox.shift()
    }
    // What the sends found out (an order an earlier life sent, and its fills) is in the past: now.
    this.applyPending()
  }

  private async sendCancels(): Promise<void> {
    for (const order of [...this.cancels]) {
      this.cancels.delete(order)
      if (order.status !== 'open') continue
      try {
        // Retried through network trouble and rate limits (a cancel is safe to repeat): the orders
        // decided with it are sent after it (flush), so a lost cancel must not end the flush.
        await this.withRetry(`cancel order ${order.clientOrderId}`, () => this.x.venue.cancelOrder(this.venueIds.get(order.id) ?? '', order.symbol, {clientOrderId: order.clientOrderId}))
      } catch (e) {
        const kind = venueErrorKind(e)
        if (kind === 'auth') throw authError(e)
        if (kind !== 'order-not-found' && kind !== 'invalid-order') throw e
        // Already filled or gone: the poll below says which.
      }
      await this.sync(order)
    }
  }

  /** Loads the markets (precision, limits), retrying network trouble; a refused key is `exchange.auth`. */
  async connect(): Promise<void> {
    // ccxt keeps a failed loadMarkets promise: a retry must ask for a reload.
    let tries = 0
    await this.withRetry('load the markets', () => this.x.venue.loadMarkets(tries++ > 0))
  }

  /** Reads every working order's news from the exchange (applied by `applyPending()`). */
  async poll(): Promise<void> {
    for (const order of this.book.open(-1) as SimOrder[]) {
      if (this.outbox.includes(order)) continue
      await this.sync(order)
    }
  }

  /**
   * At start or resume: the working orders are brought up to date (fills while the bot was down
   * are adopted), orders on the exchange this bot does not know are reported and left alone, and
   * the balances of the bot's assets must match what its records explain, else the bot stops.
   */
  async reconcile(fresh: boolean): Promise<string[]> {
    const notes: string[] = []
    await this.connect()
    await this.poll()
    this.applyPending()
    for (const symbol of this.o.market.symbols) {
      const open = await this.withRetry(`list open orders of ${symbol}`, () => this.x.venue.fetchOpenOrders(symbol))
      for (const o of open) {
        const known = (this.book.open(-1) as SimOrder[]).some((x) => x.clientOrderId === o.clientOrderId)
        // This run's own id, decided after the saved state: the replay makes it again and adopts it.
        const ours = o.clientOrderId !== undefined && o.clientOrderId.startsWith(`${this.x.clientIdPrefix}o`)
        if (!known && !ours) notes.push(`order ${o.id}${o.clientOrderId ? ` (${o.clientOrderId})` : ''} on ${symbol} is not this bot's: left alone`)
      }
    }
    const balance = await this.withRetry('read the balances', () => this.x.venue.fetchBalance())
    const total = balance.total ?? {}
    if (fresh || this.baseline === undefined) {
      this.baseline = {}
      this.o.market.symbols.forEach((symbol, k) => {
        const base = this.x.venue.market(symbol).base
        this.baseline![base] = (total[base] ?? 0) - this.portfolio.quantity[k]
      })
    } else {
      this.o.market.symbols.forEach((symbol, k) => {
        const base = this.x.venue.market(symbol).base
        const expected = this.baseline![base] + this.portfolio.quantity[k]
        const held = total[base] ?? 0
        if (Math.abs(held - expected) > 1e-9 * Math.max(1, Math.abs(expected))) {
          throw new BotsError(`the exchange holds ${held} ${base} but this bot's records explain ${expected} (${this.baseline![base]} before it started + position ${this.portfolio.quantity[k]}); stopped so nothing is traded on a wrong position`,
            {code: 'exchange.position', hint: 'check the account for trades made outside this bot, then `bots update` or reset the bot'})
        }
      })
    }
    return notes
  }

  override snapshot(): BrokerSnapshot {
    const s = super.snapshot()
    const applied: Record<string, string[]> = {}
    const venueIds: Record<string, string> = {}
    for (const o of this.book.open(-1)) {
      const ids = this.applied.get(o.id)
      if (ids && ids.size > 0) applied[o.id] = [...ids]
      const v = this.venueIds.get(o.id)
      if (v !== undefined) venueIds[o.id] = v
    }
    const exchange: VenueState = {applied, venueIds, ...(this.baseline ? {baseline: this.baseline} : {})}
    return {...s, openOrders: s.openOrders.map((o) => ({...o, filledQuantity: this.book.find(o.id)?.filledQuantity ?? 0})), exchange}
  }

  override restore(snapshot: BrokerSnapshot): void {
    super.restore(snapshot)
    const x = snapshot.exchange
    for (const o of this.book.open(-1) as SimOrder[]) {
      const saved = (snapshot.openOrders.find((s) => s.id === o.id) as {clientOrderId?: string} | undefined)?.clientOrderId
      o.clientOrderId = saved ?? this.x.sentAs?.get(o.id)?.at(-1) ?? clientOrderId(this.x.clientIdPrefix, o.id, this.x.clientIdSuffix)
      o.filledQuantity = snapshot.openOrders.find((s) => s.id === o.id)?.filledQuantity ?? 0
      const ids = x?.applied[o.id]
      if (ids) this.applied.set(o.id, new Set(ids))
      const v = x?.venueIds[o.id]
      if (v !== undefined) this.venueIds.set(o.id, v)
    }
    this.baseline = x?.baseline
  }

  private async send(order: SimOrder): Promise<void> {
    const cid = order.clientOrderId!
    const venue = this.x.venue
    if (order.id <= this.x.doubtfulThrough) {
      // Under its own id, then under any id an earlier holder of the bot recorded for it.
      for (const id of new Set([cid, ...(this.x.sentAs?.get(order.id) ?? [])])) {
        const found = await this.lookup(order, id)
        if (found) {
          order.clientOrderId = id
          return this.adopt(order, found)
        }
      }
    }
    const attempts = this.x.attempts ?? 5
    for (let attempt = 1; ; attempt++) {
      try {
        const price = order.type === 'limit' ? order.limitPrice : undefined
        const answer = await venue.createOrder(order.symbol, order.type, order.side, order.quantity, price, {clientOrderId: cid})
        return this.adopt(order, answer)
      } catch (e) {
        const kind = venueErrorKind(e)
        if (kind === 'auth') throw authError(e)
        if (kind === 'insufficient-funds' || kind === 'invalid-order') {
          return this.finish(order, 'rejected', `the exchange refused it: ${firstLine(e)}`)
        }
        if (kind === 'duplicate' || kind === 'network') {
          // The exchange may have it: find it by client id before anything else is sent.
          const found = await this.lookup(order)
          if (found) return this.adopt(order, found)
          if (kind === 'duplicate') throw new Error(`the exchange says order ${cid} is a duplicate but cannot find it`)
        } else if (kind !== 'rate-limit') {
          throw e
        }
        if (attempt >= attempts) throw new Error(`order ${cid} could not be sent after ${attempts} tries: ${firstLine(e)}`)
        this.x.log('warn', `order ${cid}: ${kind} (${firstLine(e)}); retry ${attempt} of ${attempts - 1}`)
        await this.x.timers.sleep(this.backoff(attempt, kind))
      }
    }
  }

  /** The exchange's order with this bot's client id, or undefined when it has none. */
  private async lookup(order: SimOrder, cid = order.clientOrderId): Promise<VenueOrder | undefined> {
    return this.withRetry(`look up order ${cid}`, async () => {
      try {
        return await this.x.venue.fetchOrder('', order.symbol, {clientOrderId: cid})
      } catch (e) {
        if (venueErrorKind(e) === 'order-not-found') return undefined
        throw e
      }
    })
  }

  private async adopt(order: SimOrder, v: VenueOrder): Promise<void> {
    if (v.id) this.venueIds.set(order.id, String(v.id))
    await this.sync(order, v)
  }

  /** Applies the order's trades not applied yet, then its final state. */
  /**
   * Reads the order's news from the exchange (new trades, a final state) and queues applying it:
   * `applyPending()` applies it at a point the runner chooses (a bar, for the same timing as a
   * backtest; at once after a send or a timer poll). Applying is idempotent: a trade id is applied
   * once, however often it is read.
   */
  private async sync(order: SimOrder, known?: VenueOrder): Promise<void> {
    const v = known ?? (await this.lookup(order))
    if (v === undefined) {
      if (this.venueIds.has(order.id)) throw new Error(`order ${order.clientOrderId} was on the exchange and is gone`)
      return // never reached the exchange: still to be sent (an earlier life decided it and died before sending)
    }
    if (v.id) this.venueIds.set(order.id, String(v.id))
    const done = order.filledQuantity ?? 0
    let trades: VenueTrade[] = []
    if ((v.filled ?? 0) > done + 1e-12) {
      const all = await this.withRetry(`read the trades of ${order.clientOrderId}`, () => this.x.venue.fetchMyTrades(order.symbol, v.timestamp, undefined, {orderId: v.id}))
      trades = all.filter((t) => String(t.order) === String(v.id)).sort(byTime)
    }
    const status = v.status
    this.pending.push(() => {
      if (order.status !== 'open') return
      const applied = this.applied.get(order.id) ?? new Set<string>()
      this.applied.set(order.id, applied)
      for (const t of trades) {
        if (applied.has(String(t.id)) || order.status !== 'open') continue
        applied.add(String(t.id))
        this.applyFill(order, t.amount, t.price, this.commissionOf(t, order), t.timestamp, {id: String(t.id), seq: applied.size})
      }
      if (order.status === 'open' && (status === 'canceled' || status === 'expired' || status === 'rejected')) {
        this.finish(order, status === 'rejected' ? 'rejected' : 'canceled', `${status} on the exchange${(order.filledQuantity ?? 0) > 0 ? ` after ${order.filledQuantity} of ${order.quantity} filled` : ''}`)
      }
      if (order.status !== 'open') {
        this.applied.delete(order.id)
        this.venueIds.delete(order.id)
      }
    })
  }

  /** Applies what the exchange said since the last call (fills, cancels), in the order it was read. */
  applyPending(): void {
    if (this.pending.length === 0) return
    for (const apply of this.pending.splice(0)) apply()
    this.book.compact()
  }

  /** Commission in the quote currency (a fee in the base asset is valued at the fill price). */
  private commissionOf(t: VenueTrade, order: SimOrder): number {
    const fee = t.fee
    if (!fee || !fee.cost) return 0
    const m = this.x.venue.market(order.symbol)
    return fee.currency === m.base ? fee.cost * t.price : fee.cost
  }

  private rounded(symbol: string, quantity: number): number {
    if (!(quantity > 0)) return quantity
    try {
      return Number(this.x.venue.amountToPrecision(symbol, quantity))
    } catch {
      return 0 // below the lot size: rejected with the minimum below
    }
  }

  /** Precision and limits from loadMarkets: why the exchange would refuse this order, before it is sent. */
  private venueProblem(order: SimOrder, k: number): string | undefined {
    const m = this.x.venue.market(order.symbol)
    const minQty = m.limits.amount?.min
    if (!(order.quantity > 0) || (minQty !== undefined && order.quantity < minQty)) {
      return `quantity ${order.quantity} is below ${order.symbol}'s minimum ${minQty ?? 'lot size'} on the exchange`
    }
    const price = order.type === 'limit' ? order.limitPrice! : this.portfolio.lastPrice[k]
    const minCost = m.limits.cost?.min
    if (minCost !== undefined && price === price && order.quantity * price < minCost) {
      return `order value ${(order.quantity * price).toFixed(8)} ${m.quote} is below ${order.symbol}'s minimum notional ${minCost} ${m.quote}`
    }
    return undefined
  }

  private backoff(attempt: number, kind: string): number {
    const base = (this.x.backoffMs ?? 500) * (kind === 'rate-limit' ? 4 : 1)
    return Math.min(base * 2 ** (attempt - 1), 30_000)
  }

  /** Reads are safe to repeat: network trouble and rate limits are retried with backoff. */
  private async withRetry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const attempts = this.x.attempts ?? 5
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn()
      } catch (e) {
        const kind = venueErrorKind(e)
        if (kind === 'auth') throw authError(e)
        if ((kind !== 'network' && kind !== 'rate-limit') || attempt >= attempts) throw e
        this.x.log('warn', `${what}: ${kind} (${firstLine(e)}); retry ${attempt} of ${attempts - 1}`)
        await this.x.timers.sleep(this.backoff(attempt, kind))
      }
    }
  }
}

const byTime = (a: VenueTrade, b: VenueTrade): number => a.timestamp - b.timestamp || (String(a.id) < String(b.id) ? -1 : 1)

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300)
}

function authError(e: unknown): BotsError {
  return new BotsError(`the exchange refused the API key: ${firstLine(e)}`, {code: 'exchange.auth', hint: 'check the key and secret in the environment variables named by live.exchange.credentials_env'})
}
