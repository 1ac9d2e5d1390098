/**
 * Ctrl-C in `bots backtest` (BacktestInterrupt): during the run it quits at once saying how far
 * the run got; after it, a first Ctrl-C lets the results finish (the command then exits 130), a
 * second quits. The process-level behaviour during a run is tested through the real CLI in
 * test/newcomer/items-7-9.test.ts.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {BacktestInterrupt, type InterruptOutput} from '../../src/cli/backtest-interrupt.js'

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`)
  }
}

function output(isTTY = false): InterruptOutput & {text: string} {
  return {
    text: '',
    isTTY,
    write(t: string) {
      this.text += t
    },
    exit(code: number): never {
      throw new Exited(code)
    },
  }
}

function exitOf(f: () => void): number | undefined {
  try {
    f()
  } catch (e) {
    if (e instanceof Exited) return e.code
    throw e
  }
  return undefined
}

describe('BacktestInterrupt', () => {
  it('during the run: how far it got, exit 130', () => {
    const out = output()
    const progress = {done: 123_456, total: 500_000}
    const interrupt = new BacktestInterrupt(() => progress, out)
    assert.equal(exitOf(interrupt.onSigint), 130)
    assert.equal(out.text, 'interrupted at 123,456 of 500,000 bars\n')
  })

  it('before the bars are known: says the run had not started', () => {
    const out = output()
    assert.equal(exitOf(new BacktestInterrupt(() => ({done: 0, total: 0}), out).onSigint), 130)
    assert.equal(out.text, 'interrupted before the run started\n')
  })

  it('in a terminal: the cursor is shown again and the progress line left', () => {
    const out = output(true)
    assert.equal(exitOf(new BacktestInterrupt(() => ({done: 1, total: 2}), out).onSigint), 130)
    assert.equal(out.text, '\u001B[?25h\ninterrupted at 1 of 2 bars\n')
  })

  it('after the run: the first Ctrl-C waits for the results and is remembered; the second quits', () => {
    const out = output()
    const interrupt = new BacktestInterrupt(() => ({done: 10, total: 10}), out)
    interrupt.ended()
    assert.equal(interrupt.interrupted, false)
    assert.equal(exitOf(interrupt.onSigint), undefined)
    assert.equal(interrupt.interrupted, true)
    assert.match(out.text, /^interrupted: the run is over; finishing its results first \(Ctrl-C again to quit now\)\n$/)
    assert.equal(exitOf(interrupt.onSigint), 130)
    assert.match(out.text, /\ninterrupted again: quitting before the results were all written\n$/)
  })
})
