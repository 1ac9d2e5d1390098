/**
 * The vector path on the sweep's worker pool: the series each strategy's combinations read are
 * computed once for the sweep (shared-series.ts: in shared memory when they fit the budget, else
 * by each worker), then every job is one simulation from them, its metrics in one pass, and its
 * curve kept by the worker when it is among its best. sma-cross's jobs are here; the `rules`
 * strategy's are in rules-jobs.ts (loaded only for a rules sweep).
 */
import type {BotSpec} from '../../model/bot-spec.js'
import type {Bars} from '../../model/bars.js'
import type {BenchmarkPart, MetricsSettings} from '../../metrics/metrics.js'
import type {ResultMessage} from '../messages.js'
import {packedResultMessage} from '../packed-trades.js'
import {sentMetrics} from '../sent-metrics.js'
import type {VectorRunResult} from './account.js'
import {metricsPlan, returnTarget, runMetrics} from './run-metrics.js'
import {returnStatsPair, type ReturnStats} from '../../metrics/return-stats.js'
import type {RulesVectorInit} from './rules-jobs.js'
import type {IterationSchedule} from './schedule.js'
import {FillLog} from '../../model/fill-log.js'
import {TradeLog} from '../../model/trade-log.js'
import {simulateSmaCross} from './sma-cross-sim.js'
import {smaLimbs, smaSeries} from './sma-series.js'
import {SHARED_SERIES_BUDGET, seriesStore, seriesTable, type SeriesTable} from './shared-series.js'

export {SHARED_SERIES_BUDGET}

/** sma-cross: one series per distinct SMA period. */
export interface SmaVectorInit extends SeriesTable {
  strategy: 'sma-cross'
  periods: number[]
  /** The kernel's schedule (the same for every combination). */
  schedule: IterationSchedule
}

export type VectorInit = SmaVectorInit | RulesVectorInit

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

export function vectorInit(periods: number[], bars: number, schedule: IterationSchedule, budget = SHARED_SERIES_BUDGET): SmaVectorInit {
  return {strategy: 'sma-cross', periods, ...seriesTable(periods.map(() => 1), bars, budget), schedule}
}

/** How many series a sweep computes once (for the stage line). */
export function seriesCount(vector: VectorInit): number {
  return vector.widths.reduce((a, b) => a + b, 0)
}

export interface VectorContext {
  spec: BotSpec
  bars: Bars[]
  settings: MetricsSettings
  benchmark: BenchmarkPart
  vector: VectorInit
  /** Send each run's trades back (false: only their counts and figures, for a sweep not recorded). */
  keepTrades?: boolean
}

/** Where a simulation writes (reused from job to job). */
export interface RunBuffers {
  equity: Float64Array
  fills: FillLog
  trades: TradeLog
}

/** One strategy's side of a vector worker: its shared series, and one combination's run from them. */
export interface StrategyJobs {
  warm(): void
  simulate(index: number, params: Record<string, unknown>, out: RunBuffers): VectorRunResult
}

function smaCrossJobs(ctx: VectorContext, vector: SmaVectorInit): StrategyJobs {
  const {spec} = ctx
  const bars = ctx.bars[0]
  const n = bars.length
  const slot = new Map(vector.periods.map((p, k) => [p, k]))
  const scratch = new Int32Array(n)
  const limbs = smaLimbs(bars.close, n)
  const store = seriesStore(vector, (k, [out]) => smaSeries(bars.close, n, vector.periods[k], out, limbs))
  const series = (period: number): Float64Array => store.get(slot.get(period)!)[0]
  return {
    warm: store.warm,
    simulate: (_index, params, out) => simulateSmaCross({
      ...out,
      bars, symbol: spec.symbols[0], timeframeMs: spec.timeframeMs, schedule: vector.schedule,
      fast: series(fastOf(params)), slow: series(slowOf(params)),
      params: params as {quantity?: number; percent?: number}, broker: spec.broker, scratch,
    }),
  }
}

/** One job of a worker: a combination and its place in the sweep. */
export interface VectorJob {
  index: number
  params: Record<string, unknown>
}

/**
 * A worker's side: `warm()` claims and computes shared series until none is left; `run` does
 * jobs. `jobs`: the strategy's (rules-jobs.ts for a rules sweep); sma-cross's by default.
 */
export function vectorWorker(ctx: VectorContext, jobs?: StrategyJobs): {
  warm(): void
  /**
   * Jobs, two at a time where two are given: both are simulated, then returnStatsPair computes
   * both curves' returns in one loop (bound by latency, so the second nearly free). Each result
   * goes back without its curve (see `curve`).
   */
  run(jobs: readonly VectorJob[]): Array<{message: ResultMessage; transfer: ArrayBuffer[]}>
  /**
   * The curve of run `index`, made again (a run is a pure function of its params and the shared
   * series), or undefined when this worker did not run it. A sweep records the curves of its top N
   * only, known at the end: simulating those again costs a few runs, where keeping each worker's
   * N best as it went cost N fresh 8 MB curves (a million bars) per worker.
   */
  curve(index: number): Float64Array | undefined
} {
  const {vector, spec, settings} = ctx
  if (jobs === undefined && vector.strategy !== 'sma-cross') throw new Error(`bug: no jobs given for a ${vector.strategy} sweep`)
  const strategy = jobs ?? smaCrossJobs(ctx, vector as SmaVectorInit)
  const bars = ctx.bars[0]
  const n = bars.length
  const plan = metricsPlan(bars.time, settings, ctx.benchmark)
  const target = returnTarget(plan)
  // Where runs are simulated: the figures are computed from them, then the next jobs overwrite
  // them. The second set is made when a pair first comes.
  const first: RunBuffers = {equity: new Float64Array(n), fills: new FillLog(), trades: new TradeLog()}
  let second: RunBuffers | undefined
  const ran = new Map<number, Record<string, unknown>>()
  const simulate = (job: VectorJob, out: RunBuffers): VectorRunResult => {
    ran.set(job.index, job.params)
    return strategy.simulate(job.index, job.params, out)
  }
  const message = (job: VectorJob, result: VectorRunResult, returns?: ReturnStats) =>
    packedResultMessage(job.index, sentMetrics(runMetrics(plan, result, returns), settings, ctx.benchmark), result.counts, {symbol: spec.symbols[0], values: ctx.keepTrades === false ? new Float64Array(0) : result.tradeLog.packed()})

  return {
    warm: strategy.warm,
    curve(index) {
      const params = ran.get(index)
      if (params === undefined) return undefined
      const out = new Float64Array(n)
      strategy.simulate(index, params, {...first, equity: out})
      return out
    },
    run(batch) {
      const out: Array<{message: ResultMessage; transfer: ArrayBuffer[]}> = []
      let k = 0
      for (; k + 1 < batch.length; k += 2) {
        const a = simulate(batch[k], first)
        const b = simulate(batch[k + 1], (second ??= {equity: new Float64Array(n), fills: new FillLog(), trades: new TradeLog()}))
        // Both start from the spec's cash: one initial for the pair.
        const [ra, rb] = returnStatsPair(a.initialCash, a.equity.value, b.equity.value, target)
        out.push(message(batch[k], a, ra), message(batch[k + 1], b, rb))
      }
      if (k < batch.length) out.push(message(batch[k], simulate(batch[k], first)))
      return out
    },
  }
}
