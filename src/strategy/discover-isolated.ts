/**
 * Users' plugin files loaded in a worker thread, for `bots validate`: plugins are code, and a
 * plugin that calls `process.exit`, loops forever or throws at import must never decide the
 * command's outcome. The worker imports the files one by one and sends back what validation
 * needs (name, description, params schema); a file that ends the worker, throws, or takes longer
 * than the time limit is a load failure of that file, and a fresh worker goes on with the rest.
 *
 * The worker stays alive after loading so a plugin's own `check(params, bot)` (cross-field rules,
 * and rules about the bot, which is sent along as JSON) still runs there: each call is a
 * synchronous round trip (Atomics.wait on a shared flag, then receiveMessageOnPort), under the
 * same time limit. The definitions handed back cannot `create`:
 * commands that run strategies use in-process discovery (discover.ts).
 *
 * Time limit: BOTS_PLUGIN_TIMEOUT (seconds, fractions allowed), default 10 s, per file and per check.
 */
import {MessageChannel, receiveMessageOnPort, isMainThread, parentPort, workerData, type MessagePort, type Worker} from 'node:worker_threads'
import {startWorker} from '../core/start-worker.js'
import type {ParamProblem, StrategyBot, StrategyDefinition} from '../model/strategy.js'
import type {PluginLoad} from './discover.js'
import {loadPluginFile, warmPluginLoader} from './load-plugin.js'

const DEFAULT_TIMEOUT_MS = 10_000

export function pluginTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.BOTS_PLUGIN_TIMEOUT)
  return env.BOTS_PLUGIN_TIMEOUT !== undefined && Number.isFinite(s) && s > 0 ? Math.round(s * 1000) : DEFAULT_TIMEOUT_MS
}

/** What crosses from the worker: JSON only. */
interface Loaded {
  name: string
  description: string
  params: StrategyDefinition['params']
  hasCheck: boolean
}

/** A check() call sent to the worker: the params and, when the caller has it, the bot (plain JSON). */
interface CheckRequest {
  seq: number
  file: string
  params: Record<string, unknown>
  bot?: StrategyBot
}

type FromWorker = {type: 'start'; file: string} | {type: 'loaded'; file: string; def: Loaded} | {type: 'failed'; file: string; message: string} | {type: 'done'}

interface WorkerInput {
  botsPluginWorker: true
  files: string[]
  flag: SharedArrayBuffer
  port: MessagePort
}

/** Workers kept for check() calls; stopPluginWorkers() ends them when validation is done. */
const live = new Set<Worker>()

export async function stopPluginWorkers(): Promise<void> {
  const workers = [...live]
  live.clear()
  await Promise.all(workers.map((w) => w.terminate()))
}

/** Load `files` in a worker; never throws for what a plugin does. */
export async function loadPluginsIsolated(files: string[], timeoutMs = pluginTimeoutMs()): Promise<PluginLoad[]> {
  const out: PluginLoad[] = []
  let rest = [...files]
  while (rest.length > 0) {
    const batch = await runBatch(rest, timeoutMs)
    const failed = batch.loads.filter((l) => 'e' in l)
    if (!batch.broken || failed.length === 0) return [...out, ...batch.loads]
    // The worker is gone, and with it the check() of the files it had loaded: those load again in
    // a fresh worker, without the files that failed (at least the one that broke it).
    out.push(...failed)
    const gone = new Set(failed.map((l) => l.f))
    rest = rest.filter((f) => !gone.has(f))
  }
  return out
}

/** One worker over `files` until it finishes them or one of them breaks it (that file fails). */
function runBatch(files: string[], timeoutMs: number): Promise<{loads: PluginLoad[]; broken: boolean}> {
  const flag = new SharedArrayBuffer(4)
  const {port1, port2} = new MessageChannel()
  // startWorker: under tsx (the tests) the worker needs tsx's loader for this very file.
  const worker = startWorker(new URL(import.meta.url), {
    workerData: {botsPluginWorker: true, files, flag, port: port2} satisfies WorkerInput,
    transferList: [port2],
    // A plugin's prints are not validate's output.
    stdout: true,
    stderr: true,
  })
  live.add(worker)
  worker.on('exit', () => live.delete(worker))
  worker.stdout.resume()
  worker.stderr.resume()
  port1.unref()
  const caller = new CheckCaller(worker, port1, new Int32Array(flag), timeoutMs)
  const loads: PluginLoad[] = []
  return new Promise((resolve) => {
    let current: string | undefined
    let settled = false
    let timer: NodeJS.Timeout | undefined
    const finish = (failure?: string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (failure !== undefined) {
        // Broken between files (or before the first): the next file takes the blame, so every
        // round makes progress.
        const blamed = current ?? files[loads.length]
        if (blamed !== undefined) loads.push({f: blamed, e: new Error(failure)})
        void worker.terminate()
      }
      if (failure === undefined) worker.unref() // kept for check() calls until stopPluginWorkers()
      resolve({loads, broken: failure !== undefined})
    }
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'start') {
        current = m.file
        clearTimeout(timer)
        timer = setTimeout(() => finish(`did not finish loading within ${timeoutMs / 1000} s (an endless loop at import?); the plugin was stopped`), timeoutMs)
      } else if (m.type === 'loaded') {
        loads.push({f: m.file, d: caller.definition(m.file, m.def)})
        current = undefined
      } else if (m.type === 'failed') {
        loads.push({f: m.file, e: new Error(m.message)})
        current = undefined
      } else finish()
    })
    worker.on('error', (e) => finish(`crashed while loading: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`))
    worker.on('exit', (code) => finish(`ended the loading process with exit code ${code} (does it call process.exit at import?)`))
  })
}

/** Runs a plugin's check(params, bot) in the worker, synchronously (the registry's check is synchronous). */
class CheckCaller {
  private seq = 0
  private dead?: string
  constructor(private readonly worker: Worker, private readonly port: MessagePort, private readonly flag: Int32Array, private readonly timeoutMs: number) {
    worker.on('exit', () => (this.dead ??= 'the plugin process has ended'))
  }

  definition(file: string, def: Loaded): StrategyDefinition {
    return {
      name: def.name,
      description: def.description,
      params: def.params,
      check: def.hasCheck ? (params: Record<string, unknown>, bot?: StrategyBot) => this.check(file, params, bot) : undefined,
      create: () => {
        throw new Error(`strategy "${def.name}" was loaded for validation only (isolated); it cannot run`)
      },
    } as StrategyDefinition
  }

  private check(file: string, params: Record<string, unknown>, bot: StrategyBot | undefined): ParamProblem[] {
    if (this.dead) throw new Error(this.dead)
    const seq = ++this.seq
    this.port.postMessage({seq, file, params, bot} satisfies CheckRequest)
    const deadline = Date.now() + this.timeoutMs
    while (Atomics.load(this.flag, 0) !== seq) {
      const left = deadline - Date.now()
      if (left <= 0) {
        this.dead = `did not finish within ${this.timeoutMs / 1000} s (an endless loop?); the plugin was stopped`
        void this.worker.terminate()
        throw new Error(this.dead)
      }
      Atomics.wait(this.flag, 0, seq - 1, left)
    }
    const reply = receiveMessageOnPort(this.port)?.message as {problems?: ParamProblem[]; error?: string} | undefined
    if (!reply) throw new Error('no answer from the plugin process')
    if (reply.error !== undefined) throw new Error(reply.error)
    return reply.problems ?? []
  }
}

/** The worker side: import each file, report it, then answer check() calls. */
async function runWorker(input: WorkerInput): Promise<void> {
  const defs = new Map<string, StrategyDefinition>()
  const send = (m: FromWorker) => parentPort!.postMessage(m)
  // The loader's own start-up (jiti) is ours, not the first plugin's: it stays out of that file's time limit.
  await warmPluginLoader()
  for (const file of input.files) {
    send({type: 'start', file})
    try {
      const d = await loadPluginFile(file)
      const params = JSON.parse(JSON.stringify(d.params)) as StrategyDefinition['params']
      defs.set(file, d)
      send({type: 'loaded', file, def: {name: d.name, description: d.description, params, hasCheck: typeof d.check === 'function'}})
    } catch (error) {
      send({type: 'failed', file, message: error instanceof Error ? error.message.split('\n')[0] : String(error)})
    }
  }
  send({type: 'done'})
  const flag = new Int32Array(input.flag)
  input.port.on('message', ({seq, file, params, bot}: CheckRequest) => {
    let reply: {problems?: ParamProblem[]; error?: string}
    try {
      reply = {problems: JSON.parse(JSON.stringify(defs.get(file)!.check!(params, bot) ?? []))}
    } catch (error) {
      reply = {error: error instanceof Error ? error.message : String(error)}
    }
    input.port.postMessage(reply)
    Atomics.store(flag, 0, seq)
    Atomics.notify(flag, 0)
  })
}

if (!isMainThread && (workerData as Partial<WorkerInput> | null)?.botsPluginWorker) void runWorker(workerData as WorkerInput)
