/** Runs the real CLI (`bin/run.js`, built `dist/`) as a child process. */
import {spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const BIN = `${ROOT}bin/run.js`

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export function runCli(
  args: string[],
  opts: {cwd?: string; env?: Record<string, string | undefined>; input?: string; timeoutMs?: number; asProgram?: boolean} = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    // asProgram: bin/run.js executed itself, as `bots` is (its first lines are a shell launcher).
    const child = spawn(opts.asProgram ? BIN : process.execPath, opts.asProgram ? args : [BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: {...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true', ...opts.env},
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    // A safety net for a hung child (it then fails with signal SIGKILL), never a speed check.
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code, signal, stdout, stderr})
    })
    child.stdin.end(opts.input ?? '')
  })
}

/** Parse stdout as JSON, with the output in the error when it is not. */
export function parseJson<T = any>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\n--- stderr ---\n${r.stderr}`)
  }
}
