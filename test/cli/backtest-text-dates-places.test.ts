/**
 * The backtest text's dates and places (found in review): a warning logged in `initialize` is
 * dated by the first bar's day, not the day before; the `live.feed.start` warning is located in
 * the spec as given (file:line:col), as the run's other warnings are.
 */
import assert from 'node:assert/strict'
import {cpSync, mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {it} from 'node:test'
import {ROOT, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

it('a warning the strategy logs in initialize is dated by the first bar of the run, not the day before it', async () => {
  const dir = tempDir('bots-initlog-')
  cpSync(path.join(ROOT, 'examples/data'), path.join(dir, 'data'), {recursive: true})
  mkdirSync(path.join(dir, 'plugins'))
  writeFileSync(path.join(dir, 'plugins', 'init-warner.js'), `export default {
  name: 'init-warner',
  description: 'Warns once, in initialize.',
  params: {type: 'object', properties: {}, additionalProperties: false},
  create() {
    return {initialize(ctx) { ctx.log.warn('said in initialize') }, onTradingIteration() {}}
  },
}
`)
  const spec = path.join(dir, 'w.yaml')
  writeFileSync(spec, `name: w
strategy: {name: init-warner}
symbols: [ORCL]
timeframe: 1D
market: NYSE
data: {source: file, path: data/orcl-1995-2014.csv}
broker: {cash: 1000}
backtest: {start: 2006-01-03, end: 2006-01-31}
`)
  const r = await runCli(['backtest', spec, '--strategies', 'plugins', '--db', path.join(dir, 's.duckdb'), '--no-record', '--no-report'], {cwd: dir})
  assert.equal(r.code, 0, r.stderr)
  // By hand: the run's first bar is 2006-01-03 (the period line says so); initialize runs at that
  // bar's open, 2006-01-03 00:00 New York (the --json log time is 2006-01-03T05:00Z). logTime()
  // subtracts 1 ms for every daily log (meant for iterations at the next midnight), which dates
  // this one 2006-01-02, a day before the run (and a NYSE holiday).
  assert.match(r.stdout, /period\s+2006-01-03 → /)
  const line = r.stdout.split('\n').find((l) => l.includes('said in initialize'))
  assert.equal(line, 'strategy warning 2006-01-03 said in initialize')
})

it('the live.feed.start warning is located like the others: the spec path given, line and column', async () => {
  const dir = tempDir('bots-livestart-')
  const r = await runCli(['backtest', 'examples/live-replay.yaml', '--db', path.join(dir, 's.duckdb'), '--no-record', '--no-report'])
  assert.equal(r.code, 0, r.stderr)
  const line = r.stdout.split('\n').find((l) => l.includes('/live/feed/start'))
  // By hand: examples/live-replay.yaml line 19 is `    start: 2014-01-02`; its value begins at
  // column 12 (4 spaces + `start: `), as other warnings name the value's position
  // (monthly-rebalance's `market: NYSE` at 17:9). Every other backtest warning starts with the
  // path as given + :line:column; this one printed `/work/main/examples/live-replay.yaml warning …`
  // (absolute, no line), since liveStartWarning() puts outcome.spec.file in without locateInSpec.
  assert.ok(line?.startsWith('examples/live-replay.yaml:19:12 warning /live/feed/start live.feed.start (2014-01-02)'), line)
})
