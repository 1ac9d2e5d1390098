/** The real CLI interrupted at a known point: SIGINT once its stderr (a pipe: plain progress lines) matches `when`. */
import {spawn} from 'node:child_process'
import {BIN, ROOT} from './cli.js'

export interface Interrupted {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** Whether `when` was seen and the signal sent. */
  sent: boolean
}

/** `env` is added to this process's (set CI there: '' keeps progress on, 'true' makes it plain). */
export function interruptCli(args: string[], when: RegExp, o: {cwd?: string; env?: Record<string, string>} = {}): Promise<Interrupted> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {cwd: o.cwd ?? ROOT, env: {...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...o.env}, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    let sent = false
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000) // a safety net for a hung child only
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
      if (!sent && when.test(stderr)) {
        sent = true
        child.kill('SIGINT')
      }
    })
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code, signal, stdout, stderr, sent})
    })
  })
}
