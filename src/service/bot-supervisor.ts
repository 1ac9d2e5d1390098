/**
 * Runs one bot for the service: builds its feed and live runtime, wires the runtime's events to
 * the recorder, restarts it with backoff when its strategy crashes, reconnects a stale feed, and
 * stops it on request. Every failure ends here as a status and an event; nothing propagates, so
 * one bot's trouble never reaches the others.
 */
import type {TimerClock, TimerHandle} from '../core/clock.js'
import {BotsError, isBotsError} from '../core/errors.js'
import type {BotState, LiveBot, LiveBotEvents, LiveBotOutcome, StopReason} from '../live/runtime-types.js'
import {accountFigures} from './bot-metrics.js'
import type {Notifier} from './notifier.js'
import type {Ownership} from './ownership.js'
import type {PreparedBot} from './prepare-bot.js'
import type {Recorder} from './recorder.js'
import {restartDelay, type RestartPolicy} from './restart-policy.js'
import type {RuntimeApi} from './runtime.js'
import {botLabel, type ServiceLog} from './service-log.js'
import {marketTimezone} from '../calendar/index.js'
import type {StrategyHooks} from '../model/strategy.js'
import {pluginLoadTarget} from '../strategy/discover.js'
import {startIsolatedStrategy, type IsolatedStrategy} from '../strategy/isolated/isolated-strategy.js'

export type Phase = 'starting' | 'running' | 'backoff' | 'stopping' | 'stopped' | 'ended' | 'error'

export interface SupervisorDeps {
  runtime: RuntimeApi
  recorder: Recorder
  /** Timestamps, the restart backoff, the stop timeout, and each bot's feed (pacing, staleness). */
  clock: TimerClock
  log: ServiceLog
  policy: RestartPolicy
  /** How long a stop may take before the bot is given up on (its last state is kept). */
  stopTimeoutMs: number
  notifier?: Notifier
  /** Strategy `ctx.log` info lines too, not only warnings and errors. */
  verbose?: boolean
  /** Where exchange credentials are read (default process.env). */
  env?: NodeJS.ProcessEnv
  /** Exchange bots: how often working orders are checked with the exchange (ms; default 1000). */
  orderPollMs?: number
  /** Whether this process still holds the bot (PostgreSQL leases), and the epoch its order ids carry. */
  ownership: Ownership
  /**
   * Users' plugin strategies run in a worker thread each, with a time budget per hook call (ms);
   * `none` runs them in this process (trusted code only: a loop there stops every bot). The
   * strategies shipped with bots, `rules` and strategy specs always run in this process.
   */
  isolation?: {budgetMs: number; loadTimeoutMs: number} | 'none'
}

export class BotSupervisor {
  phase: Phase = 'stopped'
  /** Its last start or resume failed for good (bad configuration, no data): in error before it ran. */
  startFailed = false
  private bot: LiveBot | undefined
  private lastState: BotState | undefined
  private restarts = 0
  private startedAt = 0
  private restartTimer: TimerHandle | undefined
  /** The highest fill number notified (or made before the state this bot resumed from). */
  private announcedFills: number
  private readonly label: string
  /** Exchange bots: lets go of the ccxt client when the bot is done with it. */
  private exchangeClose: (() => Promise<void>) | undefined
  /** The strategy's worker, when it runs in one. */
  private isolated: IsolatedStrategy | undefined
  /** Exchange bots: the highest order id an earlier life of this run recorded (looked up before sending). */
  doubtfulThrough = 0
  /** Exchange bots: the client ids each order was recorded with by this run's earlier lives (other lease epochs). */
  readonly sentAs = new Map<number, string[]>()

  /** `run`: see schema.ts; `state`: where to resume from, if anywhere. */
  constructor(readonly prepared: PreparedBot, readonly run: number, state: BotState | undefined, private readonly deps: SupervisorDeps) {
    this.lastState = state
    this.announcedFills = state?.fillCount ?? 0
    this.label = botLabel(prepared.row)
  }

  get id(): number {
    return this.prepared.row.id
  }

  /** Starts the bot; resolves once it runs, or failed (then its status says why). Never rejects. */
  async start(): Promise<void> {
    await this.launch(this.lastState !== undefined && this.restarts === 0 ? 'resume' : 'start')
  }

  /** The state now: the running bot's, else the last one seen. */
  snapshot(): BotState | undefined {
    if (this.bot && this.phase === 'running') {
      try {
        return this.bot.snapshot()
      } catch {
        return this.lastState
      }
    }
    return this.lastState
  }

  /**
   * Stop for good (`shutdown`: the process is going away). Records the final state. Never rejects.
   * `lost`: another process holds the bot now; nothing is recorded (the fence would refuse it).
   */
  async stop(reason: StopReason, why: string, o: {lost?: boolean} = {}): Promise<BotState | undefined> {
    this.deps.clock.cancel(this.restartTimer)
    this.restartTimer = undefined
    const previous = this.phase
    // Already at rest (the replay ended, or it is in error): its status and events say so.
    if (previous === 'ended' || previous === 'stopped' || previous === 'error') return this.lastState
    const wasActive = previous === 'running' || previous === 'starting'
    this.phase = 'stopping'
    const bot = this.bot
    if (bot && wasActive) {
      try {
        const state = await withTimeout(bot.stop(reason), this.deps.stopTimeoutMs, this.deps.clock)
        if (state) this.lastState = state
        else this.deps.log.warn(`${this.label}: did not stop within ${this.deps.stopTimeoutMs} ms; keeping its last state`)
      } catch (e) {
        this.deps.log.error(`${this.label}: stop failed: ${(e as Error).message}`)
      }
    }
    await this.releaseExchange()
    await this.releaseWorker()
    if (o.lost) {
      this.phase = 'stopped'
      return this.lastState
    }
    this.recordState()
    this.metrics(this.deps.clock.now())
    const {recorder} = this.deps
    recorder.status(this.id, {status: 'stopped'})
    recorder.event({botId: this.id, userId: this.prepared.row.userId, kind: 'stop', message: why})
    this.deps.notifier?.send('stop', {reason: why})
    this.phase = 'stopped'
    return this.lastState
  }

  private async launch(kind: 'start' | 'resume' | 'restart'): Promise<void> {
    const {runtime, recorder, log} = this.deps
    const {row, spec, definition, params, dataDb} = this.prepared
    this.phase = 'starting'
    this.startFailed = false
    recorder.status(this.id, {status: 'starting'})
    let bot: LiveBot
    try {
      const usesExchange = spec.live.feed.type === 'exchange' || spec.live.broker.type === 'exchange'
      await this.releaseExchange()
      const parts = usesExchange ? await runtime.exchangeParts(spec, {clock: this.deps.clock, env: this.deps.env, log: (level, message) => log[level](`${this.label}: ${message}`)}) : {}
      this.exchangeClose = parts.close
      const feed = parts.feed ?? runtime.createReplayFeed(runtime.replayFeedOptions(spec, {db: dataDb}), this.deps.clock)
      const exchange = parts.broker?.({clientIdPrefix: `b${row.id}r${this.run}`, clientIdSuffix: this.deps.ownership.epochTag(row.id), doubtfulThrough: this.doubtfulThrough, sentAs: this.sentAs, timers: this.deps.clock, pollMs: this.deps.orderPollMs ?? 1000})
      // A fresh bot on an exchange warms its strategy on the latest bars it needs, not on hours of live ones.
      const warmupBars = parts.feed ? (definition.warmup?.(params as never) ?? 0) : 0
      const hooks = await this.isolate()
      bot = runtime.createLiveBot({botId: row.id, spec, definition, params, hooks, feed, initialState: this.lastState, events: this.events(), exchange, warmupBars})
      this.bot = bot
      await bot.start()
    } catch (e) {
      await this.bot?.feed.close().catch(() => {})
      await this.releaseExchange()
      await this.releaseWorker()
      // Bad configuration (no data, a bad state) will not fix itself: no restarts. Missing bars are
      // said as such, not as the strategy crash the runtime wrapped them in.
      if (leaseLost(e)) return this.crashed(e as Error)
      const fatal = unrecoverableCause(e) ?? (isBotsError(e) ? e : undefined)
      if (fatal) {
        this.startFailed = true
        return this.fail(`${kind} failed: ${withHint(fatal)}`)
      }
      return this.crashed(e as Error)
    }
    if (this.phase !== 'starting') return // stopped while starting
    this.phase = 'running'
    this.startedAt = this.deps.clock.now()
    recorder.status(this.id, {status: 'running', error: null})
    // Written with its running status: a bot taken over from another process, or restarted, would
    // otherwise show its previous run's last beat (up to an interval and a hand-over old) as current.
    recorder.heartbeat([this.id])
    const from = this.lastState?.lastBarTime ? Object.values(this.lastState.lastBarTime).filter((t): t is number => t !== null) : []
    const replayStart = spec.live.feed.type === 'replay' ? runtime.replayFeedOptions(spec, {db: dataDb}).start : undefined
    // A replay's start moved past where the bot stopped (`bots update`): the bars in between are not played (found by an audit: skipped without a word).
    const skipped = from.length && replayStart !== undefined && replayStart > Math.max(...from) ? `; live.feed.start (${new Date(replayStart).toISOString()}) is after that bar: the replay goes on from that start, and the bars stored in between, if any, are not played` : ''
    const detail = kind === 'start' ? 'started' : `${kind === 'resume' ? 'resumed' : 'restarted'} from its saved state${from.length ? ` (last bar ${new Date(Math.max(...from)).toISOString()})` : ''}${skipped}`
    recorder.event({botId: this.id, userId: this.prepared.row.userId, kind: kind === 'start' ? 'start' : kind, message: detail})
    if (skipped) log.warn(`${this.label}: ${detail}`)
    else log.info(`${this.label}: ${detail}`)
    this.deps.notifier?.send('start', {kind})
    void bot.done.then((outcome) => this.finished(bot, outcome))
  }

  private events(): LiveBotEvents {
    const {recorder, notifier, log} = this.deps
    const {row} = this.prepared
    const base = {botId: row.id, userId: row.userId, run: this.run}
    return {
      onFill: async (fill, order, state) => {
        // The bot's all-time fill number: a fill re-delivered after a resume has the same one.
        // An exchange fill's number is its trade's within the order: the same however often it is adopted.
        recorder.trade({...base, orderId: order.id, fillSeq: fill.tradeSeq ?? state.fillCount, symbol: fill.symbol, side: fill.side, quantity: fill.quantity, price: fill.price, commission: fill.commission, time: fill.time, tradeId: fill.tradeId})
        this.lastState = state
        this.recordState()
        // On disk before the strategy hears of it: the runtime awaits this.
        await recorder.flush()
        this.assertHeld(`fill of order ${order.id} not recorded here`)
        // A fill made again after a resume (from the checkpoint before it) was announced already.
        if (state.fillCount > this.announcedFills) {
          log.info(`${this.label}: filled ${fill.side} ${fill.quantity} ${fill.symbol} @ ${fill.price} (order ${order.id}, fill ${state.fillCount})`)
          notifier?.send('fill', {fill, orderId: order.id})
        }
        this.announcedFills = Math.max(this.announcedFills, state.fillCount)
      },
      onOrder: (order) => {
        this.doubtfulThrough = Math.max(this.doubtfulThrough, order.id)
        if (order.clientOrderId) {
          const ids = this.sentAs.get(order.id) ?? []
          if (!ids.includes(order.clientOrderId)) this.sentAs.set(order.id, [...ids, order.clientOrderId])
        }
        recorder.order({...base, specHash: row.specHash, orderId: order.id, symbol: order.symbol, side: order.side, quantity: order.quantity, type: order.type, limitPrice: order.limitPrice, stopPrice: order.stopPrice, createdAt: order.createdAt, clientOrderId: order.clientOrderId})
        // Refused before it went anywhere (a malformed request, the exchange's limits): say why.
        if (order.status === 'rejected') {
          const message = `order ${order.id} (${order.side} ${order.quantity} ${order.symbol}) rejected: ${order.reason ?? 'no reason given'}`
          log.warn(`${this.label}: ${message}`)
          recorder.event({botId: row.id, userId: row.userId, kind: 'order-rejected', message})
        }
      },
      // Exchange orders: on disk before they are sent (the order was queued by onOrder just before),
      // and sent only while this process holds the bot by its own clock (a lease is never trusted past its TTL).
      onOrderIntent: async (order) => {
        await recorder.flush()
        this.assertHeld(`order ${order.clientOrderId ?? order.id} not sent`)
      },
      onBar: (bar) => {
        recorder.bar({...base, specHash: row.specHash, symbol: bar.symbol, time: bar.time, closeTime: bar.closeTime, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume})
      },
      onCheckpoint: (state) => {
        this.lastState = state
        this.recordState()
        // While the registry is away and the queue is full, the bot waits here (the recorder says why).
        return recorder.room()
      },
      onFeedStale: (info) => {
        const last = info.lastBarTime === undefined ? 'before the first bar' : `last bar ${new Date(info.lastBarTime).toISOString()}`
        const msg = `feed silent for ${Math.round(info.silentMs / 1000)} s (${last}); reconnecting`
        log.warn(`${this.label}: ${msg}`)
        recorder.event({botId: row.id, userId: row.userId, kind: 'feed-stale', message: msg})
        this.bot?.feed.reconnect().catch((e: Error) => {
          log.error(`${this.label}: reconnect failed: ${e.message}`)
          recorder.event({botId: row.id, userId: row.userId, kind: 'error', message: `feed reconnect failed: ${e.message}`})
        })
      },
      onFeedEnd: () => recorder.event({botId: row.id, userId: row.userId, kind: 'feed-end', message: 'the replay has no more bars'}),
      onLog: (entry) => {
        if (entry.level === 'info' && !this.deps.verbose) return
        log[entry.level](`${this.label}: ${entry.message}`)
      },
    }
  }

  private finished(bot: LiveBot, outcome: LiveBotOutcome): void {
    if (bot !== this.bot || this.phase === 'stopping' || this.phase === 'stopped') return
    void this.releaseExchange()
    if (outcome.status !== 'crashed') void this.releaseWorker() // a crashed one restarts in the same worker
    this.lastState = outcome.state
    if (outcome.status === 'crashed') return this.crashed(outcome.error ?? new Error('crashed'))
    this.recordState()
    this.phase = 'ended'
    this.metrics(this.deps.clock.now())
    this.deps.recorder.status(this.id, {status: 'stopped'})
    const why = outcome.reason === 'feed-ended' ? 'the replay ended' : `stopped (${outcome.reason})`
    this.deps.recorder.event({botId: this.id, userId: this.prepared.row.userId, kind: 'stop', message: why})
    this.deps.log.info(`${this.label}: ${why}`)
  }

  /** Throws when the process may no longer act for this bot: its lease lapsed, or another process took it. */
  private assertHeld(what: string): void {
    const {ownership} = this.deps
    if (ownership.holds(this.id) && ownership.valid(this.id)) return
    throw new BotsError(`this process no longer holds bot ${this.id} (its lease lapsed or was taken over): ${what}`, {code: 'lease.lost'})
  }

  private crashed(error: Error): void {
    const {recorder, log, policy, clock} = this.deps
    if (leaseLost(error)) {
      // Not ours any more: the new holder resumes it from the recorded state. Nothing is written here.
      this.phase = 'stopped'
      log.warn(`${this.label}: stopped here: ${firstLine(error)}`)
      return
    }
    const fatal = unrecoverableCause(error)
    if (fatal) {
      this.recordState()
      return this.fail(withHint(fatal))
    }
    if (this.startedAt && clock.now() - this.startedAt >= policy.stableMs) this.restarts = 0
    this.restarts++
    this.recordState()
    const message = firstLine(error)
    recorder.status(this.id, {status: 'crashed', error: message})
    recorder.event({botId: this.id, userId: this.prepared.row.userId, kind: 'crash', message})
    this.deps.notifier?.send('crash', {error: message})
    const delay = restartDelay(policy, this.restarts)
    if (delay === undefined) return this.fail(`crashed ${this.restarts} times in a row; not restarted (last: ${message})`)
    log.error(`${this.label}: crashed: ${message}; restart ${this.restarts} of ${policy.maxRestarts} in ${delay} ms`)
    this.phase = 'backoff'
    void recorder.flush().catch(() => {})
    // The launch's promise goes back to the clock: a simulated clock lets a test await it.
    this.restartTimer = this.deps.clock.setTimer(delay, () => {
      this.restartTimer = undefined
      return this.launch('restart')
    })
  }

  private fail(message: string): void {
    this.phase = 'error'
    void this.releaseWorker()
    this.deps.recorder.status(this.id, {status: 'error', error: message})
    this.deps.recorder.event({botId: this.id, userId: this.prepared.row.userId, kind: 'error', message})
    this.deps.notifier?.send('error', {error: message})
    this.deps.log.error(`${this.label}: ${message}`)
  }

  /** A plugin strategy's hooks, made in a worker of its own (undefined: made in process by the runtime). */
  private async isolate(): Promise<StrategyHooks | undefined> {
    // A restart after a crash keeps the worker (and the module's state), as a restart in process would.
    const kept = this.isolated
    if (kept && kept.stopped === undefined) {
      try {
        return kept.recreate()
      } catch {
        // Stopped or broken meanwhile: a fresh worker.
      }
    }
    await this.releaseWorker()
    const iso = this.deps.isolation
    const {source, definition, params, spec} = this.prepared
    // Users' plugins only: the strategies shipped with bots are ours, as trusted as `rules`, and a
    // thread each (about 10 MB) would cost a service with a thousand of them its memory.
    const target = iso && iso !== 'none' && source ? pluginLoadTarget(source) : undefined
    if (!iso || iso === 'none' || !target || target.shipped) return undefined
    this.isolated = await startIsolatedStrategy({
      file: target.file, native: target.native, name: definition.name, params, symbols: spec.symbols, timezone: marketTimezone(spec.market),
      budgetMs: iso.budgetMs, loadTimeoutMs: iso.loadTimeoutMs,
    })
    return this.isolated.hooks
  }

  private async releaseWorker(): Promise<void> {
    const w = this.isolated
    this.isolated = undefined
    await w?.close().catch(() => {})
  }

  private async releaseExchange(): Promise<void> {
    const close = this.exchangeClose
    this.exchangeClose = undefined
    await close?.().catch((e: Error) => this.deps.log.warn(`${this.label}: closing the exchange connection: ${e.message}`))
  }

  private recordState(): void {
    const state = this.lastState
    if (!state) return
    const {row} = this.prepared
    this.deps.recorder.state({botId: row.id, userId: row.userId, run: this.run, specHash: row.specHash, state, at: this.deps.clock.now()})
  }

  /** Resolves when this bot's notifications in flight are delivered or given up. */
  idle(): Promise<void> {
    return this.deps.notifier?.idle() ?? Promise.resolve()
  }

  /** A metrics snapshot for the recorder, when the bot has a state. */
  metrics(at: number): void {
    const state = this.phase === 'running' ? this.snapshot() : this.lastState
    if (!state) return
    const f = accountFigures(state)
    this.deps.recorder.metrics({botId: this.id, userId: this.prepared.row.userId, at, ...f})
  }
}

/**
 * Problems a restart cannot fix, however deep the runtime wrapped them: a refused API key, a
 * position the records cannot explain, no bars in the store.
 */
const UNRECOVERABLE = new Set(['exchange.auth', 'exchange.position', 'data.missing', 'strategy.timeout', 'strategy.load'])

function unrecoverableCause(e: unknown): BotsError | undefined {
  for (let x = e, depth = 0; x instanceof Error && depth < 5; x = (x as {cause?: unknown}).cause, depth++) {
    if (isBotsError(x) && UNRECOVERABLE.has(x.diagnostic.code ?? '')) return x
  }
  return undefined
}

function leaseLost(e: unknown): boolean {
  for (let x = e, depth = 0; x instanceof Error && depth < 5; x = (x as {cause?: unknown}).cause, depth++) {
    if (isBotsError(x) && x.diagnostic.code === 'lease.lost') return true
  }
  return false
}

/** A user-facing error as one line: its message and hint. */
const withHint = (e: BotsError): string => `${e.message}${e.hint ? ` (${e.hint})` : ''}`

function firstLine(e: Error): string {
  return (e.message || String(e)).split('\n')[0]
}

async function withTimeout<T>(p: Promise<T>, ms: number, clock: TimerClock): Promise<T | undefined> {
  let timer: TimerHandle | undefined
  const timeout = new Promise<undefined>((r) => (timer = clock.setTimer(ms, () => r(undefined))))
  try {
    return await Promise.race([p, timeout])
  } finally {
    clock.cancel(timer)
  }
}
