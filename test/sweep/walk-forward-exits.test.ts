/**
 * Walk-forward's windows each start flat, so the positions held where a window's part of the
 * stitched curve ends are closed there. Found by an audit: that exit was free (the position's value
 * was carried as cash, no commission or slippage) and counted in no trade. Buy-and-hold holds at
 * every window's end, so with a fixed commission each boundary must cost exactly that commission,
 * scaled as the stitched curve scales the window, and count one trade; the last window's position
 * stays open, as a backtest's does.
 */
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {walkForward} from '../../src/sweep/walk-forward.js'
import {renderWalkForward} from '../../src/cli/render/walk-forward.js'
import {ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const CASH = 100_000

function spec(dir: string, broker: string): string {
  const file = path.join(dir, 'hold.yaml')
  writeFileSync(file, [
    'name: hold',
    'strategy: {name: buy-and-hold}',
    'symbols: [ORCL]',
    'timeframe: 1D',
    'market: NYSE',
    `data: {source: file, path: ${JSON.stringify(path.join(ROOT, 'examples/data/orcl-1995-2014.csv'))}}`,
    `broker: {cash: ${CASH}, ${broker}}`,
    'backtest: {start: 1995-01-03, end: 2003-12-31}',
    '',
  ].join('\n'))
  return file
}

describe('walk-forward: positions held at a window\'s end', () => {
  it('are closed there with the commission, counted as trades, and the stitched curve chains the windows net of them', async () => {
    const dir = tempDir('bots-walk-exits-')
    const wf = await walkForward({file: spec(dir, 'commission: {fixed: 5}'), db: path.join(dir, 'store.duckdb'), walkForward: 'train=2y,test=1y', sweeps: ['quantity=10,20']})
    const n = wf.windows.length
    assert.ok(n >= 6, `${n} windows`)
    for (const w of wf.windows) assert.equal(w.outOfSample.openPositions, 1, 'buy-and-hold holds at every window end')
    assert.equal(wf.windowExits.closed, n - 1)
    assert.equal(wf.outOfSample.trades, n - 1 + wf.windows.reduce((a, w) => a + w.outOfSample.trades, 0))
    // The chain, from the windows' own returns: each boundary costs 5 in the window's money.
    let carry = CASH
    let cost = 0
    for (const [k, w] of wf.windows.entries()) {
      const end = carry * (1 + w.outOfSample.totalReturn)
      if (k === n - 1) carry = end
      else {
        cost += (5 * carry) / CASH
        carry = end - (5 * carry) / CASH
      }
    }
    assert.ok(Math.abs(wf.windowExits.cost - cost) < 1e-6, `exit costs ${wf.windowExits.cost} against ${cost}`)
    assert.deepEqual(wf.windows.map((w) => w.exit?.closed ?? 0), [...Array(n - 1).fill(1), 0], 'each window but the last closed its position')
    const last = wf.stitched.value[wf.stitched.value.length - 1]
    assert.ok(Math.abs(last - carry) < 1e-6 * CASH, `stitched end ${last} against the chain's ${carry}`)
    assert.match(renderWalkForward(wf), new RegExp(`${n - 1} positions held at the ends of windows were closed at that bar's close, with the broker's slippage and commission \\(${wf.windowExits.cost.toFixed(2)} in all\\)`))
  })

  it('slippage is charged on the exit too, against the trader, and never past the bar\'s range', async () => {
    const dir = tempDir('bots-walk-slip-')
    const free = await walkForward({file: spec(dir, 'commission: {fixed: 0}'), db: path.join(dir, 'store.duckdb'), walkForward: 'train=2y,test=1y', sweeps: ['quantity=10,20']})
    const slipped = await walkForward({file: spec(dir, 'commission: {fixed: 0}, slippage_bps: 10'), db: path.join(dir, 'store.duckdb'), walkForward: 'train=2y,test=1y', sweeps: ['quantity=10,20']})
    assert.equal(free.windowExits.cost, 0)
    assert.equal(free.windowExits.closed, free.windows.length - 1)
    assert.ok(slipped.windowExits.cost > 0)
    // Each exit: at most 10 bps of its value (the close moved against the trader, capped at the bar's
    // low), its value at most 20 shares at the highest close of the data, in the stitched money.
    const closes = readFileSync(path.join(ROOT, 'examples/data/orcl-1995-2014.csv'), 'utf8').trim().split('\n').slice(1).filter((l) => l < '2004').map((l) => Number(l.split(',')[4]))
    const top = Math.max(...closes)
    const exits = slipped.windows.filter((w) => w.exit)
    assert.equal(exits.length, slipped.windows.length - 1)
    for (const w of exits) assert.ok(w.exit!.cost > 0 && w.exit!.cost <= 0.001 * 20 * top * 3, `${w.exit!.cost} (highest close ${top})`)
  })
})
