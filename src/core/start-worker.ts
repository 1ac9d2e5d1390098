/**
 * A worker thread on one of our own modules. From the compiled package that is plain `new
 * Worker(url)`. From the TypeScript sources (the tests run them under tsx) a worker does not
 * inherit tsx's loader, so it registers it first and then imports the module.
 */
import {Worker, type WorkerOptions} from 'node:worker_threads'

export function startWorker(url: URL, options: WorkerOptions): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, options)
  const tsx = import.meta.resolve('tsx/esm/api')
  const boot = `import(${JSON.stringify(tsx)}).then((t) => t.register()).then(() => import(${JSON.stringify(url.href)}))`
  return new Worker(boot, {...options, eval: true})
}
