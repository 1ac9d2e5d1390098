/**
 * Issue 14, items 7-9 (and the backtest parts of item 10), through the real CLI:
 * - 7: sma-cross sizes by `percent` of the portfolio value; the shipped example uses it (a
 *   sensible return), `quantity` still works (the Backtrader agreement spec under test/golden),
 *   and the two together are refused with a message naming both.
 * - 8: the summary names the store with the run id; the HTML report is written by default beside
 *   the store and its path printed; `--no-report` writes none; `--report` into a missing folder
 *   is an error naming it.
 * - 9: Ctrl-C (SIGINT) during a backtest prints how far it got and exits 130; an interrupted
 *   sweep records the combinations that finished and says how many. No sleeps: the signal is
 *   sent when the first progress line appears. The backtest's strategy spins (in its worker)
 *   from a bar past that line, so the signal always finds the run going: a shipped strategy
 *   runs 500,000 bars in ~50 ms, and a signal sent on its 10% line could arrive after the run.
 *   (That an in-process run gives Ctrl-C's handler a turn is tested in test/engine/lifecycle.)
 * - 10: a missing spec exits 2; `--param nope=1` names the parameter and lists the valid ones;
 *   a spec's `live.feed.start` is reported as not applying to a backtest.
 */
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import smaCross from '../../strategies/sma-cross.js'
import {BIN, parseJson, ROOT, runCli} from '../helpers/cli.js'
import {interruptCli} from '../helpers/interrupt-cli.js'
import {tempDir} from '../helpers/tmp.js'


describe('item 7: percent-of-equity sizing in sma-cross and the shipped examples', () => {
  it('quantity and percent are mutually exclusive, with a message naming both on percent', () => {
    assert.deepEqual(smaCross.check!({fast: 10, slow: 30, percent: 95}), [])
    assert.deepEqual(smaCross.check!({fast: 10, slow: 30, quantity: 10}), [])
    const [p] = smaCross.check!({fast: 10, slow: 30, quantity: 10, percent: 95})
    assert.equal(p.param, 'percent')
    assert.match(p.message, /quantity \(10\) and percent \(95\) are mutually exclusive/)
  })

  it('the shipped daily example invests most of its cash: a return of the order of buy-and-hold, not 0.23%', async () => {
    const db = path.join(tempDir(), 's.duckdb')
    const r = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', db, '--no-record', '--risk-free', '2%', '--json'])
    assert.equal(r.code, 0, r.stderr)
    const out = parseJson(r)
    const s = out.metrics.strategy
    assert.ok(s.totalReturn > 1, `total return ${s.totalReturn}`) // +287% with percent: 90
    assert.ok(s.volatility > 0.1, `volatility ${s.volatility}`)
    assert.ok(s.sharpe > 0, `sharpe ${s.sharpe}`)
    assert.equal(out.counts.rejected, 0)
    // Each entry is floor(90% × value / close) shares at the signal bar's close.
    const first = out.fills[0]
    assert.ok(first.quantity * first.price > 80_000 && first.quantity * first.price < 100_000, `first buy ${first.quantity} @ ${first.price}`)
    assert.equal(Number.isInteger(first.quantity), true)
  })

  it('the examples that use sma-cross validate; a --param quantity on a percent spec is a clear error', async () => {
    const ok = await runCli(['validate', 'examples/orcl-sma-cross.yaml', 'examples/index-5min-intraday.yaml', 'examples/live-replay.yaml', 'test/golden/backtrader/orcl-sma10-30-comm0.1.yaml'])
    assert.equal(ok.code, 0, ok.stdout + ok.stderr)
    const both = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--no-record', '--db', path.join(tempDir(), 's.duckdb'), '--param', 'quantity=5'])
    assert.equal(both.code, 1)
    // The flag given is named (not the spec's percent, which no flag set), with how to drop the spec's value.
    assert.match(both.stderr, /--param quantity: quantity \(5\) and percent \(90\) are mutually exclusive/)
    assert.match(both.stderr, /`--param percent=null` drops it/)
  })
})

describe('item 8: where the results went', () => {
  const dir = tempDir()
  const db = path.join(dir, 'store', 'bots.duckdb')

  it('prints the store with the run id and writes the report beside the store by default', async () => {
    const r = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', db])
    assert.equal(r.code, 0, r.stderr)
    const report = path.join(dir, 'store', 'reports', 'orcl-sma-cross-run1.html')
    assert.match(r.stdout, new RegExp(`recorded as run 1 in ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(bots runs show 1 --db `))
    assert.ok(r.stdout.includes(`report ${report}`), r.stdout)
    assert.ok(existsSync(report))
    const json = parseJson(await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', db, '--json']))
    assert.deepEqual([json.runId, json.store, json.report], [2, db, path.join(dir, 'store', 'reports', 'orcl-sma-cross-run2.html')])
  })

  it('in a project folder the default store and report are under .bots/, printed relative', async () => {
    const cwd = tempDir()
    // A project keeps its data inside it (a spec may not name files outside its tree).
    mkdirSync(path.join(cwd, 'data'))
    copyFileSync(path.join(ROOT, 'examples/data/index-2006-daily.csv'), path.join(cwd, 'data', 'index-2006-daily.csv'))
    writeFileSync(path.join(cwd, 'bot.yaml'), `name: idx_daily\nstrategy: {name: sma-cross, params: {percent: 50}}\nsymbols: [IDX]\ntimeframe: 1D\nmarket: NYSE\ndata: {source: file, path: data/index-2006-daily.csv}\n`)
    const r = await runCli(['backtest', 'bot.yaml'], {cwd})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /recorded as run 1 in \.bots\/bots\.duckdb \(bots runs show 1\)/)
    assert.match(r.stdout, /report \.bots\/reports\/idx_daily-run1\.html/)
    assert.ok(existsSync(path.join(cwd, '.bots/reports/idx_daily-run1.html')))
  })

  it('--no-report writes none; --no-record writes no default report', async () => {
    const r = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', db, '--no-report', '--json'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(parseJson(r).report, null)
    const n = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', db, '--no-record', '--json'])
    assert.equal(parseJson(n).report, null)
    assert.deepEqual(readdirSync(path.join(dir, 'store', 'reports')).sort(), ['orcl-sma-cross-run1.html', 'orcl-sma-cross-run2.html'])
    const both = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', db, '--no-report', '--report', path.join(dir, 'r.html')])
    assert.equal(both.code, 2)
  })

  it('--report into a missing folder, or naming a folder, is an error saying so, before any work; a file in an existing folder works', async () => {
    const r = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', db, '--report', '/nonexistent/dir/r.html'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /--report \/nonexistent\/dir\/r\.html: the folder \/nonexistent\/dir does not exist/)
    assert.doesNotMatch(r.stderr, /Backtest/) // refused before the run
    assert.equal(existsSync('/nonexistent'), false)
    const folder = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', db, '--report', dir])
    assert.equal(folder.code, 1)
    assert.match(folder.stderr, /--report .*: that is a folder; the report is one HTML file/)
    assert.doesNotMatch(folder.stderr, /Backtest/) // refused before the run
    const ok = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', db, '--no-record', '--report', path.join(dir, 'mine.html'), '--json'])
    assert.equal(parseJson(ok).report, path.join(dir, 'mine.html'))
    assert.ok(existsSync(path.join(dir, 'mine.html')))
  })
})

/** A plugin that spins in onTradingIteration from its spin_at-th bar, forever (it runs in a worker). */
const SPINNER = `
import {defineStrategy} from 'bots'

export default defineStrategy({
  name: 'spinner',
  description: 'Spins forever from its spin_at-th bar.',
  params: {type: 'object', properties: {spin_at: {type: 'integer', minimum: 1, description: 'The bar it spins at.'}}, required: ['spin_at'], additionalProperties: false},
  create: (p: {spin_at: number}) => ({
    onTradingIteration(ctx) {
      if (ctx.barCount() >= p.spin_at) for (;;) {}
    },
  }),
})
`

describe('item 9: Ctrl-C', () => {
  const dir = tempDir()
  const spec = path.join(dir, 'big.yaml')
  const plugins = path.join(dir, 'plugins')
  before(async () => {
    const gen = await new Promise<number | null>((resolve) => spawn(process.execPath, [path.join(ROOT, 'bench/gen-ohlcv.mjs'), '--rows', '500000', '--out', path.join(dir, 'bars.csv')], {stdio: 'ignore'}).on('close', resolve))
    assert.equal(gen, 0)
    mkdirSync(plugins)
    writeFileSync(path.join(plugins, 'spinner.ts'), SPINNER)
    // Spins past the 10% line (the first the test waits for), so the run is going when the signal comes.
    writeFileSync(spec, 'name: big\nstrategy: {name: spinner, params: {spin_at: 300000}}\nsymbols: [GEN]\ntimeframe: 1M\nmarket: 24/7\ndata: {source: file, path: bars.csv}\n')
  })

  it('during a backtest: "interrupted at N of M bars", exit 130', async () => {
    const r = await interruptCli(['backtest', spec, '--db', path.join(dir, 's.duckdb'), '--no-record', '--strategies', plugins], /running \d+% · /, {env: {CI: ''}})
    assert.ok(r.sent, r.stderr)
    assert.equal(r.code, 130, r.stdout + r.stderr)
    assert.match(r.stderr, /\ninterrupted at [\d,]+ of 500,000 bars\n$/)
    assert.equal(r.stdout, '')
  })

  const hasScript = spawnSync('script', ['--version']).status === 0
  it('in a terminal (a pty from script(1)), Ctrl-C shows the cursor again and says how far it got', {skip: !hasScript && 'no script(1)'}, async () => {
    const command = `stty cols 120 rows 40; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} backtest ${JSON.stringify(spec)} --db ${JSON.stringify(path.join(dir, 's.duckdb'))} --no-record --strategies ${JSON.stringify(plugins)}`
    const r = await new Promise<{code: number | null; out: string; sent: boolean}>((resolve, reject) => {
      const child = spawn('script', ['-qefc', command, '/dev/null'], {cwd: dir, env: {...process.env, CI: ''}, stdio: ['pipe', 'pipe', 'pipe']})
      let out = ''
      let sent = false
      const timer = setTimeout(() => child.kill('SIGKILL'), 300_000) // safety net only
      const onData = (d: Buffer) => {
        out += d.toString('utf8')
        if (!sent && /running \d+% · /.test(out)) {
          sent = true
          child.stdin.write('\u0003') // Ctrl-C, as typed: the terminal sends SIGINT
        }
      }
      child.stdout.on('data', onData)
      child.stderr.on('data', onData)
      child.on('error', reject)
      child.on('close', (code) => {
        clearTimeout(timer)
        resolve({code, out, sent})
      })
    })
    assert.ok(r.sent, r.out)
    assert.equal(r.code, 130, r.out)
    const hidden = r.out.lastIndexOf('\u001B[?25l')
    assert.ok(hidden >= 0, 'the live renderer hid the cursor')
    assert.ok(r.out.lastIndexOf('\u001B[?25h') > hidden, 'and it is shown again')
    assert.match(r.out, /\ninterrupted at [\d,]+ of 500,000 bars\r?\n$/)
  })

  it('during a sweep: the finished combinations are kept and recorded, and counted; exit 130', async () => {
    const db = path.join(tempDir(), 's.duckdb')
    const args = ['backtest', 'examples/orcl-sma-cross.yaml', '--db', db, '--sweep', 'fast=2..60:1', '--sweep', 'slow=10..200:2', '--workers', '2']
    const r = await interruptCli(args, /\d+\/4988 runs on/, {env: {CI: ''}})
    assert.ok(r.sent, r.stderr)
    assert.equal(r.code, 130, r.stdout + r.stderr)
    const m = /interrupted: kept the (\d+) of 4988 combinations that finished; recorded as sweep 1\n/.exec(r.stderr)
    assert.ok(m, r.stderr)
    const kept = Number(m[1])
    assert.ok(kept >= 1 && kept < 4988, `kept ${kept}`)
    assert.match(r.stdout, new RegExp(`, ${kept} ran on 2 workers`))
    const list = parseJson(await runCli(['runs', 'list', '--db', db, '--json', '--limit', '10000']))
    assert.equal(list.runs.length, kept)
  })
})

describe('item 10 (backtest): usage and messages', () => {
  it('a missing spec path exits 2, as in validate', async () => {
    const r = await runCli(['backtest', 'no/such/spec.yaml'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /no such file: no\/such\/spec\.yaml/)
  })

  it('--param with an unknown name names it and lists the valid ones', async () => {
    const r = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--no-record', '--db', path.join(tempDir(), 's.duckdb'), '--param', 'fast=5', '--param', 'nope=1'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /--param nope: strategy "sma-cross" has no parameter `nope`/)
    assert.match(r.stderr, /hint: its parameters: fast, slow, quantity, percent/)
    assert.doesNotMatch(r.stderr, /additional properties/)
  })

  it('--sweep over a name the strategy does not have is one clear error, not N skipped combinations', async () => {
    const r = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--no-record', '--db', path.join(tempDir(), 's.duckdb'), '--sweep', 'nope=1,2'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /--sweep nope: strategy "sma-cross" has no parameter `nope`/)
    assert.match(r.stderr, /hint: its parameters: fast, slow, quantity, percent/)
  })

  it('a live spec backtested: live.feed.start is said not to apply', async () => {
    const r = await runCli(['backtest', 'examples/live-replay.yaml', '--no-record', '--db', path.join(tempDir(), 's.duckdb'), '--json'])
    assert.equal(r.code, 0, r.stderr)
    const [w] = parseJson(r).warnings.filter((d: any) => d.path === '/live/feed/start')
    assert.match(w.message, /live\.feed\.start \(2014-01-02\) applies to `bots live` only; the backtest uses the whole data/)
    // Found by an audit: --start (or backtest.start) on that very day got the same warning and a hint to do what was done.
    const same = await runCli(['backtest', 'examples/live-replay.yaml', '--no-record', '--start', '2014-01-02', '--db', path.join(tempDir(), 's.duckdb'), '--json'])
    assert.equal(same.code, 0, same.stderr)
    assert.deepEqual(parseJson(same).warnings.filter((d: any) => d.path === '/live/feed/start'), [])
    // The same day written as a date-time is that very day too (found by the review).
    const spelled = await runCli(['backtest', 'examples/live-replay.yaml', '--no-record', '--start', '2014-01-02T00:00:00', '--db', path.join(tempDir(), 's.duckdb'), '--json'])
    assert.deepEqual(parseJson(spelled).warnings.filter((d: any) => d.path === '/live/feed/start'), [])
  })
})
