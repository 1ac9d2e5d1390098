/**
 * Walk-forward testing (`bots backtest SPEC --walk-forward train=3y,test=1y[,step=1y] --sweep …`):
 * on each training window, run every combination of the sweep and keep the best by the ranking
 * metric; run those parameters on the test window that follows; step forward and repeat. The
 * out-of-sample curves are stitched (each test window starts from where the previous one ended,
 * so the stitched curve compounds them) and measured as one run, beside the in-sample figures of
 * the chosen parameters: the gap between the two is what optimisation overfitted.
 *
 * Windows are half-open in time: training [start, start + train), test [start + train, start +
 * train + test). A test window never contains a training bar of its own window, by construction.
 * Every boundary is counted from the first bar (window k starts k steps after it), so calendar
 * months do not drift apart from window to window: with step = test, each test window ends
 * exactly where the next one starts. With step < test the test windows overlap, and the stitched
 * curve takes each window's run only until the next window's test starts (the parameters in use
 * until the next optimisation), so no bar counts twice. A test window without a bar (a weekend)
 * is skipped; the walk goes on.
 * Each run starts flat and cold (indicators warm up inside its window), as a bot deployed on that
 * date without history would: make windows long against the strategy's warm-up. So the positions
 * held where a window's part of the stitched curve ends are closed there when another window
 * follows, with the broker's slippage and commission, and counted as trades (window-exit.ts); the
 * last window's stay open, valued at the end, as a backtest's do. In process, one combination at
 * a time.
 */
import {prepareBacktest, type BacktestRequest} from '../backtest/run-spec.js'
import {createCalendar} from '../calendar/index.js'
import {daysInMonth} from '../core/dates.js'
import {BotsError} from '../core/errors.js'
import {runBacktest} from '../engine/run-backtest.js'
import {equityMetrics, type EquityMetrics} from '../metrics/equity-metrics.js'
import {computeMetrics, type StrategyMetrics} from '../metrics/metrics.js'
import {metricsSettings} from '../metrics/settings.js'
import type {Bars} from '../model/bars.js'
import type {BotSpec} from '../model/bot-spec.js'
import {combinations, parseSweeps, type SweepAxis} from './parse-sweep.js'
import {score, type RankKey} from './rank.js'
import {windowExit} from './window-exit.js'

export interface WalkForwardPlan {
  /** Calendar lengths: months (years are 12) or days. */
  train: Span
  test: Span
  step: Span
}

export interface Span {
  months: number
  days: number
  text: string
}

export interface WalkForwardRequest extends Omit<BacktestRequest, 'onStage' | 'onProgress'> {
  walkForward: string
  sweeps: string[]
  rankBy?: RankKey
  riskFreeRate?: number
  onStage?: (text: string) => void
  signal?: AbortSignal
}

export interface WalkWindow {
  /** Half-open [start, end); `first`/`last`: open times of the window's first and last bars. */
  train: {start: number; end: number; bars: number; first: number; last: number}
  test: {start: number; end: number; bars: number; first: number; last: number; stitchedEnd: number}
  /** The swept parameters chosen on the training window. */
  best: Record<string, unknown>
  inSample: StrategyMetrics
  outOfSample: StrategyMetrics
  /** Valid combinations run on the training window. */
  runs: number
  /** The positions closed where this window's part of the stitched curve ends, another window following, and their cost there (in the stitched curve's money). */
  exit?: {closed: number; cost: number}
}

export interface WalkForwardOutcome {
  spec: BotSpec
  axes: SweepAxis[]
  plan: WalkForwardPlan
  rankBy: RankKey
  windows: WalkWindow[]
  skipped: Array<{params: Record<string, unknown>; message: string}>
  /** The test windows' curves, chained. */
  stitched: {time: Float64Array; value: Float64Array}
  /** Of the stitched curve; `trades` counts the windows' exits (windowExits) too. */
  outOfSample: EquityMetrics & {trades: number}
  /** Positions closed where a test window's part of the stitched curve ends and another window follows, and what that cost (window-exit.ts). */
  windowExits: {closed: number; cost: number}
  /** The mean of the windows' in-sample figures for the chosen parameters. */
  inSampleMean: {totalReturn: number; sharpe: number}
  interrupted?: boolean
}

const SPAN = /^(\d+)\s*(y|m|w|d)$/i

export function parseWalkForward(text: string): WalkForwardPlan {
  const parts = new Map<string, string>()
  for (const piece of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = piece.indexOf('=')
    if (eq < 0) throw usage(text, `"${piece}" is not NAME=LENGTH`)
    const name = piece.slice(0, eq).trim()
    if (!['train', 'test', 'step'].includes(name)) throw usage(text, `unknown "${name}" (train, test, step)`)
    parts.set(name, piece.slice(eq + 1).trim())
  }
  const span = (name: string): Span | undefined => {
    const v = parts.get(name)
    if (v === undefined) return undefined
    const m = SPAN.exec(v)
    if (!m || Number(m[1]) <= 0) throw usage(text, `${name}=${v}: a length such as 3y, 6m, 8w or 90d`)
    const n = Number(m[1])
    const unit = m[2].toLowerCase()
    return {months: unit === 'y' ? 12 * n : unit === 'm' ? n : 0, days: unit === 'w' ? 7 * n : unit === 'd' ? n : 0, text: v}
  }
  const train = span('train')
  const test = span('test')
  if (!train || !test) throw usage(text, 'give both train= and test=')
  return {train, test, step: span('step') ?? test}
}

function usage(text: string, why: string): BotsError {
  return new BotsError(`--walk-forward ${text}: ${why}`, {code: 'flag.walk-forward', hint: 'for example --walk-forward train=3y,test=1y (step defaults to the test length)'})
}

/**
 * `t` moved on by `span` in calendar terms (UTC fields: bar times keep their time of day): months
 * first, a day past the target month's end clamped to its last day (Jan 31 + 1m = Feb 29, not
 * Mar 2), then days.
 */
export function addSpan(t: number, span: Span): number {
  const d = new Date(t)
  if (span.months) {
    const day = d.getUTCDate()
    d.setUTCDate(1)
    d.setUTCMonth(d.getUTCMonth() + span.months)
    d.setUTCDate(Math.min(day, daysInMonth(d.getUTCFullYear(), d.getUTCMonth() + 1)))
  }
  if (span.days) d.setUTCDate(d.getUTCDate() + span.days)
  return d.getTime()
}

/** `first` moved on by the sum of `n` × span over the pairs, in one step (see addSpan). */
function after(first: number, ...parts: Array<[number, Span]>): number {
  let months = 0
  let days = 0
  for (const [n, s] of parts) {
    months += n * s.months
    days += n * s.days
  }
  return addSpan(first, {months, days, text: ''})
}

/**
 * The windows over [first, last] bar times: training then test, window k starting k steps after
 * `first`. `stitchedEnd`: where its part of the stitched curve ends, the next window's test start
 * when that comes before its own end (step < test).
 */
export function walkWindows(first: number, last: number, plan: WalkForwardPlan): Array<{trainStart: number; trainEnd: number; testEnd: number; stitchedEnd: number}> {
  const {train, test, step} = plan
  const out: Array<{trainStart: number; trainEnd: number; testEnd: number; stitchedEnd: number}> = []
  for (let k = 0; ; k++) {
    const trainEnd = after(first, [k, step], [1, train])
    if (trainEnd > last) break
    const testEnd = Math.min(after(first, [k, step], [1, train], [1, test]), last + 1)
    out.push({trainStart: after(first, [k, step]), trainEnd, testEnd, stitchedEnd: Math.min(testEnd, after(first, [k + 1, step], [1, train]))})
  }
  return out
}

export async function walkForward(req: WalkForwardRequest): Promise<WalkForwardOutcome> {
  const plan = parseWalkForward(req.walkForward)
  const axes = parseSweeps(req.sweeps)
  const rankBy = req.rankBy ?? 'sharpe'
  const {spec, bars, registry, definition} = await prepareBacktest({...req, onStage: (stage) => req.onStage?.(stage)})
  const valid: Array<Record<string, unknown>> = []
  const skipped: WalkForwardOutcome['skipped'] = []
  for (const combo of combinations(axes)) {
    const {params, problems} = registry.validateParams(definition.name, {...spec.strategy.params, ...combo}, spec)
    if (problems.length) skipped.push({params: combo, message: problems.map((p) => (p.param ? `${p.param}: ${p.message}` : p.message)).join('; ')})
    else valid.push(params)
  }
  if (valid.length === 0) throw new BotsError('--sweep: no valid combination of parameters to walk forward with', {code: 'flag.sweep', hint: skipped[0]?.message})
  const times = allTimes(bars)
  if (times.length === 0) throw new BotsError('no bars to walk forward over', {code: 'data.missing'})
  const windows = walkWindows(times[0], times[times.length - 1], plan)
  if (windows.length === 0) {
    throw new BotsError(`--walk-forward ${req.walkForward}: the data (${iso(times[0])} to ${iso(times[times.length - 1])}) is shorter than one training window`, {code: 'flag.walk-forward', hint: 'shorten train=, or load more data'})
  }
  const calendar = createCalendar(spec.market)
  const run = async (slice: Bars[], params: Record<string, unknown>) => {
    const result = await runBacktest({spec, bars: slice, definition, params, calendar})
    const settings = metricsSettings(spec, result.start, result.end, {riskFreeRate: req.riskFreeRate})
    return {result, metrics: computeMetrics({result, bars: slice, settings})}
  }
  const out: WalkWindow[] = []
  const stitchedTime: number[] = []
  const stitchedValue: number[] = []
  let carry = spec.broker.cash
  let trades = 0
  // The exits closing the last tested window's positions, charged once a later window is tested
  // (the last window's positions stay open, valued at the end, as a backtest's do).
  let pending: {window: number; point: number; cost: number; closed: number} | undefined
  const exits = {closed: 0, cost: 0}
  for (const [w, win] of windows.entries()) {
    if (req.signal?.aborted) break
    const train = bars.map((b) => cut(b, win.trainStart, win.trainEnd))
    const test = bars.map((b) => cut(b, win.trainEnd, win.testEnd))
    const testBars = Math.max(...test.map((b) => b.length))
    if (testBars === 0) continue // a weekend or holiday: nothing to test, the walk goes on
    let best: {params: Record<string, unknown>; metrics: StrategyMetrics} | undefined
    for (const [k, params] of valid.entries()) {
      if (req.signal?.aborted) break
      const {metrics} = await run(train, params)
      if (!best || score(metrics.strategy, rankBy) > score(best.metrics, rankBy)) best = {params, metrics: metrics.strategy}
      req.onStage?.(`window ${w + 1}/${windows.length}: training ${k + 1}/${valid.length}`)
    }
    // Interrupted while training: its best is of some combinations only, so the window is not tested.
    if (!best || req.signal?.aborted) break
    const oos = await run(test, best.params)
    if (pending) {
      // The previous window's last point is where its positions were closed: its value less the exits'.
      stitchedValue[pending.point] -= pending.cost
      carry -= pending.cost
      trades += pending.closed
      exits.closed += pending.closed
      exits.cost += pending.cost
      out[pending.window].exit = {closed: pending.closed, cost: pending.cost}
      pending = undefined
    }
    const {time, value} = oos.result.equity
    const scale = carry / spec.broker.cash
    // Up to the next window's test start: overlapping test windows (step < test) count each bar once.
    let used = 0
    while (used < value.length && time[used] < win.stitchedEnd) {
      stitchedTime.push(time[used])
      stitchedValue.push(value[used] * scale)
      used++
    }
    if (used > 0) {
      carry = value[used - 1] * scale
      const exit = windowExit(oos.result, test, spec.broker, used - 1)
      if (exit.closed > 0) pending = {window: out.length, point: stitchedValue.length - 1, cost: exit.cost * scale, closed: exit.closed}
    }
    trades += used === value.length ? oos.result.counts.trades : oos.result.trades.filter((t) => t.exitTime < win.stitchedEnd).length
    out.push({
      train: {start: win.trainStart, end: win.trainEnd, bars: Math.max(...train.map((b) => b.length)), ...span(train)},
      test: {start: win.trainEnd, end: win.testEnd, bars: testBars, ...span(test), stitchedEnd: win.stitchedEnd},
      best: Object.fromEntries(axes.map((a) => [a.name, best!.params[a.name]])),
      inSample: best.metrics,
      outOfSample: oos.metrics.strategy,
      runs: valid.length,
    })
  }
  const time = Float64Array.from(stitchedTime)
  const value = Float64Array.from(stitchedValue)
  const settings = metricsSettings(spec, time[0] ?? NaN, time[time.length - 1] ?? NaN, {riskFreeRate: req.riskFreeRate})
  const mean = (f: (m: StrategyMetrics) => number | null) => {
    const xs = out.map((w) => f(w.inSample)).filter((x): x is number => x !== null && Number.isFinite(x))
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN
  }
  return {
    spec, axes, plan, rankBy, windows: out, skipped,
    stitched: {time, value},
    outOfSample: {...equityMetrics(spec.broker.cash, time, value, settings.periodsPerYear, settings.riskFreeRate), trades},
    windowExits: exits,
    inSampleMean: {totalReturn: mean((m) => m.totalReturn), sharpe: mean((m) => m.sharpe)},
    interrupted: req.signal?.aborted || undefined,
  }
}

/** Open times of the first and last bars in a slice (any symbol). */
function span(slice: Bars[]): {first: number; last: number} {
  const nonEmpty = slice.filter((b) => b.length > 0)
  return {first: Math.min(...nonEmpty.map((b) => b.time[0])), last: Math.max(...nonEmpty.map((b) => b.time[b.length - 1]))}
}

function allTimes(bars: Bars[]): Float64Array {
  if (bars.length === 1) return bars[0].time.subarray(0, bars[0].length)
  const s = new Set<number>()
  for (const b of bars) for (let i = 0; i < b.length; i++) s.add(b.time[i])
  return Float64Array.from([...s].sort((a, b) => a - b))
}

/** The bars of one series that opened in [from, to). */
function cut(b: Bars, from: number, to: number): Bars {
  let i = 0
  while (i < b.length && b.time[i] < from) i++
  let j = i
  while (j < b.length && b.time[j] < to) j++
  return {symbol: b.symbol, timeframeMs: b.timeframeMs, length: j - i, time: b.time.subarray(i, j), open: b.open.subarray(i, j), high: b.high.subarray(i, j), low: b.low.subarray(i, j), close: b.close.subarray(i, j), volume: b.volume.subarray(i, j)}
}

const iso = (t: number) => new Date(t).toISOString().slice(0, 10)
