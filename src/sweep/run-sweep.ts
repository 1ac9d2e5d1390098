/**
 * `bots backtest spec.yaml --sweep …`: load the spec and its bars once, check every combination
 * with the strategy's own params validation (invalid ones, e.g. fast ≥ slow, are skipped and
 * listed), run the rest in parallel on worker threads, rank them, and record every run in one
 * transaction (equity curves only for the top N; the others keep metrics and trades).
 *
 * Where the strategy has a vector form and the spec fits its envelope (vector/envelope.ts), the
 * combinations are evaluated from indicator series computed once per distinct parameter
 * (vector/); otherwise each runs through the engine. Both give the same numbers; the outcome's
 * `path` and the stage line say which ran. `BOTS_SWEEP_PATH=engine` (or `path: 'engine'`) forces
 * the engine, to compare the two.
 */
import {prepareBacktest, type BacktestRequest} from '../backtest/run-spec.js'
import {BotsError} from '../core/errors.js'
import {closeStore} from '../data/store.js'
import {benchmarkPart, buyAndHoldEquity, type BenchmarkPart} from '../metrics/metrics.js'
import {metricsSettings} from '../metrics/settings.js'
import type {Metrics} from '../metrics/metrics.js'
import type {MonthlyReturn} from '../metrics/monthly.js'
import {openForRecording} from '../results/finish-run.js'
import {barsHash, specHash} from '../results/hash.js'
import {nextSweepId, recordRuns, type RunToRecord} from '../results/record-run.js'
import {dailyLastIndices, equityResolution, recordedEquity, type EquityResolution} from '../results/equity-resolution.js'
import type {BotSpec} from '../model/bot-spec.js'
import type {Trade} from '../model/trade.js'
import type {Bars} from '../model/bars.js'
import {alignBars} from '../engine/market-view.js'
import {combinations, parseSweeps, type SweepAxis} from './parse-sweep.js'
import {defaultWorkers, runPool, type JobResult} from './pool.js'
import {RANK_METRIC, rankRuns, score, type RankKey} from './rank.js'
import {packBars, type BarsTransport} from './shared-bars.js'
import {createCalendar, marketTimezone} from '../calendar/index.js'
import {scheduleProblem, sweepPath, type SweepPath} from './vector/envelope.js'
import {iterationSchedule} from './vector/schedule.js'
import {seriesCount, smaPeriods, vectorInit, type VectorInit} from './vector/vector-jobs.js'
import {rulesResolver} from '../rules/rules-definition.js'
import type {StrategyDefinition} from '../model/strategy.js'
import {formatEta} from './eta.js'

export interface SweepRequest extends Omit<BacktestRequest, 'onStage' | 'onProgress'> {
  sweeps: string[]
  rankBy?: RankKey
  top?: number
  workers?: number
  record?: boolean
  riskFreeRate?: number
  transport?: BarsTransport
  onStage?: (text: string) => void
  /** Abort (Ctrl-C) to stop: the combinations finished so far are ranked and recorded. */
  signal?: AbortSignal
  /** `engine`: every combination through the engine even where the vector path applies. Default: `BOTS_SWEEP_PATH`, else `auto`. */
  path?: 'auto' | 'engine'
  /** The recorded curves' resolution (the top N's), as `bots backtest --equity`: default full up to 100,000 bars, else daily. */
  equity?: EquityResolution
}

export interface SweepRun {
  /** Position in the list of combinations (0-based). */
  index: number
  params: Record<string, unknown>
  /** Its figures; its monthly tables are only in the text recorded of it (sent-metrics.ts). */
  metrics: Omit<Metrics, 'monthly'>
  /** Its closed trades when the sweep is recorded; empty otherwise (they are kept only to be recorded). */
  trades: Trade[]
  runId?: number
  /** 1 = best. */
  rank: number
}

export interface SweepOutcome {
  spec: BotSpec
  axes: SweepAxis[]
  combinations: number
  skipped: Array<{params: Record<string, unknown>; message: string}>
  /** Every run, best first. */
  runs: SweepRun[]
  rankBy: RankKey
  top: number
  workers: number
  transport: BarsTransport
  sweepId?: number
  bars: number
  /** Time spent running the backtests (not loading or recording), ms. */
  runMs: number
  /** Set when the sweep was stopped (`signal`): how many of the valid combinations finished. */
  interrupted?: {finished: number; of: number}
  /** How the combinations ran: the vector evaluator, or the engine (and why). */
  path: SweepPath
}

export async function sweepSpecFile(req: SweepRequest): Promise<SweepOutcome> {
  const axes = parseSweeps(req.sweeps)
  const rankBy = req.rankBy ?? 'sharpe'
  const top = req.top ?? 10
  const transport = req.transport ?? 'shared'
  // Shared bars are loaded into SharedArrayBuffers, which the workers then read with no copy made.
  const {spec, bars, registry, definition, source} = await prepareBacktest({...req, sharedBars: transport === 'shared', onStage: (stage) => req.onStage?.(stage)})

  // A swept name the strategy does not have is one mistake, not N invalid combinations.
  const schema = definition.params as {properties?: Record<string, unknown>; additionalProperties?: unknown}
  const known = Object.keys(schema.properties ?? {})
  const stranger = schema.additionalProperties === false ? axes.find((a) => !known.includes(a.name)) : undefined
  if (stranger) throw new BotsError(`--sweep ${stranger.name}: strategy "${definition.name}" has no parameter \`${stranger.name}\``, {code: 'flag.sweep', hint: `its parameters: ${known.join(', ')} (bots strategies show ${definition.name})`})
  const all = combinations(axes)
  const valid: Array<{index: number; params: Record<string, unknown>}> = []
  const skipped: SweepOutcome['skipped'] = []
  for (const combo of all) {
    const {params, problems} = registry.validateParams(definition.name, {...spec.strategy.params, ...combo}, spec)
    if (problems.length) skipped.push({params: combo, message: problems.map((p) => (p.param ? `${p.param}: ${p.message}` : p.message)).join('; ')})
    else valid.push({index: valid.length, params})
  }

  const index = runTimeIndex(spec, bars)
  const n = index.length
  const settings = metricsSettings(spec, n ? index[0] : NaN, n ? index[n - 1] : NaN, {riskFreeRate: req.riskFreeRate})
  // Buy-and-hold is the same for every run: its curve and figures are computed once, here.
  const benchmark = buyAndHoldEquity(bars, index, spec.broker.cash)
  const workers = Math.max(1, Math.min(req.workers ?? defaultWorkers(), valid.length || 1))
  const {path, vector} = valid.length ? await choosePath(req, spec, definition, source, bars, valid) : {path: {kind: 'engine' as const, reason: 'no valid combination'}, vector: undefined}
  req.onStage?.(path.kind === 'vector'
    ? `vector path: ${valid.length} runs from ${seriesCount(vector!)} ${vector!.strategy === 'rules' ? 'indicator' : 'SMA'} series computed once${vector!.series ? ' (shared)' : ''}`
    : `engine path (${path.reason}): ${valid.length} backtests`)
  const results = new Map<number, JobResult>()
  let best: JobResult | undefined
  let lastStep = -1
  const topScores = new TopScores(top)
  // Curves (the top N's) and trades are kept only to be recorded: a sweep that is not recorded
  // keeps neither, which spares each run a copy of its trades (and, on the engine path, the
  // curves sent back while a run can still be among the top N).
  const recorded = req.record !== false
  const resolution = equityResolution(req.equity, n)
  const curves = recorded && resolution !== 'none' ? top : 0
  // The workers read these very bars (shared memory): their fingerprint is taken before any
  // strategy code runs, so what is recorded is what was loaded.
  const hashOfBars = recorded ? barsHash(bars) : ''
  const t0 = performance.now()
  let firstAt = t0
  let benchmarkMetrics: BenchmarkPart | undefined
  const holding: JobResult[] = [] // the runs that hold their curve: at most `curves` between results
  if (valid.length) {
    benchmarkMetrics = benchmarkPart(spec.broker.cash, index, benchmark, settings)
    await runPool(
      {spec, strategies: req.strategies, cwd: process.cwd(), bars: packBars(bars, transport), benchmark: benchmarkMetrics, settings, vector, rankBy, top: curves, trades: recorded},
      valid,
      workers,
      (r) => {
        results.set(r.index, r)
        if (results.size === 1) firstAt = performance.now()
        topScores.add(score(r.metrics.strategy, rankBy))
        if (!best || score(r.metrics.strategy, rankBy) > score(best.metrics.strategy, rankBy)) best = r
        if (r.equity.length > 0) keepTopEquity(holding, r, rankBy, curves)
        // A line every 5% (plain output prints each one), and the last.
        const step = Math.floor((results.size * 20) / valid.length)
        if (step === lastStep && results.size < valid.length) return
        lastStep = step
        const swept = Object.fromEntries(axes.map((a) => [a.name, valid[best!.index].params[a.name]]))
        const now = performance.now()
        const eta = formatEta(now - t0, results.size, valid.length, now - firstAt)
        req.onStage?.(`${results.size}/${valid.length} runs on ${workers} worker${workers > 1 ? 's' : ''} · ${eta} · best ${rankBy} ${fmt(best!.metrics.strategy, rankBy)} (${paramsText(swept)})`)
      },
      {
        signal: req.signal,
        // A vector worker computes two runs' returns in one loop (returnStatsPair).
        batch: vector === undefined ? 1 : 2,
        equityFloor: () => topScores.floor,
        // Vector workers send no curves; the sweep's top N are simulated again by the workers that ran them, at the end.
        collect: vector === undefined || curves === 0 ? undefined : {
          indexes: () => bestIndexes(results, rankBy, curves),
          onEquity: (i, equity) => (results.get(i)!.equity = equity),
        },
      },
    )
  }
  const runMs = performance.now() - t0
  const interrupted = req.signal?.aborted ? {finished: results.size, of: valid.length} : undefined

  const order = rankRuns([...results.values()].map((r) => ({index: r.index, metrics: r.metrics.strategy})), rankBy)
  // `trades` read through: a vector run's trades are rebuilt only when something reads them.
  // The settings and buy-and-hold's figures are the sweep's: the workers send only the rest (sent-metrics.ts).
  const metricsOf = ({period, strategy}: JobResult['metrics']) => ({settings, period, strategy, benchmark: benchmarkMetrics!.metrics})
  const runs: SweepRun[] = order.map((i, k) => ({index: i, params: valid[i].params, metrics: metricsOf(results.get(i)!.metrics), get trades() {
    return results.get(i)!.trades
  }, rank: k + 1}))
  let sweepId: number | undefined
  if (req.record !== false && runs.length) {
    req.onStage?.(`recording ${runs.length} runs`)
    sweepId = await record({db: req.db ?? spec.data.db, spec, strategy: definition.name, barsHash: hashOfBars, index, benchmark, monthlyBenchmark: benchmarkMetrics!.monthly, runs, results, top, resolution})
  }
  return {spec, axes, combinations: all.length, skipped, runs, rankBy, top, workers, transport, sweepId, bars: n, runMs, interrupted, path}
}

/**
 * The time index every run of the sweep has (its equity curve's times): the one the engine puts
 * the bars on, `alignBars`. One symbol's own times (no copy), or for several the union of theirs.
 * Bars out of order throw the engine's BotsError.
 */
export function runTimeIndex(spec: Pick<BotSpec, 'symbols' | 'timeframeMs'>, bars: readonly Bars[]): Float64Array {
  const view = alignBars(spec.symbols, bars, spec.timeframeMs)
  return view.time.subarray(0, view.length)
}

/**
 * The vector path when the envelope admits the spec and the kernel's schedule (worked out once
 * for the sweep, vector/schedule.ts) is one it follows; else the engine, with the reason. A
 * strategy made of rules has every combination planned first: the envelope reads the plans.
 */
async function choosePath(req: SweepRequest, spec: BotSpec, definition: StrategyDefinition, source: string, bars: Bars[], valid: ReadonlyArray<{params: Record<string, unknown>}>): Promise<{path: SweepPath; vector?: VectorInit}> {
  const force = req.path ?? (process.env.BOTS_SWEEP_PATH === 'engine' ? 'engine' : 'auto')
  const resolve = force === 'engine' ? undefined : rulesResolver(definition)
  const rules = resolve === undefined ? undefined : (await import('./vector/rules-jobs.js')).planCombinations(resolve, valid.map((v) => v.params))
  if (resolve !== undefined && rules === undefined) return {path: {kind: 'engine', reason: 'a combination whose rules do not plan'}}
  const path = sweepPath({spec, strategy: {name: definition.name, source}, rulesPlans: rules?.plans, bars, force})
  if (path.kind !== 'vector') return {path}
  const calendar = createCalendar(spec.market)
  const schedule = await iterationSchedule(spec, bars[0], calendar)
  const problem = scheduleProblem(schedule)
  if (problem !== undefined) return {path: {kind: 'engine', reason: problem}}
  if (rules !== undefined) {
    const {rulesVectorInit} = await import('./vector/rules-jobs.js')
    return {path, vector: rulesVectorInit(rules.resolved, rules.plans, bars[0].length, calendar.timezone || 'UTC', schedule)}
  }
  return {path, vector: vectorInit(smaPeriods(valid.map((v) => v.params)), bars[0].length, schedule)}
}

/** The N best runs by score, then sweep order (as rankRuns orders them; -Infinity scores tie). */
function bestIndexes(results: Map<number, JobResult>, rankBy: RankKey, top: number): number[] {
  const scored = [...results.values()].map((r) => ({index: r.index, score: score(r.metrics.strategy, rankBy)}))
  scored.sort((a, b) => (a.score > b.score ? -1 : a.score < b.score ? 1 : a.index - b.index))
  return scored.slice(0, top).map((r) => r.index)
}

/** The N best scores so far, best first: the N-th is the floor a run must reach to keep its curve. */
class TopScores {
  private readonly scores: number[] = []
  constructor(private readonly top: number) {}

  add(s: number): void {
    const a = this.scores
    if (a.length === this.top && !(s > a[a.length - 1])) return
    let k = a.length
    while (k > 0 && !(a[k - 1] >= s)) k--
    a.splice(k, 0, s)
    if (a.length > this.top) a.pop()
  }

  /** -Infinity while fewer than N runs have finished. */
  get floor(): number {
    return this.scores.length < this.top ? -Infinity : this.scores[this.top - 1]
  }
}

/**
 * Only the current top N keep their equity curves in memory (a million-bar curve is 8 MB): `r`,
 * just come with its curve, joins those holding one, and the runs beyond the top N let theirs go.
 * Only those runs are looked at, not every result so far (a sweep of thousands of runs: that was
 * quadratic).
 */
function keepTopEquity(holding: JobResult[], r: JobResult, rankBy: RankKey, top: number): void {
  holding.push(r)
  if (holding.length <= top) return
  holding.sort((a, b) => score(b.metrics.strategy, rankBy) - score(a.metrics.strategy, rankBy) || a.index - b.index)
  for (const dropped of holding.splice(top)) dropped.equity = new Float64Array(0)
}

interface RecordInput {
  db: string | undefined
  spec: BotSpec
  strategy: string
  /** barsHash of the sweep's bars, taken before the runs. */
  barsHash: string
  index: Float64Array
  benchmark: Float64Array
  /** Buy-and-hold's monthly table, which the text a worker made of a run's metrics may leave out (sent-metrics.ts). */
  monthlyBenchmark: MonthlyReturn[]
  runs: SweepRun[]
  results: Map<number, JobResult>
  top: number
  resolution: EquityResolution
}

/** Every run of the sweep in one transaction, in sweep order (run ids follow the combinations). */
async function record(o: RecordInput): Promise<number> {
  const store = await openForRecording(o.db)
  try {
    const sweepId = await nextSweepId(store)
    const createdMs = Date.now() // bookkeeping only
    const inOrder = [...o.runs].sort((a, b) => a.index - b.index)
    // Each market day's last point: the same days for every run (one time index), found once.
    let days: Uint32Array | undefined
    const dailyLast = () => (days ??= dailyLastIndices(o.index, marketTimezone(o.spec.market)))
    const records: RunToRecord[] = inOrder.map((run) => {
      const {equity, metrics} = o.results.get(run.index)!
      const runSpec = {...o.spec, strategy: {...o.spec.strategy, params: run.params}}
      return {
        createdMs,
        spec: runSpec,
        specHash: specHash(runSpec),
        barsHash: o.barsHash,
        strategy: o.strategy,
        params: run.params,
        metrics: {period: metrics.period, text: metrics.text, monthlyBenchmark: metrics.sharedBenchmark ? o.monthlyBenchmark : undefined},
        trades: o.results.get(run.index)!.packedTrades ?? run.trades,
        equity: run.rank <= o.top && equity.length > 0 ? recordedEquity(o.index, equity, o.benchmark, o.resolution, dailyLast) : undefined,
        sweepId,
      }
    })
    const ids = await recordRuns(store, records)
    inOrder.forEach((run, k) => (run.runId = ids[k]))
    return sweepId
  } finally {
    await closeStore(store)
  }
}

function fmt(m: Metrics['strategy'], by: RankKey): string {
  const v = m[RANK_METRIC[by].key] as number | null
  return v !== null && Number.isFinite(v) ? v.toFixed(4) : 'n/a'
}

export function paramsText(params: Record<string, unknown>): string {
  return Object.entries(params).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')
}
