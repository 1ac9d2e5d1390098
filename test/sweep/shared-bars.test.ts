/**
 * Bars for sweep workers: loaded into a SharedArrayBuffer, they are handed over as they are (no
 * copy); any other bars are copied, and the workers read the same values either way.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, it} from 'node:test'
import {prepareBacktest} from '../../src/backtest/run-spec.js'
import {emptyBars} from '../../src/core/bars.js'
import {packBars, unpackBars} from '../../src/sweep/shared-bars.js'
import type {Bars} from '../../src/model/bars.js'
import {ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const FIELDS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const

function filled(bars: Bars): Bars {
  FIELDS.forEach((f, k) => bars[f].forEach((_, i) => (bars[f][i] = k * 1000 + i + 0.5)))
  return bars
}

const values = (b: Bars) => FIELDS.map((f) => Array.from(b[f]))

describe('shared bars', () => {
  it('emptyBars(…, shared) lays the six columns out in one SharedArrayBuffer, and packBars hands that buffer over', () => {
    const bars = filled(emptyBars('A', 60_000, 5, true))
    const [packed] = packBars([bars], 'shared')
    assert.ok(packed.buffer instanceof SharedArrayBuffer)
    assert.equal(packed.buffer, bars.close.buffer, 'no copy')
    assert.deepEqual(values(unpackBars([packed])[0]), values(bars))
  })

  it('copies bars that are not in that layout (separate arrays, a window of shared ones), with the same values', () => {
    const plain = filled(emptyBars('A', 60_000, 5))
    const shared = filled(emptyBars('B', 60_000, 6, true))
    const window: Bars = {...shared, length: 4, ...Object.fromEntries(FIELDS.map((f) => [f, shared[f].subarray(1, 5)]))}
    for (const bars of [plain, window]) {
      const [packed] = packBars([bars], 'shared')
      assert.notEqual(packed.buffer, bars.close.buffer)
      assert.deepEqual(values(unpackBars([packed])[0]), values(bars))
    }
    const [copied] = packBars([shared], 'copy')
    assert.ok(!(copied.buffer instanceof SharedArrayBuffer))
    assert.deepEqual(values(unpackBars([copied])[0]), values(shared))
  })

  it('prepareBacktest(sharedBars) loads the stored bars that way, so a sweep hands them over as they are', async () => {
    // The sweeps themselves run in worker threads, which load the built files: the CLI tests
    // (sweep-cli, sweep-vector-cli) run them on bars loaded so, against the engine path.
    const db = path.join(tempDir(), 's.duckdb')
    const file = path.join(ROOT, 'examples/orcl-sma-cross.yaml')
    for (const sharedBars of [true, false]) {
      const prepared = await prepareBacktest({file, db, sharedBars, overrides: {start: '2005-01-01', end: '2008-12-31'}})
      const [bars] = prepared.bars
      assert.ok(bars.length > 900)
      assert.equal(bars.time.buffer instanceof SharedArrayBuffer, sharedBars)
      assert.equal(packBars(prepared.bars, 'shared')[0].buffer === bars.time.buffer, sharedBars)
    }
  })
})
