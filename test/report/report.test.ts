/**
 * The HTML report: escaping (unit), then a real report from the CLI opened in headless Chromium:
 * scripts run without errors, every chart has data, nothing from the spec executes, and a
 * screenshot is taken. Needs Chromium (see chromium.ts); skipped without it, except in CI.
 */
import assert from 'node:assert/strict'
import {copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {escapeHtml, jsonForScript} from '../../src/report/escape.js'
import {parseJson, ROOT, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {findChromium, INSTALL_HINT, openReport} from './chromium.js'

const PAYLOAD = `<script>document.documentElement.setAttribute('data-pwned','1')</script>`
// Closes the JSON's <script> if unescaped there; runs its onerror if unescaped in the HTML or in
// the trade list's rows, which the page writes with innerHTML (where a <script> would never run).
const SYMBOL = `</script><img/src=x/onerror=document.body.dataset.x=1>`

describe('escaping', () => {
  it('HTML text and attributes', () => {
    assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;')
  })
  it('JSON inside <script> cannot close the element or open a comment, and parses back unchanged', () => {
    const value = {s: `</script><!-- ${PAYLOAD} & \u2028`, n: [1, 2]}
    const text = jsonForScript(value)
    assert.doesNotMatch(text, /<|>|&|\u2028/)
    assert.deepEqual(JSON.parse(text), value)
  })
  it('JSON inside <script>: each unsafe character is escaped when it is the only one', () => {
    for (const c of ['<', '>', '&', '\u2028', '\u2029']) {
      const text = jsonForScript({s: `a${c}b`})
      assert.ok(!text.includes(c), JSON.stringify(c))
      assert.deepEqual(JSON.parse(text), {s: `a${c}b`})
    }
    assert.equal(jsonForScript({n: [1.5, 2], s: 'plain'}), '{"n":[1.5,2],"s":"plain"}')
  })
})

describe('HTML report in headless Chromium', () => {
  const chromium = findChromium()
  const ci = Boolean(process.env.CI) && process.env.CI !== 'false'
  if (!chromium && ci) it('needs Chromium', () => assert.fail(`no Chromium found: ${INSTALL_HINT}`))
  const skip = chromium ? false : `no Chromium (${INSTALL_HINT})`
  const dir = tempDir()
  const report = path.join(dir, 'report.html')
  let out: any
  let html = ''

  before(async () => {
    if (!chromium) return
    mkdirSync(path.join(dir, 'data'))
    copyFileSync(`${ROOT}examples/data/index-2006-daily.csv`, path.join(dir, 'data/idx.csv'))
    const spec = path.join(dir, 'bot.yaml')
    writeFileSync(spec, [
      `# ${PAYLOAD}`,
      'name: escape-test',
      `description: ${JSON.stringify(`${PAYLOAD}<img src=x onerror="document.documentElement.setAttribute('data-pwned','2')">`)}`,
      'strategy: {name: sma-cross, params: {fast: 5, slow: 20, quantity: 10}}',
      `symbols: [${JSON.stringify(SYMBOL)}]`,
      'timeframe: 1D',
      'market: NYSE',
      'data: {source: file, path: data/idx.csv}',
      '',
    ].join('\n'))
    const r = await runCli(['backtest', spec, '--db', path.join(dir, 's.duckdb'), '--report', report, '--json'], {cwd: dir})
    assert.equal(r.code, 0, r.stderr)
    out = parseJson(r)
    html = readFileSync(report, 'utf8')
  })

  it('is one file with the chart library inlined and no network references', {skip}, () => {
    assert.equal(out.report, report)
    assert.match(html, /TradingView Lightweight Charts™ v5\./)
    // Nothing is fetched: no external scripts, stylesheets, images or CSS urls (ok() keeps a 1 MB file out of the message).
    for (const pattern of [/<script[^>]+src=/, /<link[^>]+href=/, /<img[^>]+src=["']?https?:/, /url\(\s*["']?https?:/]) assert.ok(!pattern.test(html), String(pattern))
    assert.ok(!existsSync(`${report}.tmp`))
  })

  it('escapes every name and value from the spec', {skip}, () => {
    assert.ok(html.includes('&lt;script&gt;document.documentElement.setAttribute(&#39;data-pwned&#39;,&#39;1&#39;)&lt;/script&gt;'))
    assert.ok(html.includes('&lt;img src=x onerror='))
    assert.ok(html.includes(escapeHtml(SYMBOL)))
    assert.ok(!html.includes(PAYLOAD), 'the raw payload is nowhere in the file')
    assert.ok(!html.includes(SYMBOL))
    const data = /<script type="application\/json" id="report-data">([^]*?)<\/script>/.exec(html)![1]
    assert.ok(!/<\/script/i.test(data))
    assert.equal(JSON.parse(data).charts.prices[0].symbol, SYMBOL)
  })

  it('renders without console errors, and every chart has its data', {skip}, async () => {
    const page = await openReport(chromium!, report)
    assert.deepEqual(page.errors, [])
    const dom = page.html
    // The page marks its state on <html>: data-report when rendered, data-errors on any error; an
    // executed payload would add data-pwned there, or data-x on <body>.
    const htmlTag = /<html[^>]*>/.exec(dom)![0]
    const bodyTag = /<body[^>]*>/.exec(dom)![0]
    assert.match(htmlTag, /data-report="ready"/, 'the render script finished')
    assert.doesNotMatch(htmlTag, /data-errors=/, 'no error reached the page guard')
    assert.doesNotMatch(htmlTag, /data-pwned/, 'nothing from the spec executed')
    assert.doesNotMatch(bodyTag, /data-x/, 'nothing from the symbol executed')
    assert.ok(!/<img[^>]*onerror/.test(dom), 'the description stayed text')
    const count = (id: string) => Number(new RegExp(`id="${id}"[^>]*data-count="(\\d+)"`).exec(dom)?.[1] ?? new RegExp(`data-count="(\\d+)"[^>]*id="${id}"`).exec(dom)?.[1])
    assert.equal(count('price-0'), out.counts.bars)
    assert.equal(count('equity'), out.counts.bars)
    assert.equal(count('drawdown'), out.counts.bars)
    assert.match(dom, /id="price-0"[^>]*data-markers="(\d+)"/)
    assert.equal(Number(/data-markers="(\d+)"/.exec(dom)![1]), 2 * out.trades.length)
    assert.ok((dom.match(/<canvas/g) ?? []).length >= 6, 'charts drew into canvases')
    assert.match(dom, /<table class="heat" data-count="\d+"/)
    assert.match(dom, new RegExp(`<table class="trades" data-count="${out.trades.length}"`))
  })

  it('takes a screenshot', {skip}, async () => {
    const png = path.join(process.env.BOTS_REPORT_SCREENSHOT_DIR ?? dir, 'report.png')
    const page = await openReport(chromium!, report, {screenshot: png})
    assert.deepEqual(page.errors, [])
    assert.ok(statSync(png).size > 20_000, 'a real picture, not a blank page')
    assert.deepEqual([...readFileSync(png).subarray(1, 4)].map((b) => String.fromCharCode(b)).join(''), 'PNG')
  })
})
