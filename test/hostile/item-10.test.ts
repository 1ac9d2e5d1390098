/**
 * Issue 16, item 10: rows a `source: file` backtest drops are reported, never silent.
 *
 * Before: a backtest on unsorted, mixed-zone or negative-volume data used 153, 121 or 180 of 300
 * rows with `warnings: []`: the import behind it rejected rows (`onError: 'reject'`) and said why,
 * but `bots backtest` passed none of it on. Now each rule that dropped rows is a warning with its
 * count, in the JSON `warnings` and in the text output alike.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const ROWS = 300
const HOUR = 3_600_000
const T0 = Date.UTC(2024, 0, 1)

/** Wall-clock time of `ms` written with a UTC offset of `offsetMin` minutes (the instant is ms − offset). */
function stamp(ms: number, offsetMin = 0): string {
  const wall = new Date(ms).toISOString().slice(0, 19)
  if (offsetMin === 0) return `${wall}Z`
  const a = Math.abs(offsetMin)
  return `${wall}${offsetMin < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`
}

function row(i: number, volume = 100 + i): string[] {
  const c = 100 + Math.sin(i / 9) * 5
  return [(c - 0.5).toFixed(2), (c + 1).toFixed(2), (c - 1).toFixed(2), c.toFixed(2), String(volume)]
}

function csv(rows: Array<{time: string; i: number; volume?: number}>): string {
  return ['time,open,high,low,close,volume', ...rows.map((r) => [r.time, ...row(r.i, r.volume)].join(','))].join('\n') + '\n'
}

interface Case {
  name: string
  text: string
  /** Rows the test made break each rule: what the warnings must say. */
  expected: Record<string, number>
}

function cases(): Case[] {
  const clean = Array.from({length: ROWS}, (_, i) => ({time: stamp(T0 + i * HOUR), i}))

  // Unsorted: swap 25 pairs of neighbours; each swap puts one row before the one it should follow.
  const unsorted = clean.slice()
  let swaps = 0
  for (let i = 10; i + 1 < ROWS; i += 12) {
    ;[unsorted[i], unsorted[i + 1]] = [unsorted[i + 1], unsorted[i]]
    swaps++
  }

  // Mixed zones: the same wall-clock times, some written with another offset. +00:30 moves a row
  // half an hour off the 1H grid; -01:00 moves it onto the next row's time, which then repeats it.
  let offGrid = 0
  let collide = 0
  const mixed = clean.map((r, i) => {
    if (i % 10 === 5) {
      offGrid++
      return {...r, time: stamp(T0 + i * HOUR, 30)}
    }
    if (i % 10 === 8 && i + 1 < ROWS) {
      collide++
      return {...r, time: stamp(T0 + i * HOUR, -60)}
    }
    return r
  })

  // Negative volume in every 7th row.
  let negative = 0
  const neg = clean.map((r, i) => {
    if (i % 7 !== 3) return r
    negative++
    return {...r, volume: -5}
  })

  return [
    {name: 'unsorted', text: csv(unsorted), expected: {unsorted: swaps}},
    {name: 'mixed-zones', text: csv(mixed), expected: {alignment: offGrid, duplicate: collide}},
    {name: 'negative-volume', text: csv(neg), expected: {volume: negative}},
    {name: 'clean', text: csv(clean), expected: {}},
  ]
}

function writeSpec(dir: string, name: string): string {
  const spec = path.join(dir, `${name}.yaml`)
  writeFileSync(
    spec,
    `name: ${name}\nstrategy: {name: sma-cross, params: {fast: 3, slow: 8, quantity: 1}}\nsymbols: [XYZ]\ntimeframe: 1H\nmarket: 24/7\ndata: {source: file, path: ${name}.csv}\n`,
  )
  return spec
}

describe('issue 16, item 10: dropped rows are reported by backtest', () => {
  const dir = tempDir('bots-item10-')

  for (const c of cases()) {
    it(`${c.name}: one warning per rule that dropped rows, with the count, in JSON and text`, async () => {
      writeFileSync(path.join(dir, `${c.name}.csv`), c.text)
      const spec = writeSpec(dir, c.name)
      const dropped = Object.values(c.expected).reduce((a, b) => a + b, 0)
      assert.ok(c.name === 'clean' ? dropped === 0 : dropped > 0)

      const json = await runCli(['backtest', spec, '--json', '--no-report', '--no-record', '--db', path.join(dir, `${c.name}-json.duckdb`)], {cwd: dir})
      assert.equal(json.code, 0, json.stderr)
      const out = parseJson(json)
      const rejected = (out.warnings as Array<{code: string; message: string}>).filter((w) => w.code === 'data.rejected')
      assert.equal(rejected.length, Object.keys(c.expected).length, JSON.stringify(out.warnings, null, 2))
      for (const [rule, count] of Object.entries(c.expected)) {
        const w = rejected.find((x) => x.message.includes(`by rule ${rule} `))
        assert.ok(w, `no warning for rule ${rule}: ${JSON.stringify(rejected, null, 2)}`)
        assert.match(w.message, new RegExp(`^${c.name}\\.csv: ${count} of ${ROWS} rows rejected by rule ${rule} `))
      }
      // The run used exactly the rows that were not dropped.
      assert.equal(out.metrics.period.bars, ROWS - dropped)

      // The text output (a fresh store, so the file is imported again) prints the same lines.
      const text = await runCli(['backtest', spec, '--no-report', '--no-record', '--db', path.join(dir, `${c.name}-text.duckdb`)], {cwd: dir})
      assert.equal(text.code, 0, text.stderr)
      const warningLines = text.stdout.split('\n').filter((l) => / warning |^warning /.test(l) && l.includes(' rows rejected '))
      assert.equal(warningLines.length, rejected.length, text.stdout)
      for (const w of rejected) assert.ok(text.stdout.includes(w.message), `text output lacks: ${w.message}\n${text.stdout}`)

      // Run again on the same store: the file is not imported again, and the drop is still said.
      const again = await runCli(['backtest', spec, '--json', '--no-report', '--no-record', '--db', path.join(dir, `${c.name}-json.duckdb`)], {cwd: dir})
      assert.equal(again.code, 0, again.stderr)
      const later = (parseJson(again).warnings as Array<{code: string; message: string}>).filter((w) => w.code === 'data.rejected')
      if (dropped === 0) assert.deepEqual(later, [])
      else {
        assert.equal(later.length, 1, JSON.stringify(later))
        assert.match(later[0].message, new RegExp(`^${c.name}\\.csv: ${dropped} rows were rejected when it was imported`))
      }
    })
  }
})
