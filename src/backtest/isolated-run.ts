/**
 * A backtest whose strategy is users' plugin code, run in a worker thread: this thread stays free,
 * so Ctrl-C always stops the run (even inside a strategy that never returns), and with
 * `--iteration-timeout` a hook that runs too long ends the run with an error naming the hook and
 * the bar. The engine in the worker is the same one (runBacktest); only the bars go in and the
 * result comes out (structured clone).
 *
 * The worker marks every hook call in a small shared array: a call counter (odd while inside a
 * hook), the hook, and the current bar's open time. A watchdog here compares it over time.
 */
import {startWorker} from '../core/start-worker.js'
import {BotsError} from '../core/errors.js'
import type {TimerClock, TimerHandle} from '../core/clock.js'
import {formatUtc} from '../engine/format-time.js'
import type {BacktestResult} from '../engine/result.js'
import type {Bars} from '../model/bars.js'
import type {BotSpec} from '../model/bot-spec.js'
import {HOOKS, INT_MARKS, MARK_BYTES, TIME_OFFSET, type FromRunWorker, type RunWorkerInput} from './isolated-run-protocol.js'

export interface IsolatedRunOptions {
  spec: BotSpec
  bars: Bars[]
  /** The plugin to load in the worker (pluginLoadTarget). */
  plugin: {file: string; native: boolean}
  name: string
  params: Record<string, unknown>
  onProgress?: (barsDone: number, barsTotal: number) => void
  /** Longest one hook call may take (ms); none: no limit (Ctrl-C still stops the run). */
  iterationTimeoutMs?: number
  /** The watchdog's timer (a WallClock from the command). */
  clock: TimerClock
  /** Hooks not to call (see RunWorkerInput.omit). */
  omitHooks?: string[]
  /** Handed a reader of the bars the strategy has seen so far (readable at any moment, e.g. in a signal handler). */
  watch?: (barsSeen: () => number) => void
}

const WORKER_URL = new URL(`./isolated-run-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url)

export function runBacktestIsolated(o: IsolatedRunOptions): Promise<BacktestResult> {
  const marks = new SharedArrayBuffer(MARK_BYTES)
  const calls = new Int32Array(marks, 0, INT_MARKS)
  const times = new Float64Array(marks, TIME_OFFSET, 1)
  const input: RunWorkerInput = {botsRunWorker: true, spec: o.spec, bars: o.bars, plugin: o.plugin, params: o.params, marks, omit: o.omitHooks}
  const worker = startWorker(WORKER_URL, {workerData: input})
  o.watch?.(() => Atomics.load(calls, 2))
  return new Promise<BacktestResult>((resolve, reject) => {
    let timer: TimerHandle | undefined
    let settled = false
    const finish = (error: unknown, result?: BacktestResult) => {
      if (settled) return
      settled = true
      o.clock.cancel(timer)
      void worker.terminate()
      if (error) reject(error)
      else resolve(result!)
    }
    worker.on('message', (m: FromRunWorker) => {
      if (m.type === 'progress') o.onProgress?.(m.done, m.total)
      else if (m.type === 'done') finish(undefined, m.result)
      else finish(m.code ? new BotsError(m.message, {code: m.code, hint: m.hint}) : new Error(m.message))
    })
    worker.on('error', (e) => finish(e))
    worker.on('exit', (code) => finish(new BotsError(`strategy "${o.name}" ended the run (its worker exited with code ${code}; does it call process.exit?)`, {code: 'strategy.crash'})))

    // Every few hundred ms: how far the run is (the engine reports progress only every 10,000
    // bars), and whether a hook has been running (odd counter, unchanged) for longer than the budget.
    const budget = o.iterationTimeoutMs
    const total = Math.max(0, ...o.bars.map((b) => b.length))
    o.onProgress?.(0, total)
    const every = budget === undefined ? 250 : Math.max(10, Math.min(250, budget / 4))
    let seen = -1
    let since = 0
    const watch = () => {
      const c = Atomics.load(calls, 0)
      const now = o.clock.now()
      o.onProgress?.(Math.min(total, Atomics.load(calls, 2)), total)
      if (c !== seen) {
        seen = c
        since = now
      } else if (budget !== undefined && c % 2 === 1 && now - since >= budget) {
        const hook = HOOKS[Atomics.load(calls, 1)] ?? 'a hook'
        const bar = times[0]
        return finish(new BotsError(
          `strategy "${o.name}": ${hook} did not return within ${budget / 1000} s ${bar === bar ? `at the bar opened ${formatUtc(bar)}` : 'before the first bar'}; the run was stopped`,
          {code: 'strategy.timeout', hint: 'an endless loop, or work too heavy for one call; raise --iteration-timeout if the work is legitimate'},
        ))
      }
      timer = o.clock.setTimer(every, watch)
    }
    timer = o.clock.setTimer(every, watch)
  })
}
