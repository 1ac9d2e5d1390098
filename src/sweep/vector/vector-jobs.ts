/**
 * The vector path on the sweep's worker pool. The main thread lists the distinct SMA periods of
 * the valid combinations and, when they fit the memory budget, one SharedArrayBuffer slot per
 * period: each series is then computed once for the whole sweep, by whichever worker claims it
 * first (an atomic counter), and every worker reads it in place. A worker that needs a series
 * another is still computing waits for it (Atomics.wait). Past the budget, each worker computes
 * what it needs and keeps the last few series.
 */
import type {BotSpec} from '../../model/bot-spec.js'
import type {Bars} from '../../model/bars.js'
import type {BenchmarkPart, MetricsSettings} from '../../metrics/metrics.js'
import type {EquityKeeper} from '../equity-keeper.js'
import {score, type RankKey} from '../rank-key.js'
import type {ResultMessage} from '../messages.js'
import {packedResultMessage} from '../packed-trades.js'
import {metricsPlan, runMetrics} from './run-metrics.js'
import type {IterationSchedule} from './schedule.js'
import {FillLog, TradeLog} from './logs.js'
import {simulateSmaCross} from './sma-cross-sim.js'
import {smaLimbs, smaSeries} from './sma-series.js'

export interface VectorInit {
  strategy: 'sma-cross'
  periods: number[]
  /** periods.length × bars doubles, or null (each worker computes its own). */
  series: SharedArrayBuffer | null
  /** Int32: [0] the next period to claim, [1 + k] 1 once period k's series is written. */
  state: SharedArrayBuffer
  /** The kernel's schedule (the same for every combination). */
  schedule: IterationSchedule
}

/** Shared series up to this many bytes (a million bars is 8 MB a period). */
export const SHARED_SERIES_BUDGET = 512 * 2 ** 20

export function smaPeriods(params: ReadonlyArray<Record<string, unknown>>): number[] {
  const set = new Set<number>()
  for (const p of params) {
    set.add(fastOf(p))
    set.add(slowOf(p))
  }
  return [...set].sort((a, b) => a - b)
}

// The strategy's own defaults (sma-cross.ts): validated params have them already.
const fastOf = (p: Record<string, unknown>): number => (p.fast as number | undefined) ?? 10
const slowOf = (p: Record<string, unknown>): number => (p.slow as number | undefined) ?? 30

export function vectorInit(periods: number[], bars: number, schedule: IterationSchedule, budget = SHARED_SERIES_BUDGET): VectorInit {
  const bytes = periods.length * bars * 8
  return {
    strategy: 'sma-cross',
    periods,
    series: bytes <= budget ? new SharedArrayBuffer(bytes) : null,
    state: new SharedArrayBuffer(4 * (periods.length + 1)),
    schedule,
  }
}

export interface VectorContext {
  /** Ranks the runs for the keeper, which holds the curves of this worker's best. */
  rankBy: RankKey
  keeper: EquityKeeper
  spec: BotSpec
  bars: Bars[]
  settings: MetricsSettings
  benchmark: BenchmarkPart
  vector: VectorInit
}

/** A worker's side: `warm()` claims and computes shared series until none is left; `run` does one job. */
export function vectorWorker(ctx: VectorContext): {
  warm(): void
  /** One job: its result goes back without the curve, which the keeper holds if it is among this worker's best. */
  run(index: number, params: Record<string, unknown>): {message: ResultMessage; transfer: ArrayBuffer[]}
} {
  const {vector, spec, settings} = ctx
  const bars = ctx.bars[0]
  const n = bars.length
  const slot = new Map(vector.periods.map((p, k) => [p, k]))
  const state = new Int32Array(vector.state)
  const schedule = vector.schedule
  const local = new Map<number, Float64Array>()
  const scratch = new Int32Array(n)
  const plan = metricsPlan(bars.time, settings, ctx.benchmark)
  let spare: Float64Array | undefined
  const fills = new FillLog()
  const trades = new TradeLog()

  const limbs = smaLimbs(bars.close, n)
  const shared = (k: number): Float64Array => new Float64Array(vector.series!, k * n * 8, n)
  const compute = (k: number): void => {
    smaSeries(bars.close, n, vector.periods[k], shared(k), limbs)
    Atomics.store(state, 1 + k, 1)
    Atomics.notify(state, 1 + k)
  }
  const series = (period: number): Float64Array => {
    const k = slot.get(period)!
    if (vector.series === null) {
      let s = local.get(period)
      if (s === undefined) {
        if (local.size >= 8) local.delete(local.keys().next().value!)
        s = smaSeries(bars.close, n, period, undefined, limbs)
        local.set(period, s)
      }
      return s
    }
    while (Atomics.load(state, 1 + k) === 0) Atomics.wait(state, 1 + k, 0)
    return shared(k)
  }

  return {
    warm() {
      if (vector.series === null) return
      for (let k = Atomics.add(state, 0, 1); k < vector.periods.length; k = Atomics.add(state, 0, 1)) compute(k)
    },
    run(index, params) {
      const equity = spare ?? new Float64Array(n)
      spare = undefined
      const result = simulateSmaCross({
        equity, fills, trades,
        bars, symbol: spec.symbols[0], timeframeMs: spec.timeframeMs, schedule,
        fast: series(fastOf(params)), slow: series(slowOf(params)),
        params: params as {quantity?: number; percent?: number}, broker: spec.broker, scratch,
      })
      const metrics = runMetrics(plan, result)
      spare = ctx.keeper.offer(index, score(metrics.strategy, ctx.rankBy), equity)
      return packedResultMessage(index, metrics, result.counts, {symbol: spec.symbols[0], values: trades.packed()})
    },
  }
}
