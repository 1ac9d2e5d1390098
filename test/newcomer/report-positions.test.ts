/**
 * Issue 14, the report: open positions were a bare count ("1 position(s) open at the end"). They
 * are now listed: symbol, side, size, average entry, the mark they are valued at, value,
 * unrealised P&L and return — the figures of the run's --json `positions`, escaped.
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {positionsTable} from '../../src/report/sections.js'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

describe('report: open positions listed with entry and mark', () => {
  it('a backtest ending in a position: the report lists it with the --json figures (real CLI)', async () => {
    const dir = tempDir('bots-report-positions-')
    const report = path.join(dir, 'r.html')
    const r = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--start', '2013-01-01', '--db', path.join(dir, 's.duckdb'), '--no-record', '--report', report, '--json'])
    assert.equal(r.code, 0, r.stderr)
    const [p] = parseJson(r).positions
    assert.equal(p.symbol, 'ORCL')
    assert.ok(p.quantity > 0)
    const html = readFileSync(report, 'utf8')
    assert.doesNotMatch(html, /position\(s\) open at the end/)
    const fmt = (v: number, d = 2) => v.toLocaleString('en-US', {minimumFractionDigits: d, maximumFractionDigits: d})
    const row = `<tr class="win"><td>ORCL</td><td>long</td><td>${fmt(p.quantity, 0)}</td><td>${fmt(p.averagePrice)}</td><td>${fmt(p.lastPrice)}</td>` +
      `<td>${fmt(p.lastPrice * p.quantity)}</td><td>${fmt(p.unrealizedPnl)}</td><td>${fmt(((p.lastPrice - p.averagePrice) / p.averagePrice) * 100)}%</td></tr>`
    assert.ok(html.includes('<table class="trades positions" data-count="1">'), 'positions table')
    assert.ok(html.includes(row), row)
  })

  it('short positions, losses and hostile symbols (library)', () => {
    const html = positionsTable([
      {symbol: '<img src=x onerror=alert(1)>', quantity: -3, averagePrice: 100, lastPrice: 110, unrealizedPnl: -30},
      {symbol: 'B', quantity: 1500, averagePrice: 10, lastPrice: 10, unrealizedPnl: 0},
    ])
    assert.ok(!html.includes('<img'), 'escaped')
    assert.ok(html.includes('<tr class="loss"><td>&lt;img src=x onerror=alert(1)&gt;</td><td>short</td><td>3</td><td>100.00</td><td>110.00</td><td>330.00</td><td>-30.00</td><td>-10.00%</td></tr>'), html)
    assert.ok(html.includes('<tr class=""><td>B</td><td>long</td><td>1,500</td><td>10.00</td><td>10.00</td><td>15,000.00</td><td>0.00</td><td>0.00%</td></tr>'), html)
    assert.equal(positionsTable([]), '')
  })

  it('a contract with a multiplier is valued at its notional: mark × multiplier × quantity (library)', () => {
    const html = positionsTable([{symbol: 'ES', quantity: 2, averagePrice: 5000, lastPrice: 5010, unrealizedPnl: 1000, multiplier: 50}])
    assert.ok(html.includes('<tr class="win"><td>ES</td><td>long</td><td>2</td><td>5,000.00</td><td>5,010.00</td><td>501,000.00</td><td>1,000.00</td><td>0.20%</td></tr>'), html)
  })
})
