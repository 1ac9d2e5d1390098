/**
 * Issue 14 (items 1 and 10, a newcomer's timeframe mistakes): a spec whose timeframe the store does
 * not hold says what to do. The hint suggested `bots data resample ORCL --from 1D --to 1H`, a
 * command that fails ("cannot resample 1D bars to 1H"); now it suggests resampling only from a
 * stored timeframe that can make the asked bars (the longest such), else importing them. Through
 * the real CLI, and the suggested command is run to show it works.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {ROOT, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const ORCL = path.join(ROOT, 'examples/data/orcl-1995-2014.csv')
const IDX = path.join(ROOT, 'examples/data/index-2006-5min.csv')

function spec(dir: string, o: {symbol: string; timeframe: string; market: string; start: string; end: string}): string {
  const file = path.join(dir, `${o.symbol}-${o.timeframe}.yaml`)
  writeFileSync(
    file,
    [
      `name: ${o.symbol.toLowerCase()}-${o.timeframe.toLowerCase()}`,
      'strategy: {name: buy-and-hold}',
      `symbols: [${o.symbol}]`,
      `timeframe: ${o.timeframe}`,
      `market: ${o.market}`,
      'data: {source: store}',
      `backtest: {start: ${o.start}, end: ${o.end}}`,
      '',
    ].join('\n'),
  )
  return file
}

describe('a timeframe the store does not hold: the hint suggests only a resample that works (CLI)', () => {
  const dir = tempDir('bots-resample-hint-')
  const db = path.join(dir, 'hint.duckdb')
  const bots = (...args: string[]) => runCli([...args, '--db', db])
  const berlin = '{timezone: Europe/Berlin, open: "09:00", close: "17:30"}'

  it('daily bars stored, 1H asked: no resample suggested (it cannot make shorter bars), import instead', async () => {
    assert.equal((await bots('data', 'import', ORCL, '--symbol', 'ORCL', '--tz', 'America/New_York')).code, 0)
    const r = await bots('backtest', spec(dir, {symbol: 'ORCL', timeframe: '1H', market: 'NYSE', start: '2014-01-02', end: '2014-12-31'}), '--no-record', '--no-report')
    assert.equal(r.code, 1, r.stdout)
    assert.match(r.stderr, /error no 1H bars for ORCL in the store/)
    assert.match(r.stderr, /hint: the store has ORCL at 1D: use that timeframe, or import 1H bars \(bots data import FILE --symbol ORCL --timeframe 1H\); resampling only makes longer bars/)
    assert.doesNotMatch(r.stderr, /data resample/)
    // What the old hint suggested indeed fails.
    assert.equal((await bots('data', 'resample', 'ORCL', '--from', '1D', '--to', '1H')).code, 1)
  })

  it('5-minute bars stored, 1H asked: the suggested resample is a command that works, then the backtest runs', async () => {
    assert.equal((await bots('data', 'import', IDX, '--symbol', 'IDX', '--time-label', 'close', '--tz', 'Europe/Berlin')).code, 0)
    const file = spec(dir, {symbol: 'IDX', timeframe: '1H', market: berlin, start: '2006-01-02', end: '2006-01-31'})
    const r = await bots('backtest', file, '--no-record', '--no-report')
    assert.equal(r.code, 1, r.stdout)
    const m = /hint: the store has IDX at 5M: use that timeframe, or make 1H bars with `bots data (resample IDX --from 5M --to 1H)`/.exec(r.stderr)
    assert.ok(m, r.stderr)
    const resample = await bots('data', ...m[1].split(' '), '--tz', 'Europe/Berlin')
    assert.equal(resample.code, 0, resample.stderr)
    const again = await bots('backtest', file, '--no-record', '--no-report')
    assert.equal(again.code, 0, again.stderr)
  })

  it('several stored timeframes: the longest that can make the asked bars is suggested (1H for 2H, not 5M)', async () => {
    const r = await bots('backtest', spec(dir, {symbol: 'IDX', timeframe: '2H', market: berlin, start: '2006-01-02', end: '2006-01-31'}), '--no-record', '--no-report')
    assert.equal(r.code, 1, r.stdout)
    assert.match(r.stderr, /hint: the store has IDX at (5M, 1H|1H, 5M): use that timeframe, or make 2H bars with `bots data resample IDX --from 1H --to 2H`/)
  })
})
