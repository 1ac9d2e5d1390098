/** The run worker's entry (see isolated-run.ts): load the plugin, run the backtest, send the result. */
import {isMainThread, parentPort, workerData} from 'node:worker_threads'
import {createCalendar} from '../calendar/index.js'
import {isBotsError} from '../core/errors.js'
import {runBacktest} from '../engine/run-backtest.js'
import type {StrategyContext, StrategyDefinition, StrategyHooks} from '../model/strategy.js'
import {loadPluginFile} from '../strategy/load-plugin.js'
import {HOOKS, INT_MARKS, TIME_OFFSET, type FromRunWorker, type RunWorkerInput} from './isolated-run-protocol.js'

async function main(input: RunWorkerInput): Promise<void> {
  const send = (m: FromRunWorker) => parentPort!.postMessage(m)
  try {
    const definition = marked(await loadPluginFile(input.plugin.file, input.plugin.native), input.marks, input.omit ?? [])
    const result = await runBacktest({
      spec: input.spec,
      bars: input.bars,
      definition,
      params: input.params,
      calendar: createCalendar(input.spec.market),
      onProgress: (done, total) => send({type: 'progress', done, total}),
    })
    send({type: 'done', result})
  } catch (error) {
    if (isBotsError(error)) send({type: 'failed', message: error.message, code: error.diagnostic.code, hint: error.hint})
    else send({type: 'failed', message: error instanceof Error ? error.message : String(error)})
  }
}

/** The definition with every hook call marked in `marks` for the watchdog. */
function marked(d: StrategyDefinition, marks: SharedArrayBuffer, omit: string[]): StrategyDefinition {
  const calls = new Int32Array(marks, 0, INT_MARKS)
  const times = new Float64Array(marks, TIME_OFFSET, 1)
  return {
    ...d,
    create(params) {
      const hooks = d.create(params)
      const out: StrategyHooks = {}
      HOOKS.forEach((name, k) => {
        const fn = hooks[name] as ((ctx: StrategyContext, ...a: unknown[]) => void) | undefined
        if (typeof fn !== 'function' || omit.includes(name)) return
        ;(out as Record<string, unknown>)[name] = (ctx: StrategyContext, ...a: unknown[]) => {
          times[0] = ctx.time()
          Atomics.store(calls, 1, k)
          Atomics.store(calls, 2, ctx.barCount())
          Atomics.add(calls, 0, 1)
          try {
            fn.call(hooks, ctx, ...a)
          } finally {
            Atomics.add(calls, 0, 1)
          }
        }
      })
      return out
    },
  }
}

if (!isMainThread && (workerData as Partial<RunWorkerInput> | null)?.botsRunWorker) void main(workerData as RunWorkerInput)
