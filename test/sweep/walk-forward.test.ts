/**
 * Issue 15, item 7: walk-forward testing. Windows never overlap their test data with training
 * data; the parameters chosen on a training window are those a plain sweep of that window ranks
 * first; a test window's out-of-sample run equals a plain backtest of that window with those
 * parameters; the stitched curve compounds the windows. Through the real CLI.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, it} from 'node:test'
import {addSpan, parseWalkForward, walkWindows} from '../../src/sweep/walk-forward.js'
import {ROOT, parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const SPEC = path.join(ROOT, 'examples', 'orcl-sma-cross.yaml')
const day = (t: number) => new Date(t).toISOString().slice(0, 10)

describe('walk-forward', () => {
  const dir = tempDir('bots-walk-')
  const db = path.join(dir, 'store.duckdb')
  const sweeps = ['--sweep', 'fast=5,10,20', '--sweep', 'slow=30,50']

  it('windows: training then test, half-open, stepping by `step`; lengths parsed with their units', () => {
    const plan = parseWalkForward('train=2y,test=6m,step=3m')
    assert.deepEqual([plan.train.months, plan.test.months, plan.step.months], [24, 6, 3])
    assert.equal(parseWalkForward('train=8w,test=90d').step.days, 90)
    assert.throws(() => parseWalkForward('train=2y'), /give both train= and test=/)
    assert.throws(() => parseWalkForward('train=2y,test=0m'), /a length such as/)
    assert.throws(() => parseWalkForward('train=2y,test=1y,warmup=1y'), /unknown "warmup"/)
    const t0 = Date.UTC(2000, 0, 3, 5)
    const ws = walkWindows(t0, Date.UTC(2005, 0, 1), plan)
    assert.ok(ws.length > 5)
    for (const [i, w] of ws.entries()) {
      assert.equal(w.trainEnd, addSpan(w.trainStart, plan.train))
      assert.ok(w.testEnd > w.trainEnd)
      if (i > 0) assert.equal(w.trainStart, addSpan(ws[i - 1].trainStart, plan.step))
      // step < test: the windows' tests overlap; each stitches only up to the next one's test start.
      if (i + 1 < ws.length) assert.equal(w.stitchedEnd, ws[i + 1].trainEnd)
    }
  })

  it('through the CLI: no test bar in its training window; the choice is the sweep\'s best; OOS equals a plain backtest; the stitched curve compounds', async () => {
    const r = await runCli(['backtest', SPEC, '--db', db, '--walk-forward', 'train=4y,test=3y', ...sweeps, '--json'])
    assert.equal(r.code, 0, r.stderr)
    const wf = parseJson(r)
    assert.ok(wf.windows.length >= 4, `${wf.windows.length} windows`)
    let value = 100_000
    for (const w of wf.windows) {
      assert.ok(w.train.last < w.test.first, 'the test window starts after the last training bar')
      assert.ok(w.train.last < w.train.end && w.test.first >= w.train.end, 'half-open windows')
      // Net of the exits closing a window's positions where the next one starts (walk-forward-exits.test.ts).
      value = value * (1 + w.outOfSample.totalReturn) - (w.exit?.cost ?? 0)
    }
    assert.ok(wf.windows.some((w: {exit?: unknown}) => w.exit), 'some window ends holding ORCL')
    const stitched = wf.stitched.value
    assert.ok(Math.abs(stitched[stitched.length - 1] - value) < 1e-6 * value, 'the stitched curve compounds the windows, net of their exits')
    assert.ok(Math.abs(wf.outOfSample.totalReturn - (value / 100_000 - 1)) < 1e-9)

    for (const w of wf.windows.slice(0, 2)) {
      // A plain sweep of the training window ranks the same parameters first.
      const sweep = parseJson(await runCli(['backtest', SPEC, '--db', db, '--start', day(w.train.first), '--end', day(w.train.last), ...sweeps, '--no-record', '--json']))
      assert.deepEqual({fast: sweep.runs[0].params.fast, slow: sweep.runs[0].params.slow}, w.best)
      // The out-of-sample run is a plain backtest of the test window with those parameters.
      const plain = parseJson(await runCli(['backtest', SPEC, '--db', db, '--start', day(w.test.first), '--end', day(w.test.last), '--param', `fast=${w.best.fast}`, '--param', `slow=${w.best.slow}`, '--no-record', '--no-report', '--json']))
      assert.equal(plain.metrics.strategy.totalReturn, w.outOfSample.totalReturn)
      assert.equal(plain.metrics.strategy.trades, w.outOfSample.trades)
    }
  })

  it('usage: --walk-forward without --sweep exits 2; data shorter than a training window exits 1 saying so', async () => {
    const a = await runCli(['backtest', SPEC, '--db', db, '--walk-forward', 'train=1y,test=1y'])
    assert.equal(a.code, 2, a.stderr)
    assert.match(a.stderr, /--walk-forward needs --sweep/)
    const b = await runCli(['backtest', SPEC, '--db', db, '--walk-forward', 'train=30y,test=1y', ...sweeps])
    assert.equal(b.code, 1, b.stderr)
    assert.match(b.stderr, /shorter than one training window/)
  })
})
