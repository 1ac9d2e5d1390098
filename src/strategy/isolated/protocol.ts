/** What crosses between a live bot and its strategy worker (structured-clone data only). */
import type {StrategyHooks} from '../../model/strategy.js'
import type {MessagePort} from 'node:worker_threads'

export type HookName = keyof StrategyHooks

export {HOOK_NAMES} from '../../model/strategy.js'

export interface WorkerInput {
  botsStrategyWorker: true
  /** The plugin file and whether plain import() loads it (compiled shipped strategies). */
  file: string
  native: boolean
  params: Record<string, unknown>
  symbols: string[]
  timezone: string
  signals: SharedArrayBuffer
  port: MessagePort
}

/** Sent on parentPort (asynchronously) once: the hooks the strategy implements, or why it could not load. */
export type Ready = {type: 'ready'; hooks: HookName[]} | {type: 'failed'; message: string}

/** Main → worker on the sync channel. */
export type ToWorker =
  | {t: 'call'; hook: HookName; now: number; state: Record<string, unknown>; args: unknown[]}
  | {t: 'ret'; value: unknown}
  | {t: 'err'; message: string; code?: string}
  | {t: 'create'}
  | {t: 'exit'}

/** Worker → main on the sync channel: a context call made by the strategy, or the hook's end. */
export type ToMain =
  | {t: 'ctx'; method: string; args: unknown[]}
  | {t: 'done'; state: Record<string, unknown>}
  | {t: 'created'; hooks: HookName[]}
  | {t: 'threw'; message: string; name: string}
