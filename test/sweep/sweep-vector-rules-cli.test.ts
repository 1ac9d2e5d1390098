/**
 * Sweeps of strategies made of rules on the vector path, through the real CLI: the shipped
 * golden-cross strategy spec on ORCL's daily NYSE bars, and a long + short RSI spec with
 * reversals and thresholds from its params, give the ranking and metrics of the engine path
 * (BOTS_SWEEP_PATH=engine); rules the vector path does not reproduce (a stop-loss) take the
 * engine and say why.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {parseJson, ROOT, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {bothPaths} from './both-paths.js'

const GOLDEN = 'examples/golden-cross.yaml'
/** A bot spec on ORCL's daily bars using strategy spec `rules` (YAML text), both in a temp folder. */
function rsiBot(rules: string, broker = 'broker: {cash: 50000, allow_short: true, commission: {percent: 0.1, minimum: 1}}'): string {
  const dir = tempDir()
  writeFileSync(path.join(dir, 'rsi.yaml'), rules)
  const spec = path.join(dir, 'bot.yaml')
  writeFileSync(spec, [
    'name: rsi-sweep', 'strategy: {path: rsi.yaml}', 'symbols: [ORCL]', 'timeframe: 1D', 'market: NYSE',
    `data: {source: file, path: ${JSON.stringify(path.join(ROOT, 'examples/data/orcl-1995-2014.csv'))}}`, broker,
    'backtest: {start: 1995-01-03, end: 2014-12-31}', '',
  ].join('\n'))
  return spec
}

const RSI_RULES = `kind: strategy
name: rsi-both-ways
params:
  period: {type: integer, default: 14, minimum: 2}
  oversold: {type: number, default: 30}
  overbought: {type: number, default: 70}
rules:
  indicators:
    rsi: {type: rsi, period: "\${period}"}
    trend: {type: ema, period: 50}
  entry:
    long: rsi < oversold and close > trend[1]
    short: crosses_below(rsi, overbought)
  exit:
    long: rsi > overbought
    short: rsi < \${oversold} + 10
  sizing: {type: percent_equity, value: 40}
`

describe('bots backtest --sweep: the rules vector path against the engine (real CLI)', () => {
  it('the shipped golden-cross strategy spec on ORCL daily bars: the same ranking and metrics both ways', async () => {
    const db = path.join(tempDir(), 'orcl.duckdb')
    const {vector} = await bothPaths(['backtest', GOLDEN, '--db', db, '--no-record', '--sweep', 'fast=10..50:10', '--sweep', 'slow=60..200:35', '--rank-by', 'total_return'], 'rules')
    assert.equal(vector.valid, 25)
    assert.ok(vector.runs.some((r: any) => r.metrics.trades > 10), 'the sweep trades')
  })

  it('long and short on RSI thresholds, with reversals: the same both ways; the stage line counts the series', async () => {
    const spec = rsiBot(RSI_RULES)
    const db = path.join(tempDir(), 'orcl.duckdb')
    const {vector} = await bothPaths(['backtest', spec, '--db', db, '--no-record', '--sweep', 'period=7,14,21', '--sweep', 'oversold=25,35', '--sweep', 'overbought=65,75'], 'rules')
    assert.equal(vector.valid, 12)
    assert.ok(vector.runs.some((r: any) => r.metrics.trades > 20), 'the sweep trades')
    const plain = await runCli(['backtest', spec, '--db', db, '--no-record', '--sweep', 'period=7,14', '--sweep', 'oversold=30'], {env: {CI: 'false'}})
    assert.equal(plain.code, 0, plain.stderr)
    // RSI(7), RSI(14) and the one EMA(50).
    assert.match(plain.stderr, /vector path: 2 runs from 3 indicator series computed once/)
  })

  it('rules with a stop-loss take the engine, which says why', async () => {
    const spec = rsiBot(RSI_RULES.replace('  sizing:', '  stop_loss: {percent: 5}\n  sizing:'))
    const r = await runCli(['backtest', spec, '--db', path.join(tempDir(), 'x.duckdb'), '--no-record', '--sweep', 'period=7,14', '--json'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(parseJson(r).path, {kind: 'engine', reason: 'rules with stop_loss (stop and limit orders)'})
  })
})
