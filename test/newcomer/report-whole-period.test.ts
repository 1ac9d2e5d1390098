/**
 * Issue 14, the report: "it opens all three charts on 2007–2014 of a 1995–2014 run". The chart
 * library's least bar spacing (0.5 px) could not fit 5,036 daily bars in the page, so fitContent
 * showed only the last ~2,100 bars. Opened in headless Chromium, every chart of the shipped
 * example's report now shows bar 0 to the last bar. Needs Chromium (skipped without it, except in CI).
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {findChromium, INSTALL_HINT, openReport} from '../report/chromium.js'

describe('report: the whole period is visible when it opens (headless Chromium)', () => {
  const chromium = findChromium()
  const ci = Boolean(process.env.CI) && process.env.CI !== 'false'
  if (!chromium && ci) it('needs Chromium', () => assert.fail(`no Chromium found: ${INSTALL_HINT}`))
  const skip = chromium ? false : `no Chromium (${INSTALL_HINT})`

  it('examples/orcl-sma-cross.yaml, 1995–2014: price, equity and drawdown charts each show every bar', {skip}, async () => {
    const dir = tempDir('bots-report-period-')
    const report = path.join(dir, 'orcl.html')
    const r = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', path.join(dir, 's.duckdb'), '--no-record', '--report', report, '--json'])
    assert.equal(r.code, 0, r.stderr)
    const bars = parseJson(r).counts.bars
    assert.equal(bars, 5036)
    assert.match(readFileSync(report, 'utf8'), /minBarSpacing/)

    const page = await openReport(chromium!, report)
    assert.deepEqual(page.errors, [])
    assert.match(page.html, /<html[^>]* data-fitted="yes"/)
    for (const id of ['price-0', 'equity', 'drawdown']) {
      const tag = new RegExp(`<div class="chart[^"]*" id="${id}"[^>]*>`).exec(page.html)?.[0] ?? ''
      const attr = (name: string) => Number(new RegExp(`${name}="(-?\\d+)"`).exec(tag)?.[1])
      assert.equal(attr('data-count'), bars, tag)
      assert.ok(attr('data-visible-from') <= 0, `${id} opens at bar ${attr('data-visible-from')}: ${tag}`)
      assert.ok(attr('data-visible-to') >= bars - 1, `${id} ends at bar ${attr('data-visible-to')}: ${tag}`)
    }
  })
})
