/**
 * Issue 14, the report: "whole period visible at first with a range selector". Buttons 1Y, 3Y,
 * 5Y and all set every chart to the last years of the run (a link can ask with #range=5y; the
 * buttons run the same code). Opened in headless Chromium (skipped without it, except in CI).
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {findChromium, INSTALL_HINT, openReport} from '../report/chromium.js'

describe('report: the range selector', () => {
  const chromium = findChromium()
  const ci = Boolean(process.env.CI) && process.env.CI !== 'false'
  if (!chromium && ci) it('needs Chromium', () => assert.fail(`no Chromium found: ${INSTALL_HINT}`))
  const skip = chromium ? false : `no Chromium (${INSTALL_HINT})`
  const dir = tempDir('bots-report-range-')
  const report = path.join(dir, 'r.html')
  let out: any

  before(async () => {
    const r = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', path.join(dir, 's.duckdb'), '--no-record', '--report', report, '--json'])
    assert.equal(r.code, 0, r.stderr)
    out = parseJson(r)
  })

  /** The report's DOM opened at `hash` (which shows `key`), and each chart's [data-count, visible-from, visible-to]. */
  async function open(hash: string, key: string): Promise<{html: string; charts: Record<string, number[]>}> {
    const page = await openReport(chromium!, report, {hash})
    assert.deepEqual(page.errors, [])
    // The page first shows all, then the range asked for; only that one may be marked as shown.
    assert.deepEqual(page.shown, [key], hash)
    const charts: Record<string, number[]> = {}
    for (const m of page.html.matchAll(/<div class="chart[^"]*" id="([^"]+)"([^>]*)>/g)) {
      const a = (name: string) => Number(new RegExp(`${name}="(-?\\d+)"`).exec(m[2])?.[1])
      charts[m[1]] = [a('data-count'), a('data-visible-from'), a('data-visible-to')]
    }
    return {html: page.html, charts}
  }

  it('the buttons are in the file, "all" chosen', () => {
    assert.match(readFileSync(report, 'utf8'), /<nav class="range"[^>]*>period shown: <button type="button" data-range="1y">1Y<\/button><button type="button" data-range="3y">3Y<\/button><button type="button" data-range="5y">5Y<\/button><button type="button" data-range="all" class="on">all<\/button><\/nav>/)
  })

  it('#range=1y and #range=5y: every chart shows the last 1 or 5 years, to the last bar; nothing or nonsense: all', {skip}, async () => {
    const n = out.counts.bars
    for (const [hash, key, bars] of [['#range=1y', '1y', 252], ['#range=5y', '5y', 1260], ['', 'all', n], ['#range=bogus', 'all', n]] as const) {
      const {html, charts} = await open(hash, key)
      assert.match(html, new RegExp(`<html[^>]* data-range="${key}"[^>]* data-shown="${key}"`))
      assert.match(html, new RegExp(`<button type="button" data-range="${key}" class="on">`))
      for (const id of ['price-0', 'equity', 'rebased', 'drawdown']) {
        const [count, from, to] = charts[id]
        assert.equal(count, n)
        assert.equal(to, n - 1, `${hash} ${id}`)
        // A year is about 252 NYSE sessions: allow for holidays and where the year starts.
        assert.ok(Math.abs(n - from - bars) <= Math.max(1, bars * 0.03), `${hash} ${id}: from ${from}, ${n - from} bars shown`)
      }
    }
  })
})
