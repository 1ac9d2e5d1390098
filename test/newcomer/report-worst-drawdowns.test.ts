/**
 * Issue 14, the report: "the five worst drawdowns as a table (start, trough, recovery, depth,
 * length)", for the strategy and for buy & hold. The deepest row is the run's max drawdown as the
 * metrics give it.
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {drawdowns, drawdownSpells, worstDrawdowns} from '../../src/metrics/drawdown.js'
import {drawdownTable} from '../../src/report/sections.js'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const D = 86_400_000
const day = (i: number) => Date.parse('2020-01-01T00:00:00Z') + i * D
const iso = (t: number) => new Date(t).toISOString().slice(0, 10)

describe('worst drawdowns', () => {
  // 100 → 90 (−10%) → 100 → 120 → 60 (−50%) → 130 → 117 (−10%, open at the end).
  const value = [100, 90, 100, 120, 60, 130, 117]
  const time = value.map((_, i) => day(i))

  it('every spell with its peak, trough, recovery and length; the last one open', () => {
    const spells = drawdownSpells(100, time, value)
    assert.deepEqual(spells.map((s) => [s.depth, iso(s.peakTime), iso(s.troughTime), s.recoveryTime === null ? null : iso(s.recoveryTime), s.durationBars]), [
      [0.1, '2020-01-01', '2020-01-02', '2020-01-03', 2],
      [0.5, '2020-01-04', '2020-01-05', '2020-01-06', 2],
      [(130 - 117) / 130, '2020-01-06', '2020-01-07', null, 1],
    ])
    // The deepest is the metrics' max drawdown.
    const max = drawdowns(100, time, value).max
    assert.deepEqual(worstDrawdowns(100, time, value, 1)[0], max)
  })

  it('deepest first, at most `count`; the table escapes and marks the open one', () => {
    assert.deepEqual(worstDrawdowns(100, time, value, 2).map((s) => s.depth), [0.5, 0.1])
    const html = drawdownTable(worstDrawdowns(100, time, value, 5), iso, 'strategy <b>')
    assert.match(html, /<caption>strategy &lt;b&gt;<\/caption>/)
    assert.match(html, /<tr><td>1<\/td><td>2020-01-04<\/td><td>2020-01-05<\/td><td>2020-01-06<\/td><td>-50\.00%<\/td><td>2d<\/td><td>2<\/td><\/tr>/)
    assert.match(html, /<td>2020-01-07<\/td><td>—<\/td><td>-10\.00%<\/td><td>1d \(open\)<\/td>/)
    assert.match(drawdownTable([], iso, 'buy & hold'), /buy &amp; hold: no drawdown/)
  })

  it('the report of the shipped example: five rows each for strategy and buy & hold, the first its max drawdown (real CLI)', async () => {
    const dir = tempDir('bots-report-dd-table-')
    const report = path.join(dir, 'r.html')
    const r = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', path.join(dir, 's.duckdb'), '--no-record', '--report', report, '--json'])
    assert.equal(r.code, 0, r.stderr)
    const m = parseJson(r).metrics
    const html = readFileSync(report, 'utf8')
    const tables = [...html.matchAll(/<table class="drawdowns" data-count="(\d+)"><caption>([^<]*)<\/caption>.*?<tbody><tr>(.*?)<\/tr>/g)]
    assert.deepEqual(tables.map((t) => [t[1], t[2]]), [['5', 'strategy, deepest first'], ['5', 'buy &amp; hold, deepest first']])
    const nyDate = (t: number) => new Date(t).toLocaleDateString('en-CA', {timeZone: 'America/New_York'})
    for (const [i, side] of [[0, m.strategy], [1, m.benchmark]] as const) {
      const cells = [...tables[i][3].matchAll(/<td>([^<]*)<\/td>/g)].map((c) => c[1])
      assert.deepEqual(cells.slice(0, 5), ['1', nyDate(side.maxDrawdownPeak), nyDate(side.maxDrawdownTrough), side.maxDrawdownRecovery === null ? '—' : nyDate(side.maxDrawdownRecovery), `-${(side.maxDrawdown * 100).toFixed(2)}%`])
    }
  })
})
