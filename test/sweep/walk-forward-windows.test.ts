/**
 * Walk-forward windows, found wrong by an audit: test windows that overlap (step < test) counted
 * their shared bars twice in the stitched curve (time went backwards, 31 "years" in 16); calendar
 * months chained from window to window (Jan 31 + 1m = Mar 3) left days in no test window or in
 * two; a test window with no bar (a weekend) ended the whole walk. Now every boundary is counted
 * from the first bar, month ends are clamped, and the stitched curve has each bar at most once,
 * in time order.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {addSpan, parseWalkForward, walkForward, walkWindows} from '../../src/sweep/walk-forward.js'
import {ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const DAY = 86_400_000
const iso = (t: number) => new Date(t).toISOString().slice(0, 10)

describe('walk-forward windows', () => {
  it('month ends are clamped: Jan 31 + 1m is Feb 29 (2024), + 13m is Feb 28 (2025); the time of day is kept', () => {
    const jan31 = Date.UTC(2024, 0, 31, 5)
    const m = (n: number) => ({months: n, days: 0, text: `${n}m`})
    assert.deepEqual([1, 2, 13].map((n) => new Date(addSpan(jan31, m(n))).toISOString()), ['2024-02-29T05:00:00.000Z', '2024-03-31T05:00:00.000Z', '2025-02-28T05:00:00.000Z'])
  })

  it('with step = test, each test window ends where the next one starts, from any first day (month ends too)', () => {
    fc.assert(fc.property(
      fc.integer({min: 0, max: 3000}), fc.constantFrom('1m', '2m', '3m', '1y', '13m', '10d', '2w'), fc.constantFrom('1m', '2m', '12m', '30d', '1w'),
      (offset, train, test) => {
        const first = Date.UTC(1995, 0, 1, 5) + offset * DAY
        const ws = walkWindows(first, first + 20 * 365 * DAY, parseWalkForward(`train=${train},test=${test}`))
        for (let i = 0; i + 1 < ws.length; i++) {
          assert.equal(ws[i].testEnd, ws[i + 1].trainEnd, `window ${i} from ${iso(first)}: test ends ${iso(ws[i].testEnd)}, next starts ${iso(ws[i + 1].trainEnd)}`)
          assert.equal(ws[i].stitchedEnd, ws[i].testEnd)
        }
      },
    ), {numRuns: 200})
  })

  it('step < test: the stitched curve holds each bar once, in time order, and compounds the parts it uses', async () => {
    const db = path.join(tempDir('bots-walk-overlap-'), 'store.duckdb')
    const wf = await walkForward({file: path.join(ROOT, 'examples', 'orcl-sma-cross.yaml'), db, walkForward: 'train=4y,test=2y,step=1y', sweeps: ['fast=5,10', 'slow=30,50']})
    const t = wf.stitched.time
    for (let i = 1; i < t.length; i++) assert.ok(t[i] > t[i - 1], `stitched time ${i}: ${iso(t[i])} after ${iso(t[i - 1])}`)
    assert.ok(wf.windows.length >= 10)
    for (const [i, w] of wf.windows.entries()) {
      assert.ok(w.test.stitchedEnd < w.test.end || i === wf.windows.length - 1, 'overlapping windows stitch up to the next test start')
      if (i + 1 < wf.windows.length) assert.equal(w.test.stitchedEnd, wf.windows[i + 1].test.start)
    }
    // The stitched curve spans the test windows' union: no more points than bars in it.
    const first = wf.windows[0].test.first
    assert.ok(wf.outOfSample.years < (t[t.length - 1] - first) / (365 * DAY) + 0.1, `${wf.outOfSample.years} years`)
  })

  it('a test window with no bar (a weekend) is skipped and the walk goes on to the end of the data', async () => {
    const db = path.join(tempDir('bots-walk-weekend-'), 'store.duckdb')
    const wf = await walkForward({file: path.join(ROOT, 'examples', 'orcl-sma-cross.yaml'), db, walkForward: 'train=30d,test=2d', sweeps: ['fast=5,10', 'slow=20'], overrides: {start: '2001-01-02', end: '2001-06-30'}})
    // About 2 test days in every 2 calendar days but weekends: far more than the 5 windows before the first weekend.
    assert.ok(wf.windows.length > 40, `${wf.windows.length} windows`)
    assert.ok(wf.windows.at(-1)!.test.first >= Date.UTC(2001, 5, 20), `the last test window starts ${iso(wf.windows.at(-1)!.test.first)}`)
  })
})

describe('walk-forward interrupted while training', () => {
  it('the window whose training was cut short is not tested: every window reported had all its combinations run', async () => {
    const db = path.join(tempDir('bots-walk-abort-'), 'store.duckdb')
    const stop = new AbortController()
    const wf = await walkForward({
      file: path.join(ROOT, 'examples', 'orcl-sma-cross.yaml'), db, walkForward: 'train=4y,test=2y', sweeps: ['fast=5,10', 'slow=30,50'], signal: stop.signal,
      // Ctrl-C after the second window's first combination (found by an audit: that window was tested on it alone).
      onStage: (text) => text === 'window 2/8: training 1/4' && stop.abort(),
    })
    assert.equal(wf.interrupted, true)
    assert.equal(wf.windows.length, 1, 'only the first window, trained on all four combinations')
    assert.equal(wf.windows[0].runs, 4)
  })
})
