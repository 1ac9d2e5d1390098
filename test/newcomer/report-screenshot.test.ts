/**
 * Issue 14, the report: "a screenshot is checked (for example non-blank regions where each chart
 * should be)". The shipped example's report is opened in headless Chromium at one window size;
 * where each chart is comes from the page (data-box), and a screenshot is taken once it is drawn;
 * the PNG is decoded here (zlib, no image library) and every chart's region must be drawn: enough
 * pixels off the white background, in several colours. Skipped without Chromium, except in CI.
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {deflateSync, inflateSync} from 'node:zlib'
import {describe, it} from 'node:test'
import {runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {findChromium, INSTALL_HINT, openReport} from '../report/chromium.js'

interface Image {
  width: number
  height: number
  /** RGBA, 4 bytes a pixel. */
  rgba: Uint8Array
}

/** A non-interlaced 8-bit RGB or RGBA PNG (what Chromium writes). */
function decodePng(buf: Buffer): Image {
  assert.equal(buf.subarray(1, 4).toString('latin1'), 'PNG')
  let pos = 8
  let width = 0
  let height = 0
  let channels = 0
  const idat: Buffer[] = []
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos)
    const type = buf.subarray(pos + 4, pos + 8).toString('latin1')
    const data = buf.subarray(pos + 8, pos + 8 + len)
    if (type === 'IHDR') {
      width = data.readUInt32BE(0)
      height = data.readUInt32BE(4)
      assert.equal(data[8], 8, 'bit depth 8')
      assert.equal(data[12], 0, 'not interlaced')
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0
      assert.ok(channels, `colour type ${data[9]}`)
    } else if (type === 'IDAT') idat.push(data)
    pos += 12 + len
  }
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * channels
  const out = new Uint8Array(width * height * 4)
  const prev = new Uint8Array(stride)
  const line = new Uint8Array(stride)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1))
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? line[i - channels] : 0
      const b = prev[i]
      const c = i >= channels ? prev[i - channels] : 0
      let p: number
      if (filter === 0) p = 0
      else if (filter === 1) p = a
      else if (filter === 2) p = b
      else if (filter === 3) p = (a + b) >> 1
      else {
        const q = a + b - c
        const pa = Math.abs(q - a)
        const pb = Math.abs(q - b)
        const pc = Math.abs(q - c)
        p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
      }
      line[i] = (src[i] + p) & 0xff
    }
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < 3; k++) out[(y * width + x) * 4 + k] = line[x * channels + k]
      out[(y * width + x) * 4 + 3] = channels === 4 ? line[x * channels + 3] : 255
    }
    prev.set(line)
  }
  return {width, height, rgba: out}
}

/** Share of the box's pixels that are not near-white, and how many distinct colours (16 levels a channel) it has. */
function ink(img: Image, [x0, y0, w, h]: number[]): {share: number; colours: number} {
  let off = 0
  let n = 0
  const colours = new Set<number>()
  for (let y = Math.max(0, y0); y < Math.min(img.height, y0 + h); y++) {
    for (let x = Math.max(0, x0); x < Math.min(img.width, x0 + w); x++) {
      const i = (y * img.width + x) * 4
      const [r, g, b] = [img.rgba[i], img.rgba[i + 1], img.rgba[i + 2]]
      n++
      if (r < 235 || g < 235 || b < 235) off++
      colours.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4))
    }
  }
  return {share: n ? off / n : 0, colours: colours.size}
}

describe('report: every chart is drawn in a screenshot', () => {
  const chromium = findChromium()
  const ci = Boolean(process.env.CI) && process.env.CI !== 'false'
  if (!chromium && ci) it('needs Chromium', () => assert.fail(`no Chromium found: ${INSTALL_HINT}`))

  it('decodePng reads back a PNG made here (all five filter types)', () => {
    // A 2×5 RGB image, one row per filter type, built by hand.
    const width = 2
    const rows = [[0, 10, 20, 30, 40, 50, 60], [1, 5, 5, 5, 1, 1, 1], [2, 1, 2, 3, 4, 5, 6], [3, 7, 7, 7, 0, 0, 0], [4, 9, 9, 9, 9, 9, 9]]
    const ihdr = Buffer.alloc(13)
    ihdr.writeUInt32BE(width, 0)
    ihdr.writeUInt32BE(rows.length, 4)
    ihdr.set([8, 2, 0, 0, 0], 8)
    const chunk = (type: string, data: Buffer) => {
      const len = Buffer.alloc(4)
      len.writeUInt32BE(data.length)
      return Buffer.concat([len, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)])
    }
    const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.from(rows.flat()))), chunk('IEND', Buffer.alloc(0))])
    const img = decodePng(png)
    const px = (x: number, y: number) => [...img.rgba.subarray((y * width + x) * 4, (y * width + x) * 4 + 3)]
    assert.deepEqual([px(0, 0), px(1, 0)], [[10, 20, 30], [40, 50, 60]])
    assert.deepEqual([px(0, 1), px(1, 1)], [[5, 5, 5], [6, 6, 6]]) // sub
    assert.deepEqual([px(0, 2), px(1, 2)], [[6, 7, 8], [10, 11, 12]]) // up
    assert.deepEqual([px(0, 3), px(1, 3)], [[10, 10, 11], [10, 10, 11]]) // average of left and above, halved down
    assert.deepEqual(px(0, 4), [19, 19, 20]) // paeth: above, nearest the prediction
  })

  it('the shipped example: price, equity, cumulative return, drawdown, rolling and exposure charts all have ink', {skip: chromium ? false : `no Chromium (${INSTALL_HINT})`}, async () => {
    const dir = tempDir('bots-report-shot-')
    const report = path.join(dir, 'r.html')
    const r = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', path.join(dir, 's.duckdb'), '--no-record', '--report', report])
    assert.equal(r.code, 0, r.stderr)
    const png = path.join(dir, 'shot.png')
    const page = await openReport(chromium!, report, {width: 1280, height: 3000, screenshot: png})
    assert.deepEqual(page.errors, [])
    const dom = page.html
    const boxes = Object.fromEntries([...dom.matchAll(/<div class="chart[^"]*" id="([^"]+)"[^>]* data-box="([\d,.-]+)"/g)].map((m) => [m[1], m[2].split(',').map(Number)]))
    const ids = ['price-0', 'equity', 'rebased', 'drawdown', 'rolling', 'exposure']
    assert.deepEqual(Object.keys(boxes).sort(), [...ids].sort())
    const img = decodePng(readFileSync(png))
    assert.deepEqual([img.width, img.height], [1280, 3000])
    for (const id of ids) {
      const box = boxes[id]
      assert.ok(box[1] + box[3] <= img.height, `${id} at ${box} is inside the screenshot`)
      const {share, colours} = ink(img, box)
      assert.ok(share > 0.03, `${id}: ${(share * 100).toFixed(1)}% ink`)
      assert.ok(colours >= 8, `${id}: ${colours} colours`)
    }
    // A control: the white band of the page's margin right of the sections has no ink.
    assert.ok(ink(img, [1250, 200, 25, 400]).share < 0.01)
  })
})
