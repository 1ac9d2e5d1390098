/** What crosses between `bots backtest` and its run worker (isolated-run.ts). */
import type {BacktestResult} from '../engine/result.js'
import type {Bars} from '../model/bars.js'
import type {BotSpec} from '../model/bot-spec.js'

export {HOOK_NAMES as HOOKS} from '../model/strategy.js'

/** Shared marks: Int32 [call counter (odd inside a hook), hook index, bars seen, unused], then Float64 [bar open time]. */
export const MARK_BYTES = 24
export const INT_MARKS = 4
export const TIME_OFFSET = 16

export interface RunWorkerInput {
  botsRunWorker: true
  spec: BotSpec
  bars: Bars[]
  plugin: {file: string; native: boolean}
  params: Record<string, unknown>
  marks: SharedArrayBuffer
  /** Hooks not to call (the look-ahead check runs cut runs without onStop). */
  omit?: string[]
}

export type FromRunWorker =
  | {type: 'progress'; done: number; total: number}
  | {type: 'done'; result: BacktestResult}
  | {type: 'failed'; message: string; code?: string; hint?: string}
