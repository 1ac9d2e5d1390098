/**
 * Progress for long imports with listr2, on stderr so stdout stays clean for results and --json.
 * A TTY gets the live renderer; a pipe or CI (`CI` set) gets plain lines, throttled to one per
 * phase and one a second while reading.
 */
import type {ImportProgress} from '../data/import-types.js'
import {localeNumber} from '../core/fixed-number.js'
import {lazyModule} from '../core/lazy-module.js'

// listr2 loads only when there is progress to show: small files and --json never need it.
const stderrTask = lazyModule(() => import('./stderr-task.js'))

/** Start loading the progress display early, while the store opens (~30 ms of module loading otherwise after it). */
export function preloadImportProgress(show: boolean): void {
  if (show) stderrTask.start()
}

/** Files smaller than this finish in well under a second: no progress display. */
export const PROGRESS_MIN_BYTES = 8 * 1024 * 1024

export async function withImportProgress<T>(
  title: string,
  show: boolean,
  work: (onProgress?: (p: ImportProgress) => void) => Promise<T>,
): Promise<T> {
  if (!show) return work()
  const {runStderrTask} = await stderrTask()
  const plain = !process.stderr.isTTY || Boolean(process.env.CI)
  return runStderrTask(title, {plain, persistentOutput: true}, (setOutput) => {
    let lastPhase = ''
    let lastAt = 0
    return work((p) => {
      const now = p.elapsedMs
      if (plain && p.phase === lastPhase && now - lastAt < 1000) return
      if (p.phase === 'read' && p.rows === 0 && plain && lastPhase === 'read') return
      lastPhase = p.phase
      lastAt = now
      setOutput(describe(p))
    })
  })
}

function describe(p: ImportProgress): string {
  const rate = p.elapsedMs > 0 ? ` · ${fmtRate((p.rows * 1000) / p.elapsedMs)} rows/s` : ''
  const rows = localeNumber(p.rows)
  switch (p.phase) {
    case 'read':
      if (!p.fraction) return `reading${p.total ? ` ~${localeNumber(p.total)} rows` : ''}`
      return `reading ${Math.round(p.fraction * 100)}% · ~${rows} rows${rate}`
    case 'check':
      return `checking ${rows} rows`
    case 'write':
      return `writing ${rows} rows`
    case 'done':
      return `${rows} rows in ${(p.elapsedMs / 1000).toFixed(2)} s${rate}`
  }
}

function fmtRate(r: number): string {
  return r >= 1e6 ? `${(r / 1e6).toFixed(1)}M` : r >= 1e3 ? `${Math.round(r / 1e3)}k` : `${Math.round(r)}`
}
