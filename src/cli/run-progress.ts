/**
 * Progress of one long run with listr2, on stderr so stdout stays clean for results and --json.
 * A terminal gets the live renderer; a pipe gets plain lines; CI (`CI` set) gets nothing.
 */
import {localeNumber} from '../core/fixed-number.js'

export interface ProgressReporter {
  stage(text: string): void
  bars(done: number, total: number): void
}

export async function withRunProgress<T>(title: string, enabled: boolean, work: (p: ProgressReporter) => Promise<T>): Promise<T> {
  const ci = Boolean(process.env.CI) && process.env.CI !== 'false'
  if (!enabled || ci) return work({stage() {}, bars() {}})
  const plain = !process.stderr.isTTY
  // listr2 loads only when there is progress to show: CI and --json never need it.
  const {runStderrTask} = await import('./stderr-task.js')
  return runStderrTask(title, {plain, persistentOutput: false}, (setOutput) => {
    let lastPercent = -1
    return work({
      stage: setOutput,
      bars: (done, total) => {
        const percent = total > 0 ? Math.floor((100 * done) / total) : 100
        // Plain output gets a line per 10%, a terminal every percent.
        if (percent === lastPercent || (plain && percent % 10 !== 0)) return
        lastPercent = percent
        setOutput(`running ${percent}% · ${localeNumber(done)} / ${localeNumber(total)} bars`)
      },
    })
  })
}
