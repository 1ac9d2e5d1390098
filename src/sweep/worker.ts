/**
 * A sweep worker thread: loads the strategy once, reads the bars from shared memory (or its own
 * copy), then runs one backtest per job message and posts back the metrics, the trades and the
 * equity curve (its buffer transferred, not copied). It imports no DuckDB code: the main thread
 * owns the store.
 */
import {parentPort, workerData} from 'node:worker_threads'
import type {Diagnostic} from '../core/errors.js'
import {createCalendar} from '../calendar/index.js'
import {runBacktest} from '../engine/run-backtest.js'
import {computeMetrics} from '../metrics/metrics.js'
import {discoverStrategies} from '../strategy/discover.js'
import {resolveStrategy} from '../strategy/resolve.js'
import {unpackBars} from './shared-bars.js'
import type {JobMessage, ResultMessage, WorkerInit} from './messages.js'

const init = workerData as WorkerInit
const port = parentPort!
const bars = unpackBars(init.bars)
const calendar = createCalendar(init.spec.market)
const definition = resolveStrategy(init.spec, await discoverStrategies({extra: init.strategies, cwd: init.cwd})).then((s) => s.definition)

port.on('message', async (job: JobMessage) => {
  try {
    const result = await runBacktest({spec: init.spec, bars, definition: await definition, params: job.params, calendar})
    const metrics = computeMetrics({result, bars, settings: init.settings, benchmarkMetrics: init.benchmark})
    const value = result.equity.value
    const message: ResultMessage = {kind: 'result', index: job.index, metrics, trades: result.trades, equity: value, counts: result.counts}
    port.postMessage(message, [value.buffer as ArrayBuffer])
  } catch (error) {
    const e = error as Error & {diagnostic?: Diagnostic}
    port.postMessage({kind: 'error', index: job.index, message: e.message, diagnostic: e.diagnostic} satisfies ResultMessage)
  }
})
port.postMessage({kind: 'ready'})
