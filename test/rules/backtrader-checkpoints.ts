/**
 * Backtrader's indicator test arithmetic (tests/testcommon.py in mementum/backtrader): on
 * datas/2006-day-001.txt (our examples/data/index-2006-daily.csv, 255 bars) each indicator is
 * checked at the last bar, at its first bar with a value (index minperiod − 1) and at the bar
 * (minperiod − 255) // 2 bars before the last — Python's floor division. Values are printed with
 * '%f', so rounded to 6 decimals: |ours − theirs| ≤ 1e-6 is agreement.
 */
import assert from 'node:assert/strict'
import {computeIndicator} from '../../src/rules/indicators/compute.js'
import type {Bars} from '../../src/model/bars.js'

/** Backtrader's checkpoints [0, -l + mp, (-l + mp) // 2] as indexes from the first bar. */
export function checkpoints(length: number, minperiod: number): number[] {
  return [0, -length + minperiod, Math.floor((-length + minperiod) / 2)].map((ago) => length - 1 + ago)
}

export interface BacktraderCase {
  type: string
  params: Record<string, number>
  /** Backtrader's `chkmin`. */
  minperiod: number
  /** Per output (our order): [last, first, middle] as Backtrader prints them (`chkvals`). */
  expected: string[][]
  /** Backtrader file the numbers come from. */
  from: string
  /** Bar (1-based) of each output's first value when it is not `minperiod` (lines of one indicator may start earlier). */
  first?: number[]
}

type DataBars = Omit<Bars, 'symbol' | 'timeframeMs'>

/**
 * Runs the indicator over the bars and checks its warm-up and Backtrader's checkpoint values.
 * `checked`: how many of its outputs are compared (all by default).
 */
export function checkBacktraderCase(c: BacktraderCase, bars: DataBars, warmup?: number, checked?: number): void {
  const outputs = computeIndicator(c.type, c.params, bars).slice(0, checked)
  if (warmup !== undefined) assert.equal(warmup, c.minperiod, `${c.type}: warm-up ${warmup}, Backtrader's chkmin ${c.minperiod}`)
  assert.equal(outputs.length, c.expected.length, `${c.type}: ${outputs.length} outputs, Backtrader has ${c.expected.length} lines`)
  const at = checkpoints(bars.length, c.minperiod)
  outputs.forEach((out, k) => {
    const first = c.first?.[k] ?? c.minperiod
    if (first >= 2) assert.ok(Number.isNaN(out[first - 2]), `${c.type} output ${k}: a value before bar ${first}`)
    assert.ok(!Number.isNaN(out[first - 1]), `${c.type} output ${k}: no value at bar ${first}`)
  })
  c.expected.forEach((row, k) => {
    row.forEach((want, j) => {
      const got = outputs[k][at[j]]
      assert.ok(Math.abs(got - Number(want)) <= 1e-6, `${c.type} output ${k} at bar ${at[j] + 1}: ${got} vs ${want}`)
    })
  })
}
