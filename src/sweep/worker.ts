/**
 * A sweep worker thread: reads the bars from shared memory (or its own copy), then runs the jobs
 * of each message and posts back, one message per job, the metrics (their text to record made
 * here: sent-metrics.ts), the trades and the equity curve (its buffer transferred, not copied).
 * On the engine path it loads the strategy once and runs a backtest per job; on the vector path
 * (init.vector) it first computes its share of the sweep's indicator series, then evaluates each
 * job from them (two at a time where a message holds two). It imports no DuckDB code: the main
 * thread owns the store.
 */
import {parentPort, workerData} from 'node:worker_threads'
import type {Diagnostic} from '../core/errors.js'
import {unpackBars} from './shared-bars.js'
import {resultMessage} from './packed-trades.js'
import {score} from './rank-key.js'
import {sentMetrics} from './sent-metrics.js'
import type {Metrics} from '../metrics/metrics.js'
import type {EquityRequest, JobMessage, ResultMessage, WorkerInit} from './messages.js'

const init = workerData as WorkerInit
const port = parentPort!
const bars = unpackBars(init.bars)

/** Whether a run's curve can still be among the top N (see JobMessage.equityFloor). */
function keepsEquity(metrics: Metrics, job: JobMessage): boolean {
  if (init.top === 0) return false
  return job.equityFloor === undefined || init.rankBy === undefined || !(score(metrics.strategy, init.rankBy) < job.equityFloor)
}

/** A worker's side of its path: the jobs of a message, and the curves of runs it made (asked for at the end). */
interface Jobs {
  run(jobs: JobMessage[]): Promise<Array<{message: ResultMessage; transfer: ArrayBuffer[]}>>
  curves(indexes: readonly number[]): Array<{index: number; equity: Float64Array}>
}

async function engineJobs(): Promise<Jobs> {
  const [{createCalendar}, {runBacktest}, {computeMetrics}, {discoverStrategies}, {resolveStrategy}] = await Promise.all([
    import('../calendar/index.js'), import('../engine/run-backtest.js'), import('../metrics/metrics.js'), import('../strategy/discover.js'), import('../strategy/resolve.js'),
  ])
  const calendar = createCalendar(init.spec.market)
  const definition = resolveStrategy(init.spec, await discoverStrategies({extra: init.strategies, cwd: init.cwd})).then((s) => s.definition)
  return {
    async run(batch) {
      const out = []
      for (const job of batch) {
        const result = await runBacktest({spec: init.spec, bars, definition: await definition, params: job.params, calendar, keepOrders: false})
        const metrics = computeMetrics({result, bars, settings: init.settings, benchmarkMetrics: init.benchmark})
        out.push(resultMessage(job.index, sentMetrics(metrics, init.settings, init.benchmark), result, keepsEquity(metrics, job), init.trades !== false))
      }
      return out
    },
    // The engine path sends the curves that can still be among the top N with its results.
    curves: () => [],
  }
}

async function vectorJobs(vector: NonNullable<WorkerInit['vector']>): Promise<Jobs> {
  const {vectorWorker} = await import('./vector/vector-jobs.js')
  const ctx = {spec: init.spec, bars, settings: init.settings, benchmark: init.benchmark, vector, keepTrades: init.trades}
  const ruleJobs = vector.strategy === 'rules' ? (await import('./vector/rules-jobs.js')).rulesJobs(ctx, vector) : undefined
  const w = vectorWorker(ctx, ruleJobs)
  w.warm()
  return {
    run: async (batch) => w.run(batch),
    // Simulated again: a vector run is a pure function of its params and the shared series.
    curves: (indexes) => indexes.flatMap((index) => {
      const equity = w.curve(index)
      return equity === undefined ? [] : [{index, equity}]
    }),
  }
}

const jobs = init.vector ? vectorJobs(init.vector) : engineJobs()
port.on('message', async (batch: JobMessage[] | EquityRequest) => {
  if (!Array.isArray(batch)) {
    // Sent only after the jobs, once this worker said it was ready.
    const items = (await jobs).curves(batch.indexes)
    port.postMessage({kind: 'equity', items} satisfies ResultMessage, items.map((x) => x.equity.buffer as ArrayBuffer))
    return
  }
  try {
    for (const {message, transfer} of await (await jobs).run(batch)) port.postMessage(message, transfer)
  } catch (error) {
    // A batch of several is a vector pair, whose failure is a bug whichever job it was.
    const e = error as Error & {diagnostic?: Diagnostic}
    port.postMessage({kind: 'error', index: batch[0].index, message: e.message, diagnostic: e.diagnostic} satisfies ResultMessage)
  }
})
// Ready once warmed up: the vector path's shared series are all claimed (computed or under way).
jobs.then(
  () => port.postMessage({kind: 'ready'}),
  (e: Error & {diagnostic?: Diagnostic}) => port.postMessage({kind: 'error', index: -1, message: e.message, diagnostic: e.diagnostic} satisfies ResultMessage),
)
