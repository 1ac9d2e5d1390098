import {setImmediate as yieldNow} from 'node:timers/promises'
import {WallClock, type TimerClock, type TimerHandle} from '../core/clock.js'
import {BotsError} from '../core/errors.js'
import {isoDate} from '../calendar/civil-date.js'
import type {MarketView} from '../engine/market-view.js'
import {FeedClock} from './live-clock.js'
import {batchAt, firstIndex, loadReplayBars, storedSpans} from './replay-load.js'
import type {BarBatch, Feed, FeedListener, FeedStatus, FeedSubscription, ReplayFeedOptions} from './runtime-types.js'
import {StaleWatch} from './stale-watch.js'

/**
 * Bars from the DuckDB store played back as a live feed: dry runs, demos, tests. The bars are read
 * once (see `loadReplayBars`), then delivered one time step at a time, `speed` steps a second
 * (Infinity: as fast as the bot takes them). Wall-clock pacing lives here and only here; the
 * bot's clock is this feed's `FeedClock`, moved by the bars, so any speed gives the same run.
 *
 * `pause()` simulates a dropped connection (bars stop, staleness follows); `reconnect()` resumes
 * after the last bar delivered: nothing twice, nothing skipped.
 *
 * Pacing and staleness run on the `wall` clock it is given (a `WallClock` in production; a
 * `SimulatedClock` in tests, which then decide when time passes: `settled()` tells them when the
 * feed has nothing left to do until it does).
 */
export class ReplayFeed implements Feed {
  readonly name = 'replay'
  readonly clock = new FeedClock(-Infinity)
  lastBarTime: number | undefined
  private state: FeedStatus = 'idle'
  private view: MarketView | undefined
  private loading: Promise<MarketView> | undefined
  private pos = 0
  private listener: FeedListener | undefined
  /** The delivery in progress (at most one, whatever pumps a reconnect started). */
  private delivering: Promise<boolean> = Promise.resolve(true)
  /** Each pump runs while its generation is current: pause, reconnect and close end it. */
  private generation = 0
  private readonly watch: StaleWatch
  /** Pumps running (not waiting for the clock), and who waits for none to be. */
  private active = 0
  private settledWaiters: (() => void)[] = []
  /** The pacing wait in progress: its timer, and how to end it early (pause, reconnect, close). */
  private pacing: {timer: TimerHandle; wake: () => void} | undefined

  constructor(
    private readonly o: ReplayFeedOptions,
    private readonly wall: TimerClock = new WallClock(),
  ) {
    if (!(o.speed > 0)) throw new BotsError(`a replay speed must be more than 0 bars a second, got ${o.speed}`, {code: 'live.feed.speed'})
    this.watch = new StaleWatch(o.staleAfterMs, wall, (silentMs) => {
      if (this.state !== 'live' && this.state !== 'paused') return
      this.state = 'stale'
      this.listener?.stale({lastBarTime: this.lastBarTime, silentMs})
    })
  }

  get status(): FeedStatus {
    return this.state
  }

  /**
   * Resolves once the feed can deliver nothing more until its wall clock moves (it waits to pace
   * the next bar) or it is reconnected (paused, stale, ended, closed, not started). A delivery in
   * progress counts as work: this waits for the bot to take the bar.
   */
  settled(): Promise<void> {
    if (this.active === 0) return Promise.resolve()
    return new Promise((resolve) => this.settledWaiters.push(resolve))
  }

  async subscribe(sub: FeedSubscription, listener: FeedListener): Promise<void> {
    if (this.listener) throw new Error('bug: a replay feed takes one subscription')
    this.check(sub)
    this.listener = listener
    const view = await this.load()
    if (this.state === 'closed') return
    // A fresh replay with no bar to play is a spec that names a window outside its data (found by
    // an audit: a `start` after the data's end ended at once, the bot `stopped`, without a word).
    // A resumed one may have played them all: it simply ends.
    if (view.length === 0 && sub.after === undefined) throw await this.nothingToPlay()
    this.pos = sub.after === undefined ? 0 : firstIndex(view, sub.after, false)
    if (sub.after !== undefined) this.lastBarTime = sub.after
    this.start()
  }

  private async nothingToPlay(): Promise<BotsError> {
    const o = this.o
    const day = (t: number) => isoDate(Math.floor(t / 86_400_000)) // the UTC date: no Date in src/live (the clock seam)
    const spans = await storedSpans(o).catch(() => [])
    const known: string[] = []
    for (const x of spans) if (x !== undefined) known.push(`${x.symbol} ${day(x.first)} … ${day(x.last)}`)
    const data = known.join(', ')
    const window = o.start !== undefined && o.end !== undefined ? `from ${day(o.start)} to ${day(o.end)}` : o.start !== undefined ? `from ${day(o.start)}` : o.end !== undefined ? `before ${day(o.end)}` : 'at all'
    return new BotsError(`the replay has no bar to play ${window}${data ? ` (the data: ${data})` : ''}`, {
      code: 'live.feed.window',
      hint: 'set live.feed.start within the data, or import the bars it asks for (bots data import)',
    })
  }

  async history(sub: FeedSubscription, from: number, through: number): Promise<BarBatch[]> {
    this.check(sub)
    const view = await this.load()
    const out: BarBatch[] = []
    for (let i = firstIndex(view, from, true); i < view.length && view.time[i] <= through; i++) out.push(batchAt(view, i))
    return out
  }

  /** Stops delivering as a dropped connection would; the stale watch keeps running. */
  pause(): void {
    if (this.state !== 'live' && this.state !== 'stale') return
    this.state = 'paused'
    this.generation++
    this.endPacing()
  }

  async reconnect(): Promise<void> {
    if (this.state === 'closed' || this.state === 'ended' || this.state === 'idle') return
    // `pos` already points after the last bar delivered (or being delivered): resume there.
    this.start()
  }

  /** Final: nothing is delivered and no timer is set after it (a delivery in flight finishes without re-arming the watch). */
  async close(): Promise<void> {
    this.state = 'closed'
    this.generation++
    this.endPacing()
    this.watch.close()
  }

  private start(): void {
    this.state = 'live'
    const gen = ++this.generation
    this.endPacing() // an older pump waiting to pace a bar ends now
    this.watch.touch()
    void this.pump(gen)
  }

  private async pump(gen: number): Promise<void> {
    this.active++
    try {
      const view = this.view!
      const interval = Number.isFinite(this.o.speed) ? 1000 / this.o.speed : 0
      let due = this.wall.now()
      for (;;) {
        if (interval > 0) {
          due = Math.max(due + interval, this.wall.now())
          await this.pace(due - this.wall.now())
        } else {
          await yieldNow() // let stops, signals and timers in between bars
        }
        // A reconnect may start this pump while an older one is still handing over a bar: wait for
        // that delivery, so `pos` is past it and no bar goes out twice.
        await this.delivering
        if (gen !== this.generation) return
        if (this.pos >= view.length) break
        this.delivering = this.deliver(view, this.pos)
        if (!(await this.delivering)) return
        // Paused, reconnected or closed while the bot took the bar: the current pump (if any) owns the watch.
        if (gen !== this.generation) return
        this.watch.touch()
      }
      this.state = 'ended'
      this.watch.stop()
      this.listener!.end()
    } finally {
      this.active--
      if (this.active === 0) for (const resolve of this.settledWaiters.splice(0)) resolve()
    }
  }

  /** Waits `ms` on the wall clock (the pump is idle meanwhile), or until `endPacing()`. */
  private async pace(ms: number): Promise<void> {
    this.active--
    if (this.active === 0) for (const resolve of this.settledWaiters.splice(0)) resolve()
    try {
      await new Promise<void>((wake) => {
        const timer = this.wall.setTimer(ms, () => {
          this.pacing = undefined
          wake()
        })
        this.pacing = {timer, wake}
      })
    } finally {
      this.active++
    }
  }

  private endPacing(): void {
    const p = this.pacing
    if (!p) return
    this.pacing = undefined
    this.wall.cancel(p.timer)
    p.wake()
  }

  /** Hands bar `i` to the listener; true when it took it. Delivered counts even if a pause came meanwhile. */
  private async deliver(view: MarketView, i: number): Promise<boolean> {
    this.watch.busy = true
    try {
      await this.listener!.bars(batchAt(view, i))
    } catch (e) {
      this.listener!.error(e instanceof Error ? e : new Error(String(e)))
      return false
    } finally {
      this.watch.busy = false
    }
    this.pos = i + 1
    this.lastBarTime = view.time[i]
    if (this.state === 'stale') this.state = 'live'
    return true
  }

  private load(): Promise<MarketView> {
    this.loading ??= loadReplayBars({db: this.o.db, symbols: this.o.symbols, series: this.o.series, timeframe: this.o.timeframe, start: this.o.start, end: this.o.end, clock: this.wall}).then((v) => (this.view = v))
    return this.loading
  }

  private check(sub: FeedSubscription): void {
    const same = sub.symbols.length === this.o.symbols.length && sub.symbols.every((s, k) => s === this.o.symbols[k])
    if (!same) throw new BotsError(`this replay feed plays ${this.o.symbols.join(', ')}, not ${sub.symbols.join(', ')}`, {code: 'live.feed.symbols'})
  }
}

/** `wall`: what pacing and staleness run on (default the wall clock; tests pass a SimulatedClock). */
export function createReplayFeed(o: ReplayFeedOptions, wall?: TimerClock): ReplayFeed {
  return new ReplayFeed(o, wall)
}
