import type {SimulatedBroker} from '../broker/simulated-broker.js'
import type {TimerHandle} from '../core/clock.js'
import {SessionManager} from '../engine/session-manager.js'
import type {LiveSession} from './live-session.js'
import type {BarBatch, BotState, Feed, FeedListener, FeedSubscription, LiveBotEvents, StopReason} from './runtime-types.js'
import {resume, warmFresh} from './warm-up.js'

export interface LiveRunnerParts {
  session: LiveSession
  feed: Feed
  sub: FeedSubscription
  events: LiveBotEvents
  /** A fresh broker for the bot: the restored account goes into one after a warm-up. */
  makeBroker: () => SimulatedBroker
  /** A fresh scratch broker, as the bot warms up on (a resume replays a fresh warm-up's end with one). */
  makeScratch: () => SimulatedBroker
  /** Exchange brokers: how often working orders are checked with the exchange. */
  pollMs?: number
  /** A fresh start: recent bars to warm the strategy on (see LiveBotOptions.warmupBars). */
  warmupBars?: number
  /** A resume point (see `resumePoint`), or undefined to start afresh. */
  initialState?: BotState
  /** Takes a checkpoint (a resume point) and remembers it as the latest. */
  checkpoint: () => BotState
  /** Setup is done: the feed is subscribed. */
  onStarted: () => void
}

/**
 * The Live runner: `setup()` resumes a saved bot (or, on a wall clock, runs `initialize`) and
 * subscribes the feed; `runLoop()` lasts until the feed ends or the bot is stopped, while each
 * batch of bars (and, on a wall clock, each timer) runs the session kernel — the backtest's session
 * rules — up to that time; `cleanup()` runs `onStop`, or `onAbruptClosing` on shutdown. A crash
 * skips `cleanup`, as in a backtest.
 *
 * Everything that touches the strategy runs on one promise chain, one step at a time, so a
 * stop, a timer and a batch never interleave. Time is never advanced artificially: a feed clock
 * moves with the bars, a wall clock by itself.
 */
export class LiveRunner extends SessionManager {
  protected readonly clock
  stopReason: StopReason | 'feed-ended' = 'stop'
  private initialized = false
  private accepting = true
  private chain: Promise<void> = Promise.resolve()
  private timer: TimerHandle | undefined
  private pollTimer: TimerHandle | undefined
  private finish!: () => void
  private fail!: (e: unknown) => void
  private readonly finished = new Promise<void>((resolve, reject) => {
    this.finish = resolve
    this.fail = reject
  })

  constructor(private readonly p: LiveRunnerParts) {
    super()
    this.clock = p.session.clock
    this.finished.catch(() => {}) // observed by run(); this keeps an early crash from being "unhandled"
  }

  /** Work for the strategy, after whatever is in progress. An error in it crashes the bot. */
  enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.chain.then(async () => {
      if (!this.accepting) return
      try {
        await step()
      } catch (error) {
        this.crash(error)
      }
    })
    this.chain = run
    return run
  }

  /** Ends the run loop after the step in progress; `cleanup` then runs the closing hook. */
  requestStop(reason: StopReason | 'feed-ended'): Promise<void> {
    return this.enqueue(async () => {
      this.stopReason = reason
      await this.halt()
      this.finish()
    })
  }

  get listener(): FeedListener {
    return {
      bars: (batch) => this.enqueue(() => this.onBatch(batch)),
      stale: (info) => this.p.events.onFeedStale?.(info),
      end: () => void this.enqueue(() => this.onEnd()),
      error: (error) => void this.enqueue(() => Promise.reject(error)),
    }
  }

  protected async setup(): Promise<void> {
    const {session: s, feed} = this.p
    let sub = this.p.sub
    if (this.p.initialState) {
      const {after} = await resume(s, feed, sub, this.p.initialState, this.p.makeBroker, this.p.makeScratch)
      this.initialized = true
      sub = {...sub, after}
    } else if ((this.p.warmupBars ?? 0) > 0 && feed.recent !== undefined) {
      const {after, initialized} = await warmFresh(s, feed, sub, this.p.warmupBars!, this.p.makeBroker)
      this.initialized = initialized
      sub = {...sub, after}
    } else if (this.clock.kind === 'wall') {
      await s.hook('initialize')
      this.initialized = true
    }
    const x = s.exchange
    if (x !== undefined) {
      // Before any new decision: fills made while the bot was away are adopted (and recorded),
      // orders it does not know are reported, and a position the records cannot explain stops it.
      const notes = await x.reconcile(this.p.initialState === undefined)
      for (const note of notes) this.p.events.onLog?.({time: this.clock.now(), level: 'warn', message: note})
      await s.pollExchange()
      this.schedulePoll()
    }
    // A feed clock has no time before the first bar: `initialize` waits for it (`onBatch`), so it
    // reads the first bar's open, exactly as in a backtest.
    await feed.subscribe(sub, this.listener)
    this.reschedule()
    this.p.onStarted()
  }

  protected runLoop(): Promise<void> {
    return this.finished
  }

  protected async cleanup(): Promise<void> {
    if (!this.initialized) return // the strategy never ran: nothing to close
    await this.p.session.hook(this.stopReason === 'shutdown' ? 'onAbruptClosing' : 'onStop')
  }

  private async onBatch(batch: BarBatch): Promise<void> {
    const s = this.p.session
    if (!this.initialized) {
      s.clock.advanceTo(batch.time)
      await s.hook('initialize')
      this.initialized = true
    }
    // Exchange orders: what the exchange did by this bar is read first, and applied as the kernel
    // shows the bar to the broker, where a backtest would have filled it.
    const x = s.exchange
    if (x !== undefined && x.working > 0) await x.poll()
    s.view.append(batch)
    await this.step(this.clock.kind === 'feed' ? batch.close : this.clock.now())
  }

  private async step(t: number): Promise<void> {
    await this.p.session.advance(t)
    const state = this.p.checkpoint()
    await this.p.events.onCheckpoint?.(state)
    this.reschedule()
  }

  private async onEnd(): Promise<void> {
    await this.p.session.finish()
    this.p.events.onFeedEnd?.()
    this.stopReason = 'feed-ended'
    await this.halt()
    this.finish()
  }

  /** On a wall clock, wakes the bot when the schedule next has something due. */
  private reschedule(): void {
    if (this.clock.kind !== 'wall' || !this.accepting) return
    this.clock.cancel(this.timer)
    this.timer = undefined
    const t = this.p.session.kernel.nextEventTime()
    if (!Number.isFinite(t)) return
    this.timer = this.clock.setAlert(t, () => {
      this.timer = undefined
      void this.enqueue(() => this.step(this.clock.now()))
    })
  }

  /**
   * Exchange brokers on a wall clock: checks the working orders with the exchange every `pollMs`
   * between bars. (On a bar clock time moves only with bars, and every bar polls already.)
   */
  private schedulePoll(): void {
    const ms = this.p.pollMs
    if (ms === undefined || !(ms > 0) || !this.accepting || this.clock.kind !== 'wall') return
    this.pollTimer = this.clock.setAlert(this.clock.now() + ms, () => {
      this.pollTimer = undefined
      void this.enqueue(async () => {
        const s = this.p.session
        if (s.exchange !== undefined && s.exchange.working > 0) {
          await s.pollExchange()
          await this.p.events.onCheckpoint?.(this.p.checkpoint())
        }
      }).then(() => this.schedulePoll())
    })
  }

  private async halt(): Promise<void> {
    this.accepting = false
    this.clock.cancel(this.timer)
    this.clock.cancel(this.pollTimer)
    this.timer = undefined
    await this.p.feed.close()
  }

  /** Stops taking work and ends the run with the error (`LiveBot` reports it). */
  private crash(error: unknown): void {
    this.accepting = false
    this.clock.cancel(this.timer)
    this.clock.cancel(this.pollTimer)
    this.timer = undefined
    void this.p.feed.close().catch(() => {})
    this.fail(error)
  }
}
