/**
 * Issue 15, item 2: `bots backtest SPEC --out DIR` also writes indicators.csv and
 * indicators.parquet for a `rules` strategy: `time`, `symbol`, one column per indicator output
 * (`name`, or `name.output`), one row per bar, empty before an indicator has a value. The values
 * are the run's own (checked against computeIndicator on the same bars, and the Parquet file
 * against the CSV). A plugin without `indicatorSeries` writes no indicators file.
 */
import assert from 'node:assert/strict'
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {DuckDBInstance} from '@duckdb/node-api'
import {computeIndicator} from '../../src/rules/indicators/compute.js'
import {ROOT, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const rows = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(','))

describe('bots backtest --out: indicator values', () => {
  const dir = tempDir('bots-indicators-out-')

  it('rules: one column per output, the run\'s values, empty during warm-up; Parquet equals CSV', async () => {
    const out = path.join(dir, 'macd')
    const r = await runCli(['backtest', path.join(ROOT, 'examples', 'macd-trend.yaml'), '--no-record', '--no-report', '--out', out])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.match(r.stdout + r.stderr, /wrote .*indicators\.csv/)
    const [header, ...body] = rows(path.join(out, 'indicators.csv'))
    assert.deepEqual(header.slice(0, 2), ['time', 'symbol'])
    assert.ok(header.includes('macd') && header.includes('macd.signal') && header.includes('macd.histogram'), header.join(','))
    const equity = rows(path.join(out, 'equity.csv')).slice(1)
    assert.equal(body.length, equity.length, 'one row per bar')
    assert.deepEqual(body.map((b) => b[0]), equity.map((e) => e[0]), 'on the run\'s bars')

    const k = header.indexOf('macd')
    const first = body.findIndex((b) => b[k] !== '')
    assert.ok(first > 20, `empty during warm-up (first value at row ${first})`)
    assert.ok(body.slice(first).every((b) => b[k] !== '' && Number.isFinite(Number(b[k]))))

    const db = await (await DuckDBInstance.create(':memory:')).connect()
    const pq = (await db.runAndReadAll(`SELECT * FROM read_parquet('${path.join(out, 'indicators.parquet')}') ORDER BY symbol, time`)).getRowObjectsJS()
    assert.equal(pq.length, body.length)
    for (const i of [0, first, body.length - 1]) {
      const csvValue = body[i][k] === '' ? null : Number(body[i][k])
      assert.equal(pq[i].macd, csvValue, `row ${i}`)
    }
  })

  it('an EMA column equals computeIndicator over the same bars', async () => {
    const out = path.join(dir, 'ema')
    const r = await runCli(['backtest', path.join(ROOT, 'examples', 'rules-inline.yaml'), '--no-record', '--no-report', '--out', out])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    const [header, ...body] = rows(path.join(out, 'indicators.csv'))
    assert.deepEqual(header, ['time', 'symbol', 'fast', 'slow'])
    // The closes the run used: the spec's file (its window is the whole of 2006).
    const csv = rows(path.join(ROOT, 'examples', 'data', 'index-2006-daily.csv'))
    const h = csv[0].map((x) => x.trim().toLowerCase())
    const ci = h.indexOf('close')
    const closes = csv.slice(1).map((row) => Number(row[ci]))
    assert.ok(closes.length >= body.length)
    const n = body.length
    const offset = closes.length - n // the window is the whole 2006 file
    const c = new Float64Array(closes.slice(offset))
    const z = new Float64Array(n)
    const [ema10] = computeIndicator('ema', {period: 10}, {length: n, time: z, open: z, high: z, low: z, close: c, volume: z})
    for (let i = 0; i < n; i++) {
      const got = body[i][2] === '' ? NaN : Number(body[i][2])
      if (Number.isNaN(ema10[i])) assert.ok(Number.isNaN(got), `row ${i} empty`)
      else assert.ok(Math.abs(got - ema10[i]) < 1e-9, `row ${i}: ${got} vs ${ema10[i]}`)
    }
  })

  it('a plugin strategy without indicatorSeries writes no indicators file', async () => {
    const out = path.join(dir, 'plugin')
    const r = await runCli(['backtest', path.join(ROOT, 'examples', 'orcl-sma-cross.yaml'), '--no-record', '--no-report', '--out', out])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.ok(existsSync(path.join(out, 'trades.csv')))
    assert.ok(!existsSync(path.join(out, 'indicators.csv')))
  })
})
