/**
 * The exchange bar feed: closed bars of one or more symbols from a ccxt(.pro) exchange, delivered
 * to one live bot in time order, once each.
 *
 * ccxt candles (`[openMs, o, h, l, c, v]`) carry no "closed" flag. A bar is closed when a newer
 * candle for its symbol arrives, or when its period plus `graceMs` has passed on the clock: then
 * REST (`fetchOHLCV(symbol, tf, since)`) is asked and its values are used. A watch update for the
 * forming bar replaces the previous one; the strategy never sees a forming bar.
 *
 * Live data comes from `watchOHLCV` in a loop per symbol when the exchange has it, else from
 * polling `fetchOHLCV` every `pollMs` on the clock. A watch that throws is retried after a backoff
 * (longer after a rate limit); before live candles are taken again the missed bars are fetched
 * by REST from the symbol's last settled bar, and when a watch session's first new candle leaves
 * room for a bar nobody saw, that gap is filled by REST too. No bar is skipped, none is delivered
 * twice. An authentication error or an unknown symbol is fatal: `listener.error`.
 *
 * Time is the injected `TimerClock` (a `WallClock` in production, a `SimulatedClock` in tests):
 * every wait is a clock timer, cancelled by `close()`.
 */
import {nextTurn, type TimerClock, type TimerHandle} from '../core/clock.js'
import {BotsError} from '../core/errors.js'
import type {BarBatch, BarValues, Feed, FeedListener, FeedStatus, FeedSubscription} from '../live/feed-types.js'
import {FeedClock, LiveWallClock} from '../live/live-clock.js'
import type {LiveClock} from '../live/runtime-types.js'
import {StaleWatch} from '../live/stale-watch.js'
import {CandleAssembler} from './candle-assembler.js'
import {ohlcvErrorKind, toCandles, type Candle, type OhlcvErrorKind, type OhlcvRow, type OhlcvSource} from './ohlcv-source.js'

export type {OhlcvRow, OhlcvSource} from './ohlcv-source.js'

export interface ExchangeFeedOptions {
  source: OhlcvSource
  /** ccxt unified symbols (`BTC/USDT`), in the order of `BarBatch.bars`. */
  symbols: readonly string[]
  timeframeMs: number
  /** The same timeframe in ccxt's notation (`1m`, `1h`, `1d`). */
  ccxtTimeframe: string
  /** Wall time: a `WallClock`, or a `SimulatedClock` in tests. */
  clock: TimerClock
  /** How long after a bar's period REST is asked for it when no newer candle came (default min(timeframe/10, 10 s)). */
  graceMs?: number
  /** Declare the feed stale after this many ms without a bar (default: never). */
  staleAfterMs?: number
  /** Candles per REST page (default 500). */
  historyLimit?: number
  /** Poll interval when the exchange cannot watch (default timeframe/10, within 1 s–60 s). */
  pollMs?: number
  /** First wait after a failure (default 1 s), doubling up to `maxRetryMs`. */
  retryMs?: number
  /** Longest wait after a failure (default 60 s; 5× that after rate limits). */
  maxRetryMs?: number
  /** First wait after a rate-limit error (default 10 s), doubling. */
  rateLimitMs?: number
  log?: (level: 'info' | 'warn' | 'error', message: string) => void
  /**
   * The bot's clock is the time of the bars delivered (a replay's FeedClock) instead of the wall
   * clock: a rehearsal against `bots twin` at any speed, deciding exactly as a backtest of those
   * bars would. Without `after`, delivery starts after the exchange's latest candle at subscribe.
   * The feed's own waits (grace, polls, backoff, staleness) stay on `clock`.
   */
  barClock?: boolean
}

/** REST pages from `resolved + 1` for each symbol; see `fetchFrom`. */
interface FetchOptions {
  /** A watch candle opens here: rows before it are final, rows from it on are the watch's. */
  bound?: number
  /** Stop paging once a row opens at or after this time. */
  stopAt?: number
}

export class ExchangeFeed implements Feed {
  readonly name: string
  readonly clock: LiveClock
  lastBarTime: number | undefined
  private state: FeedStatus = 'idle'
  private listener: FeedListener | undefined
  private asm: CandleAssembler | undefined
  /** Loops of the current connection run while their generation is current (reconnect, close and a fatal error end them). */
  private gen = 0
  private sessions = 0
  /** Closed, or failed with a fatal error (until `reconnect()`). */
  private stopped = false
  /** Loops (symbol index, or -1 for the poller) in backoff after a failure. */
  private readonly down = new Set<number>()
  private readonly waits = new Map<TimerHandle, () => void>()
  /** The grace timer for the earliest open time not yet settled. */
  private grace: {time: number; timer: TimerHandle} | undefined
  private confirming = false
  private confirmFailures = 0
  private pumping = false
  private active = 0
  private settledWaiters: (() => void)[] = []
  private readonly watch: StaleWatch
  private readonly tf: number
  private readonly graceMs: number
  private readonly limit: number
  private readonly pollMs: number
  private readonly retryMs: number
  private readonly maxRetryMs: number
  private readonly rateLimitMs: number

  constructor(private readonly o: ExchangeFeedOptions) {
    if (!(o.timeframeMs > 0)) throw new BotsError(`an exchange feed needs a timeframe of more than 0 ms, got ${o.timeframeMs}`, {code: 'exchange.feed.timeframe'})
    if (o.symbols.length === 0) throw new BotsError('an exchange feed needs at least one symbol', {code: 'exchange.feed.symbols'})
    this.tf = o.timeframeMs
    this.graceMs = o.graceMs ?? Math.min(this.tf / 10, 10_000)
    this.limit = Math.max(1, Math.floor(o.historyLimit ?? 500))
    this.pollMs = o.pollMs ?? Math.min(Math.max(this.tf / 10, 1_000), 60_000)
    this.retryMs = o.retryMs ?? 1_000
    this.maxRetryMs = o.maxRetryMs ?? 60_000
    this.rateLimitMs = o.rateLimitMs ?? 10_000
    this.name = o.source.id ? `exchange:${o.source.id}` : 'exchange'
    this.clock = o.barClock ? new FeedClock() : new LiveWallClock(o.clock)
    this.watch = new StaleWatch(o.staleAfterMs, o.clock, (silentMs) => {
      if (this.state !== 'live' && this.state !== 'paused') return
      this.state = 'stale'
      this.listener?.stale({lastBarTime: this.lastBarTime, silentMs})
    })
  }

  get status(): FeedStatus {
    return this.state
  }

  /** Whether live candles come from `watchOHLCV` (else polling `fetchOHLCV`). */
  get watching(): boolean {
    return typeof this.o.source.watchOHLCV === 'function' && !!this.o.source.has.watchOHLCV
  }

  /**
   * Resolves once the feed has nothing to do until its clock moves or the exchange answers a
   * watch (REST calls, deliveries and reactions to a watch update count as work).
   */
  async settled(): Promise<void> {
    for (;;) {
      await nextTurn()
      if (this.active === 0) return
      await new Promise<void>((resolve) => this.settledWaiters.push(resolve))
    }
  }

  async subscribe(sub: FeedSubscription, listener: FeedListener): Promise<void> {
    if (this.listener) throw new Error('bug: an exchange feed takes one subscription')
    this.check(sub)
    if (!this.o.source.has.fetchOHLCV) throw new BotsError(`${this.name} cannot fetch candles (fetchOHLCV)`, {code: 'exchange.feed.ohlcv'})
    if (this.state === 'closed') return
    this.listener = listener
    // Deliver bars opening after `after`; without it, bars that close after now (on a bar
    // clock: bars newer than the exchange's latest candle now).
    const floor = sub.after ?? (this.o.barClock ? await this.latestOpen() : this.o.clock.now() - this.tf)
    if (sub.after !== undefined) this.lastBarTime = sub.after
    this.asm = new CandleAssembler(this.o.symbols.length, this.tf, floor)
    this.state = 'live'
    this.watch.touch()
    this.start()
  }

  /**
   * The latest `n` closed bars (grouped into batches like live delivery). The newest candle may
   * still be forming, so it is left out unless its period is over on the wall clock; on a bar
   * clock it is always left out (live delivery then starts with it).
   */
  async recent(sub: FeedSubscription, n: number): Promise<BarBatch[]> {
    this.check(sub)
    if (!(n > 0)) return []
    const now = this.o.clock.now()
    const perSymbol = await Promise.all(this.o.symbols.map(async (symbol) => {
      const candles = toCandles(await this.fetchWithRetry(symbol, undefined))
      const last = candles.at(-1)
      if (last && (this.o.barClock || last.time + this.tf > now)) candles.pop()
      return new Map(candles.slice(-n).map((c) => [c.time, c.values] as const))
    }))
    const times = [...new Set(perSymbol.flatMap((m) => [...m.keys()]))].sort((a, b) => a - b).slice(-n)
    return times.map((time) => ({time, close: time + this.tf, bars: perSymbol.map((m) => m.get(time) ?? null)}))
  }

  /** Open time of the newest candle any symbol has now (-Infinity when none). */
  private async latestOpen(): Promise<number> {
    let latest = -Infinity
    for (const symbol of this.o.symbols) {
      const last = toCandles(await this.fetchWithRetry(symbol, undefined)).at(-1)
      if (last && last.time > latest) latest = last.time
    }
    return latest
  }

  async history(sub: FeedSubscription, from: number, through: number): Promise<BarBatch[]> {
    this.check(sub)
    const now = this.o.clock.now()
    const perSymbol: Map<number, BarValues>[] = []
    for (const symbol of this.o.symbols) {
      const bars = new Map<number, BarValues>()
      for (let since = from; ; ) {
        const rows = await this.fetchWithRetry(symbol, since)
        const candles = toCandles(rows)
        for (const c of candles) if (c.time >= from && c.time <= through && c.time + this.tf <= now) bars.set(c.time, c.values)
        const last = candles.at(-1)
        if (!last || rows.length < this.limit || last.time >= through || last.time + this.tf > now || last.time < since) break
        since = last.time + 1
      }
      perSymbol.push(bars)
    }
    const times = [...new Set(perSymbol.flatMap((m) => [...m.keys()]))].sort((a, b) => a - b)
    return times.map((time) => ({time, close: time + this.tf, bars: perSymbol.map((m) => m.get(time) ?? null)}))
  }

  async reconnect(): Promise<void> {
    if (this.state === 'closed' || this.state === 'idle') return
    this.stopped = false
    this.down.clear()
    if (this.state === 'paused') this.state = 'live'
    this.watch.touch()
    this.start()
    this.scheduleGrace()
    this.kick()
  }

  async close(): Promise<void> {
    this.state = 'closed'
    this.halt()
  }

  // ─── connection loops ──────────────────────────────────────────────────────────────────────

  private start(): void {
    const gen = ++this.gen
    this.cancelWaits() // loops of an older connection waiting out a backoff end now
    const loops = this.watching ? this.o.symbols.map((_, k) => this.watchLoop(k, gen)) : [this.pollLoop(gen)]
    for (const loop of loops) loop.catch((e: unknown) => this.fail(e))
  }

  /** Symbol k: backfill by REST, then watch; after a failure, back off and do it again. */
  private async watchLoop(k: number, gen: number): Promise<void> {
    const symbol = this.o.symbols[k]
    let failures = 0
    while (this.alive(gen)) {
      try {
        await this.track(this.fetchFrom([k], () => this.alive(gen)))
        if (!this.alive(gen)) return
        const session = ++this.sessions
        for (;;) {
          const rows = await this.o.source.watchOHLCV!(symbol, this.o.ccxtTimeframe)
          if (!this.alive(gen)) return // a watch resolving after close or reconnect delivers nothing
          await this.track(this.onWatch(k, rows, session, gen))
          if (!this.alive(gen)) return
          failures = 0
          this.markUp(k)
        }
      } catch (e) {
        if (!this.alive(gen)) return
        if (!(await this.backOff(e, k, `watching ${symbol}`, failures++, gen))) return
      }
    }
  }

  private async onWatch(k: number, rows: readonly OhlcvRow[], session: number, gen: number): Promise<void> {
    const asm = this.asm!
    const candles = toCandles(rows)
    const gap = asm.gapBefore(k, candles, session)
    if (gap !== undefined) {
      // The candle before this one was not seen by this connection: REST has its final values.
      await this.fetchFrom([k], () => this.alive(gen), {bound: gap})
      if (!this.alive(gen)) return
      this.noteFallback(k, asm.resolveThrough(k, gap - 1))
    }
    asm.ingestWatch(k, candles, session)
    this.kick()
  }

  /** Every `pollMs`: REST pages of every symbol from its last settled bar. */
  private async pollLoop(gen: number): Promise<void> {
    const all = this.o.symbols.map((_, k) => k)
    let failures = 0
    while (this.alive(gen)) {
      try {
        await this.track(this.fetchFrom(all, () => this.alive(gen)))
        if (!this.alive(gen)) return
        failures = 0
        this.markUp(-1)
        await this.wait(this.pollMs)
      } catch (e) {
        if (!this.alive(gen)) return
        if (!(await this.backOff(e, -1, 'polling candles', failures++, gen))) return
      }
    }
  }

  /**
   * REST pages for symbols `ks`, each from `resolved + 1`, taken into the assembler as they come.
   * A row is final when a newer row follows it, when it opens before `bound`, or when its period
   * plus the grace has passed. A symbol's paging stops at a short or empty page, a forming row,
   * or a row at or after `stopAt`/`bound`.
   */
  private async fetchFrom(ks: readonly number[], ok: () => boolean, f: FetchOptions = {}): Promise<void> {
    const asm = this.asm!
    let todo = [...ks]
    while (todo.length > 0) {
      const more: number[] = []
      for (const k of todo) {
        const since = asm.resolved(k) + 1
        const rows = await this.o.source.fetchOHLCV(this.o.symbols[k], this.o.ccxtTimeframe, since, this.limit)
        if (!ok()) return
        const all = toCandles(rows)
        const now = this.o.clock.now()
        const finalByTime = (c: Candle) => c.time + this.tf + this.graceMs <= now
        const kept = f.bound === undefined ? all : all.filter((c) => c.time < f.bound!)
        const fallbacks = asm.ingestRest(k, kept, (i) => f.bound !== undefined || i < kept.length - 1 || finalByTime(kept[i]))
        for (const t of fallbacks) this.noteFallback(k, t)
        this.kick()
        const last = all.at(-1)
        const done =
          last === undefined ||
          rows.length < this.limit ||
          (f.bound === undefined ? !finalByTime(last) : last.time >= f.bound) ||
          (f.stopAt !== undefined && last.time >= f.stopAt) ||
          asm.resolved(k) < since // no progress
        if (!done) more.push(k)
      }
      todo = more
    }
  }

  /** After a failure: fatal → the bot is told (false); else wait (longer after a rate limit) and go on (true). */
  private async backOff(e: unknown, key: number, what: string, failures: number, gen: number): Promise<boolean> {
    const kind = ohlcvErrorKind(e)
    if (kind === 'fatal') {
      this.fail(e)
      return false
    }
    this.markDown(key)
    const ms = this.backoffMs(kind, failures)
    this.o.log?.('warn', `${this.name}: ${what} failed (${message(e)}); retrying in ${ms} ms`)
    await this.wait(ms)
    return this.alive(gen)
  }

  private backoffMs(kind: OhlcvErrorKind, failures: number): number {
    const base = kind === 'rate-limit' ? this.rateLimitMs : this.retryMs
    const cap = kind === 'rate-limit' ? Math.max(this.rateLimitMs, 5 * this.maxRetryMs) : this.maxRetryMs
    return Math.min(base * 2 ** Math.min(failures, 30), cap)
  }

  private async fetchWithRetry(symbol: string, since: number | undefined): Promise<OhlcvRow[]> {
    for (let failures = 0; ; failures++) {
      try {
        return await this.o.source.fetchOHLCV(symbol, this.o.ccxtTimeframe, since, this.limit)
      } catch (e) {
        const kind = ohlcvErrorKind(e)
        if (kind === 'fatal' || failures >= 3 || this.state === 'closed') throw e
        await this.wait(this.backoffMs(kind, failures))
      }
    }
  }

  // ─── delivery ──────────────────────────────────────────────────────────────────────────────

  /** Delivers every batch that is ready, one at a time, each awaited. */
  private kick(): void {
    if (this.pumping || this.stopped || !this.listener) return
    this.pumping = true
    this.track(this.pump()).catch((e: unknown) => this.fail(e))
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        if (this.stopped) return
        const batch = this.asm!.take()
        if (!batch) break
        this.watch.busy = true
        try {
          await this.listener!.bars(batch)
        } catch (e) {
          this.fail(e)
          return
        } finally {
          this.watch.busy = false
        }
        this.lastBarTime = batch.time
        if (this.stopped) return
        this.watch.touch()
        if (this.state === 'stale') this.state = this.down.size > 0 ? 'paused' : 'live'
      }
    } finally {
      this.pumping = false
    }
    this.scheduleGrace()
  }

  /** One timer, at the earliest unsettled open time's period plus the grace: then REST settles it. */
  private scheduleGrace(): void {
    if (this.stopped || this.confirming || !this.asm) return
    const t = this.asm.nextTime()
    if (t === undefined || this.asm.unresolved(t).length === 0) {
      this.o.clock.cancel(this.grace?.timer)
      this.grace = undefined
      return
    }
    if (this.grace?.time === t) return
    this.o.clock.cancel(this.grace?.timer)
    this.grace = {time: t, timer: this.o.clock.setAlert(t + this.tf + this.graceMs, () => this.track(this.confirm(t)))}
  }

  /** The grace for open time `t` has passed: REST for the symbols not settled through it, then they are. */
  private async confirm(t: number): Promise<void> {
    this.grace = undefined
    this.confirming = true
    const asm = this.asm!
    try {
      const ks = asm.unresolved(t)
      await this.fetchFrom(ks, () => !this.stopped, {stopAt: t})
      if (this.stopped) return
      for (const k of ks) this.noteFallback(k, asm.resolveThrough(k, t))
      this.confirmFailures = 0
    } catch (e) {
      if (this.stopped) return
      const kind = ohlcvErrorKind(e)
      if (kind === 'fatal') return this.fail(e)
      const ms = this.backoffMs(kind, this.confirmFailures++)
      this.o.log?.('warn', `${this.name}: confirming the bar at ${new Date(t).toISOString()} failed (${message(e)}); retrying in ${ms} ms`)
      this.grace = {time: t, timer: this.o.clock.setTimer(ms, () => this.track(this.confirm(t)))}
      return
    } finally {
      this.confirming = false
    }
    this.kick()
    this.scheduleGrace()
  }

  private noteFallback(k: number, time: number | undefined): void {
    if (time === undefined) return
    this.o.log?.('warn', `${this.name}: REST had no ${this.o.symbols[k]} bar at ${new Date(time).toISOString()}; using the last values seen`)
  }

  // ─── state ─────────────────────────────────────────────────────────────────────────────────

  private alive(gen: number): boolean {
    return !this.stopped && gen === this.gen
  }

  private markDown(key: number): void {
    this.down.add(key)
    if (this.state === 'live') this.state = 'paused'
  }

  private markUp(key: number): void {
    this.down.delete(key)
    if (this.down.size === 0 && this.state === 'paused') this.state = 'live'
  }

  private fail(e: unknown): void {
    if (this.stopped) return
    const error = e instanceof Error ? e : new Error(String(e))
    this.halt()
    if (this.state !== 'closed') this.state = 'paused'
    this.o.log?.('error', `${this.name}: ${error.message}`)
    this.listener?.error(error)
  }

  /** Ends loops, waits and timers. */
  private halt(): void {
    this.stopped = true
    this.gen++
    this.cancelWaits()
    this.o.clock.cancel(this.grace?.timer)
    this.grace = undefined
    this.watch.stop()
  }

  /** Waits `ms` on the clock; `cancelWaits()` (reconnect, close) ends it early. */
  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const handle = this.o.clock.setTimer(ms, () => {
        this.waits.delete(handle)
        resolve()
      })
      this.waits.set(handle, resolve)
    })
  }

  private cancelWaits(): void {
    for (const [handle, resolve] of this.waits) {
      this.o.clock.cancel(handle)
      resolve()
    }
    this.waits.clear()
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.active++
    return p.finally(() => {
      this.active--
      if (this.active === 0) for (const resolve of this.settledWaiters.splice(0)) resolve()
    })
  }

  private check(sub: FeedSubscription): void {
    const same = sub.symbols.length === this.o.symbols.length && sub.symbols.every((s, k) => s === this.o.symbols[k])
    if (!same) throw new BotsError(`this exchange feed serves ${this.o.symbols.join(', ')}, not ${sub.symbols.join(', ')}`, {code: 'exchange.feed.symbols'})
    if (sub.timeframeMs !== this.tf) throw new BotsError(`this exchange feed serves ${this.tf} ms bars, not ${sub.timeframeMs} ms`, {code: 'exchange.feed.timeframe'})
  }
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e))

export function createExchangeFeed(o: ExchangeFeedOptions): ExchangeFeed {
  return new ExchangeFeed(o)
}
