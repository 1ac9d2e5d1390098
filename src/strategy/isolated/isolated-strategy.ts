/**
 * A plugin strategy run in a worker thread of its own, so that an endless loop, a CPU hog or a
 * crash in user code cannot stop the other bots of a `bots live` process, its heartbeats, its
 * signal handling or its store writes.
 *
 * The engine calls hooks synchronously (one kernel for backtest and live), so the hooks handed to
 * it here are proxies: each posts the call to the worker and waits for it, serving the strategy's
 * context calls (prices, orders, positions) meanwhile, under a time budget per call. A hook that
 * runs past its budget has its worker terminated at once and throws a BotsError `strategy.timeout`;
 * every later call throws too. The main thread is therefore held at most one budget per runaway
 * hook, never forever.
 */
import {MessageChannel, type Worker} from 'node:worker_threads'
import {startWorker} from '../../core/start-worker.js'
import {BotsError} from '../../core/errors.js'
import type {StrategyContext, StrategyHooks} from '../../model/strategy.js'
import {HOOK_NAMES, type HookName, type Ready, type ToMain, type ToWorker, type WorkerInput} from './protocol.js'
import {replaceContents} from './remote-context.js'
import {newSignals, SyncEnd, TO_MAIN} from './sync-channel.js'

export interface IsolatedStrategyOptions {
  /** The plugin file, as the registry knows it (see pluginLoadTarget in discover.ts). */
  file: string
  native: boolean
  /** For messages. */
  name: string
  params: Record<string, unknown>
  symbols: readonly string[]
  timezone: string
  /** Longest a single hook call may take, context calls included (ms). */
  budgetMs: number
  /**
   * Longest the worker may take to load the plugin and create its hooks (ms of real time, like the
   * budget: it bounds code that may never return, not anything on the service's clock).
   */
  loadTimeoutMs: number
}

export interface IsolatedStrategy {
  hooks: StrategyHooks
  /**
   * Fresh hooks from the same worker (a restart after a crash): the module stays loaded, so its
   * module-level state lives on as it would in process. Throws if the worker was stopped.
   */
  recreate(): StrategyHooks
  /** Why the strategy was stopped (its budget ran out), if it was. */
  readonly stopped: string | undefined
  /** Ends the worker (idempotent). */
  close(): Promise<void>
}

/** Words of the error a bot is left with when a hook overran its budget (the service matches them). */
export const RAN_OUT_OF_TIME = 'did not return within'

const WORKER_URL = new URL(`./strategy-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url)

export async function startIsolatedStrategy(o: IsolatedStrategyOptions): Promise<IsolatedStrategy> {
  const signals = newSignals()
  const {port1, port2} = new MessageChannel()
  const input: WorkerInput = {botsStrategyWorker: true, file: o.file, native: o.native, params: o.params, symbols: [...o.symbols], timezone: o.timezone, signals, port: port2}
  // The plugin's own prints go to the service's stderr, as they would in process.
  const worker = startWorker(WORKER_URL, {workerData: input, transferList: [port2]})
  worker.unref()
  port1.unref()
  const hooks = await ready(worker, o)
  return new Proxied(worker, new SyncEnd(port1, signals, TO_MAIN), hooks, o)
}

function ready(worker: Worker, o: IsolatedStrategyOptions): Promise<HookName[]> {
  return new Promise((resolve, reject) => {
    const fail = (message: string) => {
      clearTimeout(timer)
      void worker.terminate()
      reject(new BotsError(`strategy "${o.name}" could not start in its worker: ${message}`, {code: 'strategy.load', hint: `check ${o.file}`}))
    }
    const timer = setTimeout(() => fail(`it did not finish loading within ${o.loadTimeoutMs / 1000} s (an endless loop at import or in create()?)`), o.loadTimeoutMs)
    timer.unref()
    worker.once('message', (m: Ready) => {
      clearTimeout(timer)
      if (m.type === 'ready') resolve(m.hooks)
      else fail(m.message)
    })
    worker.once('error', (e) => fail(e instanceof Error ? e.message.split('\n')[0] : String(e)))
    worker.once('exit', (code) => fail(`its worker ended with exit code ${code} while loading (does it call process.exit?)`))
  })
}

class Proxied implements IsolatedStrategy {
  hooks: StrategyHooks = {}
  stopped: string | undefined
  private closed = false

  constructor(private readonly worker: Worker, private readonly channel: SyncEnd, names: HookName[], private readonly o: IsolatedStrategyOptions) {
    worker.removeAllListeners('exit')
    worker.removeAllListeners('error')
    worker.on('error', () => {}) // seen at the next call, as a stopped strategy
    this.hooks = this.proxies(names)
  }

  private proxies(names: HookName[]): StrategyHooks {
    const hooks: StrategyHooks = {}
    for (const name of names) {
      if (!HOOK_NAMES.includes(name)) continue
      ;(hooks as Record<string, unknown>)[name] = (ctx: StrategyContext, ...args: unknown[]) => this.call(name, ctx, args)
    }
    return hooks
  }

  recreate(): StrategyHooks {
    if (this.stopped !== undefined) throw this.stoppedError()
    if (this.closed) throw new BotsError(`strategy "${this.o.name}" was already stopped`, {code: 'strategy.stopped'})
    this.channel.send({t: 'create'} satisfies ToWorker)
    const m = this.channel.receive(performance.now() + this.o.budgetMs) as ToMain | undefined
    if (m === undefined) {
      this.stopped = `create() ${RAN_OUT_OF_TIME} ${this.o.budgetMs / 1000} s; its worker was stopped`
      void this.worker.terminate()
      throw this.stoppedError()
    }
    if (m.t === 'threw') throw new BotsError(`strategy "${this.o.name}": create() failed: ${m.message}`, {code: 'strategy.load'})
    if (m.t !== 'created') throw new Error(`bug: "${m.t}" in answer to create`)
    return (this.hooks = this.proxies(m.hooks))
  }

  private call(hook: HookName, ctx: StrategyContext, args: unknown[]): void {
    if (this.stopped !== undefined) throw this.stoppedError()
    if (this.closed) throw new BotsError(`strategy "${this.o.name}" was already stopped`, {code: 'strategy.stopped'})
    const deadline = performance.now() + this.o.budgetMs
    this.channel.send({t: 'call', hook, now: ctx.now, state: {...ctx.state}, args: args.map(cloneable)} satisfies ToWorker)
    for (;;) {
      const m = this.channel.receive(deadline) as ToMain | undefined
      if (m === undefined) {
        this.stopped = `${hook} ${RAN_OUT_OF_TIME} ${this.o.budgetMs / 1000} s (an endless loop, or work too heavy for one call); its worker was stopped`
        void this.worker.terminate()
        throw this.stoppedError()
      }
      if (m.t === 'done') {
        replaceContents(ctx.state as Record<string, unknown>, m.state)
        return
      }
      if (m.t === 'threw') throw Object.assign(new Error(m.message), {name: m.name})
      if (m.t === 'created') continue // cannot happen: creates are answered in recreate()
      this.channel.send(serve(ctx, m.method, m.args))
    }
  }

  private stoppedError(): BotsError {
    return new BotsError(`strategy "${this.o.name}": ${this.stopped}`, {
      code: 'strategy.timeout',
      hint: `a hook may take at most ${this.o.budgetMs / 1000} s (bots live --iteration-timeout); the bot is not restarted until its spec changes or it is enabled again`,
    })
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.stopped === undefined) this.channel.send({t: 'exit'} satisfies ToWorker)
    await this.worker.terminate()
  }
}

/** One context call made by the strategy in its worker, answered from the real context. */
function serve(ctx: StrategyContext, method: string, args: unknown[]): ToWorker {
  try {
    return {t: 'ret', value: cloneable(invoke(ctx, method, args))}
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error))
    const code = (e as {diagnostic?: {code?: string}}).diagnostic?.code
    return {t: 'err', message: e.message, code}
  }
}

const METHODS = new Set([
  'barCount', 'open', 'high', 'low', 'close', 'volume', 'time', 'position', 'averagePrice', 'multiplier', 'openOrders',
  'submitOrder', 'buy', 'sell', 'closePosition', 'cancelOrder', 'setSleeptime', 'submitOco', 'submitBracket', 'replaceOrder',
])

function invoke(ctx: StrategyContext, method: string, args: unknown[]): unknown {
  if (METHODS.has(method)) return (ctx as unknown as Record<string, (...a: unknown[]) => unknown>)[method](...args)
  switch (method) {
    case 'cash':
      return ctx.cash
    case 'portfolioValue':
      return ctx.portfolioValue
    case 'history': {
      // Views of the engine's arrays share one big buffer: copy just the bars seen.
      const h = ctx.history(args[0] as string | undefined)
      return {length: h.length, time: h.time.slice(), open: h.open.slice(), high: h.high.slice(), low: h.low.slice(), close: h.close.slice(), volume: h.volume.slice()}
    }
    case 'log.info':
      return ctx.log.info(String(args[0]))
    case 'log.warn':
      return ctx.log.warn(String(args[0]))
    case 'log.error':
      return ctx.log.error(String(args[0]))
    default:
      throw new Error(`unknown context call "${method}"`)
  }
}

/** Orders and fills are plain data; an Error becomes its message (errors do not clone faithfully). */
function cloneable(x: unknown): unknown {
  if (x instanceof Error) return {name: x.name, message: x.message}
  // Linked orders (OCO, brackets) point at each other: send their plain form. An OCO pair or a bracket holds orders.
  if (Array.isArray(x)) return x.map(cloneable)
  if (x !== null && typeof x === 'object' && typeof (x as {toJSON?: unknown}).toJSON === 'function') return (x as {toJSON(): unknown}).toJSON()
  if (x !== null && typeof x === 'object' && ('entry' in x)) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, cloneable(v)]))
  if (x !== null && typeof x === 'object' && !Array.isArray(x) && !ArrayBuffer.isView(x)) return {...(x as object)}
  return x
}
