/**
 * Multi-timeframe rules through the real CLI (issue 15, item 3): examples/multi-timeframe.yaml
 * (inline rules with `close@1D`, `low@1D`, `close@1H`, a daily SMA and an hourly RSI on 5-minute
 * bars) validates, backtests with trades and passes `bots check` (no decision changes when later
 * bars are removed); a strategy spec (`kind: strategy`) with a daily SMA does the same; a bad `@`
 * suffix is a located error from `bots validate`.
 */
import assert from 'node:assert/strict'
import {copyFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {ROOT, parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const EXAMPLE = path.join(ROOT, 'examples', 'multi-timeframe.yaml')

const STRATEGY = `kind: strategy
name: daily-trend
params:
  days: {type: integer, default: 5, minimum: 1}
rules:
  indicators:
    daily_sma:
      type: sma
      period: \${days}
      timeframe: 1D
    fast: {type: sma, period: 12}
  entry:
    long: close@1D > daily_sma and close@1D[1] < close@1D and close > fast
  exit:
    long: close < fast and close < close@1D
`

const bot = (strategy: string) => `name: daily-trend-5m
strategy: ${strategy}
symbols: [IDX]
timeframe: 5M
market: {timezone: Europe/Berlin, open: "09:00", close: "17:30"}
data: {source: file, path: idx5.csv, time_label: close}
backtest: {start: 2006-01-02, end: 2006-01-30}
`

describe('multi-timeframe rules through the CLI', () => {
  const dir = tempDir('bots-mtf-')
  const db = path.join(dir, 'store.duckdb')

  before(() => {
    copyFileSync(path.join(ROOT, 'examples', 'data', 'index-2006-5min.csv'), path.join(dir, 'idx5.csv'))
    writeFileSync(path.join(dir, 'daily-trend.yaml'), STRATEGY)
    writeFileSync(path.join(dir, 'spec-bot.yaml'), bot('{path: daily-trend.yaml, params: {days: 4}}'))
    writeFileSync(path.join(dir, 'bad.yaml'), bot('\n  name: rules\n  params:\n    entry: {long: "close > 0 and close@daily > 1"}'))
  })

  it('examples/multi-timeframe.yaml validates, backtests with trades and passes bots check', async () => {
    const v = await runCli(['validate', EXAMPLE])
    assert.equal(v.code, 0, v.stdout + v.stderr)
    const r = await runCli(['backtest', EXAMPLE, '--db', db, '--json'])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    const j = parseJson(r)
    assert.equal(j.strategy, 'rules')
    assert.ok(j.trades.length >= 2, `${j.trades.length} trades`)
    const c = await runCli(['check', EXAMPLE, '--db', db, '--json'])
    assert.equal(c.code, 0, c.stdout + c.stderr)
    const k = parseJson(c)
    assert.equal(k.passed, true)
    assert.ok(k.decisions > 0 && k.cuts.length >= 4)
  })

  it('a strategy spec with a daily SMA and close@1D: backtest and bots check', async () => {
    const r = await runCli(['backtest', 'spec-bot.yaml', '--db', db, '--json'], {cwd: dir})
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.ok(parseJson(r).trades.length >= 1)
    const c = await runCli(['check', 'spec-bot.yaml', '--db', db, '--json'], {cwd: dir})
    assert.equal(c.code, 0, c.stdout + c.stderr)
    assert.equal(parseJson(c).passed, true)
  })

  it('bots validate: an unknown `@` suffix is located inside the expression', async () => {
    const r = await runCli(['validate', 'bad.yaml'], {cwd: dir})
    assert.notEqual(r.code, 0)
    const text = bot('\n  name: rules\n  params:\n    entry: {long: "close > 0 and close@daily > 1"}')
    const lines = text.split('\n')
    const line = lines.findIndex((l) => l.includes('close@daily')) + 1
    const column = lines[line - 1].indexOf('daily') + 1
    assert.match(r.stdout + r.stderr, new RegExp(`bad\\.yaml:${line}:${column}\\b.*unknown timeframe \`@daily\``))
  })
})
