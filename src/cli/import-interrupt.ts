/**
 * Ctrl-C in `bots data import`, said as `bots backtest` says it (backtest-interrupt.ts). Every
 * file goes in one transaction, committed once the last file is written: until then nothing is
 * in the store, so Ctrl-C quits at once, exit 130, saying so. Once the last file is written the
 * commit is under way and quitting would leave the user unsure whether the bars were kept: a
 * Ctrl-C then lets it finish and the command exits 130 saying they are stored; a second Ctrl-C
 * quits at once. (Before, nothing handled the signal: the process died of it, silently.)
 */
import path from 'node:path'
import type {ImportProgress} from '../data/import-types.js'
import {interruptExit, processInterruptOutput} from './backtest-interrupt.js'

export interface ImportInterruptOutput {
  /** A line while the import goes on (straight to fd 2: listr2's renderer holds stderr's write). */
  say(text: string): void
  /** The last line, then exit 130. */
  quit(message: string): never
}

const VERB = {read: 'reading', check: 'checking', write: 'writing', done: 'writing'} as const

export class ImportInterrupt {
  private at: ImportProgress | undefined
  private written = 0
  private asked = false

  /** `files`: how many files the import writes; `kept`: what is true of the store when nothing was imported. */
  constructor(
    private readonly files: number,
    private readonly kept: string,
    private readonly out: ImportInterruptOutput = processOutput,
  ) {}

  /** The import's progress (ImportOptions.onProgress): where it is, and whether its commit began. */
  readonly onProgress = (p: ImportProgress): void => {
    this.at = p
    if (p.phase === 'done') this.written++
  }

  /** The SIGINT listener. */
  readonly onSigint = (): void => {
    if (this.written < this.files) {
      const where = this.at === undefined ? 'before the import started' : `while ${VERB[this.at.phase]} ${path.basename(this.at.file)}`
      this.out.quit(`interrupted ${where}: nothing was imported; ${this.kept}`)
    } else if (!this.asked) {
      this.asked = true
      this.out.say('interrupted: the import is being committed; finishing it first (Ctrl-C again to quit now)')
    } else {
      this.out.quit('interrupted again: quitting while the import was being committed (a transaction: it is stored whole or not at all)')
    }
  }

  /** Whether a Ctrl-C came while the import committed: the caller says it is stored and exits 130. */
  get interrupted(): boolean {
    return this.asked
  }
}

const processOutput: ImportInterruptOutput = {
  say: (text) => processInterruptOutput.write(`${processInterruptOutput.isTTY ? '\n' : ''}${text}\n`),
  quit: interruptExit,
}
