/**
 * Issue 15, item 2: `report: {overlay: [fast, slow]}` draws those indicator outputs over the price
 * chart: the embedded chart data holds each line (its values the run's, as in `--out`'s
 * indicators.csv), and in headless Chromium each is drawn (skipped without Chromium, except in
 * CI). A name the strategy does not report is a located warning; the overlay changes no spec_hash.
 */
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {ROOT, parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {findChromium, INSTALL_HINT, openReport} from './chromium.js'
import {reportData} from '../helpers/report-data.js'

describe('report: indicator overlays', () => {
  const chromium = findChromium()
  const ci = Boolean(process.env.CI) && process.env.CI !== 'false'
  if (!chromium && ci) it('needs Chromium', () => assert.fail(`no Chromium found: ${INSTALL_HINT}`))
  const skip = chromium ? false : `no Chromium (${INSTALL_HINT})`
  const dir = tempDir('bots-report-overlay-')
  const report = path.join(dir, 'r.html')
  const out = path.join(dir, 'out')
  const spec = path.join(dir, 'overlay.yaml')
  let json: any

  before(async () => {
    const base = readFileSync(path.join(ROOT, 'examples', 'rules-inline.yaml'), 'utf8').replace('path: data/index-2006-daily.csv', `path: ${path.join(ROOT, 'examples', 'data', 'index-2006-daily.csv')}`)
    writeFileSync(spec, base + 'report:\n  overlay: [fast, slow, slwo]\n')
    const r = await runCli(['backtest', spec, '--db', path.join(dir, 's.duckdb'), '--report', report, '--out', out, '--json'])
    assert.equal(r.code, 0, r.stderr)
    json = parseJson(r)
  })

  it('the embedded data holds each named line with the run\'s values; an unknown name is a located warning', () => {
    const lines = reportData(readFileSync(report, 'utf8')).charts.prices[0].overlays
    assert.deepEqual(lines.map((l) => l.name), ['fast', 'slow'])
    const csv = readFileSync(path.join(out, 'indicators.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','))
    const fast = csv.filter((r) => r[2] !== '').map((r) => Number(r[2]))
    assert.equal(lines[0].points.length, fast.length, 'one point per bar with a value (255 bars: not bucketed)')
    assert.deepEqual(lines[0].points.map((p) => p.value), fast)
    const w = json.warnings.find((x: any) => x.code === 'report.overlay')
    assert.ok(w, JSON.stringify(json.warnings))
    assert.match(w.message, /"slwo" is not an indicator output of strategy "rules"/)
    assert.match(w.hint, /did you mean `slow`\?/)
    assert.equal(w.path, '/report/overlay/2')
    assert.ok(w.line > 1 && w.column > 1)
  })

  it('the overlay is presentation: the same spec_hash as without it', async () => {
    const plain = parseJson(await runCli(['backtest', path.join(ROOT, 'examples', 'rules-inline.yaml'), '--db', path.join(dir, 's.duckdb'), '--no-record', '--no-report', '--json']))
    assert.equal(json.specHash, plain.specHash)
  })

  it('in headless Chromium both lines are drawn on the price chart', {skip}, async () => {
    const page = await openReport(chromium!, report)
    assert.deepEqual(page.errors, [])
    assert.match(page.html, /id="price-0"[^>]*data-overlays="fast:\d+,slow:\d+"/)
  })
})
