/**
 * Issue 15, item 2: `bots backtest SPEC --out DIR` also writes indicators.csv and
 * indicators.parquet for a `rules` strategy: `time`, `symbol`, one column per indicator output
 * (`name`, or `name.output`), one row per bar, empty before an indicator has a value. The values
 * are the run's own (checked against computeIndicator on the same bars, and the Parquet file
 * against the CSV). A plugin without `indicatorSeries` writes no indicators file.
 */
import assert from 'node:assert/strict'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
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

  it('a higher timeframe\'s values change on the bar where the run saw them change: a week at Friday\'s close (found by an audit: one bar later)', async () => {
    const specDir = tempDir('bots-indicators-weekly-')
    const spec = path.join(specDir, 'wk.yaml')
    writeFileSync(spec, [
      'name: wk',
      'strategy:',
      '  name: rules',
      '  params:',
      '    indicators: {wk: {type: sma, period: 2, timeframe: 1W}}',
      '    entry: {long: wk > 2.12}',
      'symbols: [ORCL]',
      'timeframe: 1D',
      'market: NYSE',
      `data: {source: file, path: ${JSON.stringify(path.join(ROOT, 'examples', 'data', 'orcl-1995-2014.csv'))}}`,
      'broker: {cash: 100000}',
      'backtest: {start: 1995-01-03, end: 1995-03-31}',
      '',
    ].join('\n'))
    const out = path.join(specDir, 'out')
    const r = await runCli(['backtest', spec, '--db', path.join(specDir, 'store.duckdb'), '--no-record', '--no-report', '--out', out])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    const [header, ...body] = rows(path.join(out, 'indicators.csv'))
    const k = header.indexOf('wk')
    const [, ...trades] = rows(path.join(out, 'trades.csv')).length > 1 ? rows(path.join(out, 'trades.csv')) : [[]]
    const fills = JSON.parse((await runCli(['backtest', spec, '--db', path.join(specDir, 'store.duckdb'), '--no-record', '--json'])).stdout).fills as Array<{time: number}>
    assert.ok(fills.length > 0, `${trades.length} trades`)
    // The entry filled at the open of the bar after its signal: the signal bar's row must show the
    // value that made it (> 2.12), the row before it one that did not.
    const fillRow = body.findIndex((b) => Date.parse(b[0]) >= fills[0].time)
    const signal = Number(body[fillRow - 1][k])
    const before = body[fillRow - 2][k] === '' ? NaN : Number(body[fillRow - 2][k])
    assert.ok(signal > 2.12, `the signal bar ${body[fillRow - 1][0]} shows ${signal}`)
    assert.ok(!(before > 2.12), `the bar before it ${body[fillRow - 2][0]} shows ${before}`)
    // And the weekly value changes on Fridays' rows (the week's last trading day), not on Mondays'.
    const changes = body.filter((b, i) => i > 0 && b[k] !== '' && b[k] !== body[i - 1][k]).map((b) => new Date(Date.parse(b[0])).getUTCDay())
    assert.ok(changes.length >= 8 && changes.filter((d) => d === 5).length >= changes.length - 2, `weekdays of the changes: ${changes.join(',')}`)
  })
})
