/**
 * The report's chart work (chart-work.ts) in a worker thread, so that on a two-core machine it runs
 * beside the main thread's own work after a long backtest: the metrics, the run's fingerprints and
 * its recording. A recorded 1M-bar run's report was ~250 ms of the main thread, after all of that.
 *
 * The worker can be started early (`prestartChartWorker`, while the backtest runs: its start-up and
 * module loading then take the other core's idle time), and is used once. It pays only with shared
 * bars (`sharedBars`: the bars and the equity curve reach it without a copy) and a long curve
 * (`worthAWorker`). A worker that cannot start or fails leaves the work to the caller's thread:
 * the page is the same either way.
 */
import {startWorker} from '../core/start-worker.js'
import {BAR_COLUMNS} from '../core/bars.js'
import type {Bars} from '../model/bars.js'
import type {Worker} from 'node:worker_threads'
import {chartWork, type ChartWork, type ChartWorkInput} from './chart-work.js'
import {packChartWork, type ChartWorkReply} from './chart-work-message.js'

const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './chart-work-worker.ts' : './chart-work-worker.js', import.meta.url)

/** Below this many points the work takes less than a worker's start. */
export const WORKER_MIN_POINTS = 100_000

interface Started {
  worker: Worker
  /** The reply to the job, or why there is none. */
  reply: Promise<ChartWorkReply>
  post(job: unknown): void
}

let prestarted: Started | undefined

function start(): Started {
  const worker = startWorker(WORKER_URL, {})
  // Unreferenced until it has a job: an unused worker never keeps the process alive.
  worker.unref()
  let resolveReply!: (r: ChartWorkReply) => void
  const reply = new Promise<ChartWorkReply>((resolve) => (resolveReply = resolve))
  worker.on('message', (m: ChartWorkReply) => {
    if (!('ready' in m)) resolveReply(m)
  })
  worker.on('error', (e) => resolveReply({error: e.stack ?? e.message}))
  worker.on('exit', (code) => resolveReply({error: `the report's worker exited with code ${code}`}))
  return {
    worker,
    reply,
    post: (job) => {
      worker.ref()
      worker.postMessage(job)
    },
  }
}

/** Starts the worker now, for a `chartWorkInWorker` to come. Never throws. */
export function prestartChartWorker(): void {
  try {
    prestarted ??= start()
  } catch {
    // The work will be done in this thread.
  }
}

/** Starts the worker now when a run over these bars will be worth one (`worthAWorker`). */
export function prestartChartWorkerFor(bars: readonly Bars[]): void {
  const longest = Math.max(0, ...bars.map((b) => b.length))
  if (longest >= WORKER_MIN_POINTS && bars.every(barsShared)) prestartChartWorker()
}

/** The prestarted worker, if any, stopped unused. */
export async function stopChartWorker(): Promise<void> {
  const s = prestarted
  prestarted = undefined
  await s?.worker.terminate()
}

/** Whether chart work on this input is better sent to a worker: a long curve, over shared memory. */
export function worthAWorker(o: Pick<ChartWorkInput, 'time' | 'value' | 'bars'>): boolean {
  return o.time.length >= WORKER_MIN_POINTS && shared(o.time) && shared(o.value) && o.bars.every(barsShared)
}

const shared = (a: Float64Array) => a.buffer instanceof SharedArrayBuffer
const barsShared = (b: Bars) => BAR_COLUMNS.every((f) => shared(b[f]))

/**
 * The chart work done in a worker (the prestarted one, else a new one), while the caller's thread
 * goes on; in the caller's thread when the worker fails (`onFallback` is told why). The worker
 * computes `benchmark` again (the same function on the same bars): it is not sent.
 */
export function chartWorkInWorker(o: ChartWorkInput, onFallback?: (why: string) => void): Promise<ChartWork> {
  const inThread = (why: string) => {
    onFallback?.(why)
    return chartWork(o)
  }
  let s: Started
  try {
    s = prestarted ?? start()
  } catch (e) {
    return Promise.resolve().then(() => inThread(String(e)))
  }
  prestarted = undefined
  const {benchmark: _benchmark, ...rest} = o
  try {
    s.post(packChartWork(rest))
  } catch (e) {
    void s.worker.terminate()
    return Promise.resolve().then(() => inThread(String(e)))
  }
  return s.reply.then((r) => {
    void s.worker.terminate()
    return 'work' in r ? r.work : inThread('error' in r ? r.error : 'no reply')
  })
}
