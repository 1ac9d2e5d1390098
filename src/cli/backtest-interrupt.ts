/**
 * Ctrl-C in `bots backtest` (one run, not a sweep). During the run it stops at once: the terminal
 * restored, how far the run got, exit 130. Once the run is over, its results are being recorded
 * and written (a transaction, the report, the JSON document); quitting in the middle would leave
 * the user unsure what was kept. So a Ctrl-C then lets that finish and the command exits 130
 * saying what it kept; a second Ctrl-C quits at once. (Before, the handler was gone once the run
 * ended: a Ctrl-C in those last few hundred milliseconds killed the process by the signal.)
 */
import {writeSync} from 'node:fs'
import {localeNumber} from '../core/fixed-number.js'

export interface InterruptOutput {
  /** Written straight to fd 2: listr2's renderer holds process.stderr.write while it draws. */
  write(text: string): void
  exit(code: number): never
  isTTY: boolean
}

export class BacktestInterrupt {
  private runOver = false
  private asked = false

  constructor(
    private readonly howFar: () => {done: number; total: number},
    private readonly out: InterruptOutput,
  ) {}

  /** The SIGINT listener. */
  readonly onSigint = (): void => {
    if (!this.runOver) {
      const {done, total} = this.howFar()
      this.quit(total > 0 ? `interrupted at ${localeNumber(done)} of ${localeNumber(total)} bars` : 'interrupted before the run started')
    } else if (!this.asked) {
      this.asked = true
      this.out.write(`${this.out.isTTY ? '\n' : ''}interrupted: the run is over; finishing its results first (Ctrl-C again to quit now)\n`)
    } else {
      this.quit('interrupted again: quitting before the results were all written')
    }
  }

  /** The run has ended (or failed): from now on a first Ctrl-C waits for the results. */
  ended(): void {
    this.runOver = true
  }

  /** Whether a Ctrl-C came after the run: the caller says what it kept and exits 130. */
  get interrupted(): boolean {
    return this.asked
  }

  private quit(message: string): never {
    return quitWith(this.out, message)
  }
}

/** The process's own stderr and exit. */
export const processInterruptOutput: InterruptOutput = {
  write: (text) => writeSync(2, text),
  exit: (code) => process.exit(code),
  get isTTY() {
    return process.stderr.isTTY === true
  },
}

/** Leave the terminal as it was (listr2's renderer hides the cursor), say why, exit 130. */
export function interruptExit(message: string): never {
  return quitWith(processInterruptOutput, message)
}

function quitWith(out: InterruptOutput, message: string): never {
  out.write(`${out.isTTY ? '\u001B[?25h\n' : ''}${message}\n`) // in a terminal: show the cursor, leave the progress line
  return out.exit(130)
}
