/**
 * A stand-in for the per-bot runtime (`src/live`), driven by the test: it lets a test make a bot
 * fill, crash, go stale or end at a chosen moment, and records how the service called it.
 */
import type {TimerClock} from '../../src/core/clock.js'
import {FeedClock} from '../../src/live/live-clock.js'
import type {BotState, Feed, FeedStatus, LiveBot, LiveBotOptions, LiveBotOutcome, LiveBotStatus, ReplayFeedOptions, StopReason} from '../../src/live/runtime-types.js'
import type {RuntimeApi} from '../../src/service/runtime.js'
import type {Fill, Order} from '../../src/model/orders.js'

export function makeState(botId: string, strategy: string, symbols: string[], timeframeMs: number, over: Partial<BotState> = {}): BotState {
  return {
    version: 1, checkpoint: true, botId, strategy, symbols, timeframeMs, time: 0, firstBarTime: null,
    lastBarTime: Object.fromEntries(symbols.map((s) => [s, null])), initialCash: 100_000, cash: 100_000, realizedPnl: 0, commissions: 0,
    positions: [], openOrders: [], openTrades: [], nextOrderId: 1, fillCount: 0, strategyState: {}, iterations: 0, lastIterationTime: null, sleeptimeMs: timeframeMs,
    scheduler: {mode: 'daily', session: null, anchor: null, wake: null},
    ...over,
  }
}

export class FakeFeed implements Feed {
  readonly name = 'replay'
  status: FeedStatus = 'idle'
  lastBarTime: number | undefined
  reconnects = 0
  readonly clock = new FeedClock(0)
  /** `wall`: the clock the service handed the feed (its own). */
  constructor(readonly options: ReplayFeedOptions, readonly wall: TimerClock) {}
  async subscribe() { this.status = 'live' }
  async history() { return [] }
  async reconnect() { this.reconnects++; this.status = 'live' }
  async close() { this.status = 'closed' }
}

export class FakeBot implements LiveBot {
  readonly botId: string
  status: LiveBotStatus = 'created'
  readonly feed: FakeFeed
  readonly done: Promise<LiveBotOutcome>
  stoppedWith: StopReason | undefined
  state: BotState
  private settle!: (o: LiveBotOutcome) => void

  /** Never finishes stopping (a strategy stuck in onStop). */
  hangOnStop = false

  constructor(
    readonly options: LiveBotOptions,
    private readonly startError?: Error,
    private readonly gate: {wait?: Promise<void>; started?: () => void} = {},
  ) {
    this.botId = String(options.botId)
    this.feed = options.feed as FakeFeed
    const spec = options.spec
    this.state = options.initialState ? structuredClone(options.initialState) : makeState(this.botId, options.definition.name, [...spec.symbols], spec.timeframeMs)
    this.done = new Promise((r) => (this.settle = r))
  }

  async start(): Promise<void> {
    await this.gate.wait
    if (this.startError) throw this.startError
    this.status = 'running'
    this.gate.started?.()
  }

  async stop(reason: StopReason = 'stop'): Promise<BotState> {
    if (this.hangOnStop) return new Promise<BotState>(() => {})
    if (this.status === 'running') {
      this.stoppedWith = reason
      this.status = 'stopped'
      await this.feed.close()
      this.settle({status: 'stopped', reason, state: this.state})
    }
    return this.state
  }

  snapshot(): BotState {
    return structuredClone(this.state)
  }

  /** A fill of a new order, as the runtime reports it (awaits the service's onFill). */
  async fill(symbol: string, side: 'buy' | 'sell', quantity: number, price: number, time: number): Promise<Order> {
    const id = this.state.nextOrderId++
    const order = {id, symbol, side, quantity, type: 'market', timeInForce: 'gtc', createdAt: time, status: 'filled', fillPrice: price, filledAt: time} as Order
    const fill: Fill = {orderId: id, symbol, side, quantity, price, commission: 1, time}
    const pos = this.state.positions.find((p) => p.symbol === symbol) ?? {symbol, quantity: 0, averagePrice: null, lastPrice: null}
    if (!this.state.positions.includes(pos)) this.state.positions.push(pos)
    pos.quantity += side === 'buy' ? quantity : -quantity
    pos.averagePrice = price
    pos.lastPrice = price
    this.state.cash += (side === 'buy' ? -1 : 1) * quantity * price - 1
    this.state.fillCount++
    await this.options.events?.onOrder?.(order)
    await this.options.events?.onFill?.(fill, order, this.snapshot())
    return order
  }

  async bar(symbol: string, time: number, close: number): Promise<void> {
    await this.options.events?.onBar?.({symbol, time, closeTime: time + this.options.spec.timeframeMs, open: close, high: close, low: close, close, volume: 1})
    this.state.lastBarTime[symbol] = time
    this.state.firstBarTime ??= time
    await this.options.events?.onCheckpoint?.(this.snapshot())
  }

  crash(message: string): void {
    this.status = 'crashed'
    const error = new Error(message)
    this.options.events?.onCrash?.(error, this.state)
    this.settle({status: 'crashed', reason: 'crash', error, state: this.state})
  }

  stale(silentMs: number): void {
    this.options.events?.onFeedStale?.({lastBarTime: this.feed.lastBarTime, silentMs})
  }

  end(): void {
    this.status = 'stopped'
    this.options.events?.onFeedEnd?.()
    this.settle({status: 'stopped', reason: 'feed-ended', state: this.state})
  }
}

export class FakeRuntime implements RuntimeApi {
  readonly bots: FakeBot[] = []
  /** Make the next `createLiveBot` for a bot id fail to start with this error. */
  readonly startErrors = new Map<number, Error>()

  createReplayFeed = (o: ReplayFeedOptions, wall: TimerClock) => new FakeFeed(o, wall)
  replayFeedOptions = (spec: {symbols: string[]; timeframeMs: number; live: {feed: {speed: number}}}, o: {db?: string}): ReplayFeedOptions => ({db: o.db, symbols: spec.symbols, timeframe: spec.timeframeMs, speed: spec.live.feed.speed})
  /** Make the next start of a bot id wait for this promise (a bot slow to start). */
  readonly startGates = new Map<number, Promise<void>>()
  private readonly startWaiters = new Map<number, () => void>()

  /** Resolves when the next bot created for a registry id has started. */
  whenStarted(id: number): Promise<void> {
    return new Promise((resolve) => this.startWaiters.set(id, resolve))
  }

  createLiveBot = (o: LiveBotOptions) => {
    const id = Number(o.botId)
    const err = this.startErrors.get(id)
    this.startErrors.delete(id)
    const gate = {wait: this.startGates.get(id), started: this.startWaiters.get(id)}
    this.startGates.delete(id)
    this.startWaiters.delete(id)
    const bot = new FakeBot(o, err, gate)
    this.bots.push(bot)
    return bot
  }
  compareLiveToBacktest = async () => ({same: true, compared: 0, backtest: {fills: 0, orders: 0, finalValue: 0}})

  /** The latest bot created for a registry id. */
  latest(id: number): FakeBot {
    const b = this.bots.filter((x) => x.botId === String(id)).at(-1)
    if (!b) throw new Error(`no bot ${id} was created`)
    return b
  }
  created(id: number): FakeBot[] {
    return this.bots.filter((x) => x.botId === String(id))
  }
}
