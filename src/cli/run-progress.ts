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
  // The work starts now, while listr2 loads (~30 ms; only when there is progress to show): what
  // it reports meanwhile is kept, in order, and shown once the display is up.
  let show: ((text: string) => void) | undefined
  const early: string[] = []
  const output = (text: string) => (show ? show(text) : early.push(text))
  let lastPercent = -1
  const working = work({
    stage: output,
    bars: (done, total) => {
      const percent = total > 0 ? Math.floor((100 * done) / total) : 100
      // Plain output gets a line per 10%, a terminal every percent.
      if (percent === lastPercent || (plain && percent % 10 !== 0)) return
      lastPercent = percent
      output(`running ${percent}% · ${localeNumber(done)} / ${localeNumber(total)} bars`)
    },
  })
  working.catch(() => {}) // handed to the task below, which reports a failure; it must not count as unhandled before that
  const {runStderrTask} = await import('./stderr-task.js')
  return runStderrTask(title, {plain, persistentOutput: false}, (setOutput) => {
    for (const text of early) setOutput(text)
    show = setOutput
    return working
  })
}
