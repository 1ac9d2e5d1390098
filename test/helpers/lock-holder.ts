/**
 * Another process that holds a DuckDB store open, for tests of what the CLI does meanwhile.
 *
 * The child keeps its DuckDBInstance in a global. An instance nothing refers to is closed by its
 * finalizer at the process's next garbage collection, and the file lock goes with it: a holder
 * written as `await DuckDBInstance.create(db); console.log('ready')` holds the lock only until
 * V8 happens to collect, which depends on timing and load (the cause of a results-store test that
 * failed in a fresh clone). The child also runs a full GC every 50 ms, so a holder that lost its
 * reference fails every time, not once in a while.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {ROOT} from './cli.js'

export interface LockHolder {
  pid: number
  /** Kill the holder and wait for it to exit (the lock is free afterwards). */
  release(): Promise<void>
}

export async function holdStore(db: string, opts: {readOnly?: boolean} = {}): Promise<LockHolder> {
  const access = opts.readOnly ? `{access_mode: 'READ_ONLY'}` : '{}'
  const code = `import('@duckdb/node-api').then(async ({DuckDBInstance}) => {
    globalThis.held = await DuckDBInstance.create(${JSON.stringify(db)}, ${access})
    setInterval(() => globalThis.gc(), 50)
    console.log('ready')
  })`
  const child: ChildProcess = spawn(process.execPath, ['--expose-gc', '-e', code], {cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit']})
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve())
    child.once('exit', (code) => reject(new Error(`the lock holder exited (code ${code}) before it held ${db}`)))
  })
  return {
    pid: child.pid!,
    async release() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}
