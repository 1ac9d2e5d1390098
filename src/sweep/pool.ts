/**
 * Runs sweep jobs on a pool of worker threads, one job (or `batch` jobs) per worker at a time; a
 * worker that finishes takes the next, so fast and slow combinations balance themselves. Results come
 * back in completion order through `onResult`. An aborted `signal` (Ctrl-C) stops the pool:
 * no new job starts, the jobs under way are dropped, and the results so far stand.
 */
import {availableParallelism} from 'node:os'
import {Worker} from 'node:worker_threads'
import {BotsError} from '../core/errors.js'
import type {EquityRequest, JobMessage, ResultMessage, WorkerInit} from './messages.js'
import {lazyTrades} from './packed-trades.js'

export type JobResult = Extract<ResultMessage, {kind: 'result'}>

export function defaultWorkers(): number {
  return availableParallelism()
}

// Run from the TypeScript sources (tests under tsx), the worker is the .ts file beside this one.
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url)

export interface PoolOptions {
  signal?: AbortSignal
  /**
   * Jobs sent to a worker at once (default 1); fewer near the end, so the last jobs still spread
   * over every worker. A vector worker runs two together faster than one after the other.
   */
  batch?: number
  /** Read as each job is sent (see JobMessage.equityFloor). */
  equityFloor?: () => number
  /** Once the jobs are done (or stopped): the curves of these runs, from the workers that ran them (vector workers simulate them again). */
  collect?: {indexes: () => number[]; onEquity: (index: number, equity: Float64Array) => void}
}

export async function runPool(init: WorkerInit, jobs: readonly JobMessage[], workers: number, onResult: (r: JobResult) => void, o: PoolOptions = {}): Promise<void> {
  const {signal, equityFloor} = o
  if (signal?.aborted) return
  const count = Math.max(1, Math.min(workers, jobs.length))
  let next = 0
  let failure: Error | undefined
  const threads: Worker[] = []
  const runOne = (w: Worker) =>
    new Promise<void>((resolve, reject) => {
      signal?.addEventListener('abort', () => resolve(), {once: true})
      let pending = 0
      const take = () => {
        if (failure || signal?.aborted || next >= jobs.length) return resolve()
        const size = Math.max(1, Math.min(o.batch ?? 1, Math.floor((jobs.length - next) / count)))
        const batch = jobs.slice(next, next + size)
        next += batch.length
        pending = batch.length
        const floor = equityFloor?.()
        w.postMessage(batch.map((job) => (floor === undefined ? job : {index: job.index, params: job.params, equityFloor: floor})) satisfies JobMessage[])
      }
      w.on('message', (m: ResultMessage | {kind: 'ready'}) => {
        if (m.kind === 'equity') return
        if (m.kind === 'ready') return take()
        if (m.kind === 'error') {
          failure ??= m.diagnostic ? BotsError.from(m.diagnostic) : new Error(`sweep run ${m.index + 1} failed: ${m.message}`)
          return resolve()
        }
        if (signal?.aborted) return resolve()
        try {
          lazyTrades(m)
          onResult(m)
        } catch (e) {
          failure ??= e as Error
        }
        if (--pending === 0) take()
      })
      w.on('error', (e) => reject(e))
      w.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`sweep worker exited with code ${code}`))))
    })
  try {
    const done: Array<Promise<void>> = []
    for (let i = 0; i < count; i++) {
      const w = new Worker(WORKER_URL, {workerData: init})
      threads.push(w)
      done.push(runOne(w))
    }
    await Promise.all(done)
    if (o.collect !== undefined && failure === undefined) await collect(threads, o.collect)
  } finally {
    await Promise.all(threads.map((w) => w.terminate()))
  }
  if (failure) throw failure
}

/** Asks every worker for the curves of the runs `collect.indexes()` names that it ran. */
async function collect(threads: readonly Worker[], c: NonNullable<PoolOptions['collect']>): Promise<void> {
  const indexes = c.indexes()
  if (indexes.length === 0) return
  await Promise.all(threads.map((w) => new Promise<void>((resolve, reject) => {
    const onMessage = (m: ResultMessage | {kind: 'ready'}) => {
      if (m.kind !== 'equity') return
      w.off('message', onMessage)
      for (const item of m.items) c.onEquity(item.index, item.equity)
      resolve()
    }
    w.on('message', onMessage)
    w.once('error', reject)
    w.once('exit', () => resolve())
    w.postMessage({kind: 'equity', indexes} satisfies EquityRequest)
  })))
}
