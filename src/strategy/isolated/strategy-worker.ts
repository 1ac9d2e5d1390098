/**
 * The strategy worker's entry: loads one plugin, creates its hooks with the bot's params, says
 * which hooks it has, then serves hook calls synchronously until told to exit. Everything the
 * strategy does to the world goes through RemoteContext. Runs only inside a worker thread.
 */
import {isMainThread, parentPort, workerData} from 'node:worker_threads'
import {loadPluginFile} from '../load-plugin.js'
import type {StrategyDefinition, StrategyHooks} from '../../model/strategy.js'
import {HOOK_NAMES, type Ready, type ToMain, type ToWorker, type WorkerInput} from './protocol.js'
import {RemoteContext} from './remote-context.js'
import {SyncEnd, TO_WORKER} from './sync-channel.js'

async function main(input: WorkerInput): Promise<void> {
  let definition: StrategyDefinition
  let hooks: StrategyHooks
  try {
    definition = await loadPluginFile(input.file, input.native)
    hooks = definition.create(input.params as never)
  } catch (error) {
    parentPort!.postMessage({type: 'failed', message: error instanceof Error ? error.message.split('\n')[0] : String(error)} satisfies Ready)
    return
  }
  parentPort!.postMessage({type: 'ready', hooks: implemented(hooks)} satisfies Ready)
  serve(definition, hooks, input)
}

const implemented = (hooks: StrategyHooks) => HOOK_NAMES.filter((h) => typeof hooks[h] === 'function')

function serve(definition: StrategyDefinition, hooks: StrategyHooks, input: WorkerInput): void {
  const channel = new SyncEnd(input.port, input.signals, TO_WORKER)
  const ctx = new RemoteContext(channel, input.symbols, input.timezone)
  let inCall = false
  // A plugin that calls process.exit() in a hook ends only this thread; the bot hears it as a crash
  // at once instead of waiting out its budget.
  process.on('exit', (code) => {
    if (inCall) channel.send({t: 'threw', message: `the strategy called process.exit(${code}) (its worker ended)`, name: 'Error'} satisfies ToMain)
  })
  for (;;) {
    const m = channel.receive() as ToWorker
    if (m.t === 'exit') break
    if (m.t === 'create') {
      // A restart after a crash: fresh hooks from the same module (its module-level state kept, as in process).
      try {
        hooks = definition.create(input.params as never)
        channel.send({t: 'created', hooks: implemented(hooks)} satisfies ToMain)
      } catch (error) {
        channel.send({t: 'threw', message: error instanceof Error ? error.message : String(error), name: 'Error'} satisfies ToMain)
      }
      continue
    }
    if (m.t !== 'call') continue // a stray reply after a context call the main thread gave up on
    ctx.begin(m.now, m.state)
    inCall = true
    try {
      const fn = hooks[m.hook] as (...a: unknown[]) => void
      fn.call(hooks, ctx, ...m.args)
      inCall = false
      channel.send({t: 'done', state: ctx.state} satisfies ToMain)
    } catch (error) {
      inCall = false
      const e = error instanceof Error ? error : new Error(String(error))
      channel.send({t: 'threw', message: e.message, name: e.name} satisfies ToMain)
    }
  }
  input.port.close()
}

if (!isMainThread && (workerData as Partial<WorkerInput> | null)?.botsStrategyWorker) void main(workerData as WorkerInput)
