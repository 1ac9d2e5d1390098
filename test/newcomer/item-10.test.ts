/**
 * Issue 14, item 10, through the real CLI:
 * - an unknown command is a usage error (exit 2) with a did-you-mean and the `--help` to list them;
 * - `bots runs show` gives the period the backtest printed (the last bar's date, not its close);
 * - `bots runs list` fits 120 columns, params cut with …, whole in --json (compare cuts them too);
 * - `npx bots` works from the repository.
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {fitColumns, PARAMS_MAX, renderRunList} from '../../src/cli/render/runs.js'
import {parseJson, ROOT, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

describe('issue 14 item 10: unknown commands', () => {
  it('a typo of a command: did-you-mean, the list hint, exit 2, no stack trace', async () => {
    const r = await runCli(['backtset', 'x.yaml'])
    assert.equal(r.code, 2)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, 'error: "backtset" is not a bots command. Did you mean "backtest"?\n  hint: `bots --help` lists the commands\n')
  })

  it('a typo under a topic suggests the topic\'s command and its --help', async () => {
    const r = await runCli(['runs', 'lst', '--json'])
    assert.equal(r.code, 2)
    assert.equal(r.stderr, 'error: "runs lst" is not a bots command. Did you mean "runs list"?\n  hint: `bots runs --help` lists the commands\n')
  })

  it('a typo of a topic is suggested with the command typed after it', async () => {
    const r = await runCli(['run', 'list'])
    assert.equal(r.code, 2)
    assert.equal(r.stderr, 'error: "run list" is not a bots command. Did you mean "runs list"?\n  hint: `bots --help` lists the commands\n')
  })

  it('nothing close: no guess, still the hint', async () => {
    const r = await runCli(['xyzzy'])
    assert.equal(r.code, 2)
    assert.equal(r.stderr, 'error: "xyzzy" is not a bots command.\n  hint: `bots --help` lists the commands\n')
  })
})

const RULES = `strategy:
  name: rules
  params:
    indicators:
      fast: {type: ema, period: 10}
      slow: {type: ema, period: 30}
    entry:
      long: crosses_above(fast, slow)
      short: crosses_below(fast, slow)
    sizing: {type: quantity, value: 10}
    stop_loss: {percent: 3}
`

describe('issue 14 item 10: recorded runs', () => {
  const dir = tempDir('bots-item-10-')
  const db = path.join(dir, 'runs.duckdb')
  const daily = path.join(dir, 'daily.yaml')
  const intraday = path.join(dir, 'intraday.yaml')
  const backtests: Record<string, {text: string; json: any}> = {}

  before(async () => {
    const data = (f: string) => path.join(ROOT, 'examples', 'data', f)
    // 2014-12-31 is a Wednesday: its daily bar closes at 2015-01-01 00:00 New York time.
    writeFileSync(daily, `name: orcl-rules-daily-with-a-long-name\n${RULES}symbols: [ORCL]\ntimeframe: 1D\nmarket: NYSE\ndata: {source: file, path: ${data('orcl-1995-2014.csv')}}\nbacktest: {start: 2014-01-01, end: 2014-12-31}\n`)
    writeFileSync(intraday, `name: index-rules-5min\n${RULES}symbols: [IDX]\ntimeframe: 5M\nmarket: {timezone: Europe/Berlin, open: "09:00", close: "17:30"}\ndata: {source: file, path: ${data('index-2006-5min.csv')}, time_label: close}\nbroker: {allow_short: true}\nbacktest: {start: 2006-01-02, end: 2006-01-06}\n`)
    for (const [name, spec] of [['daily', daily], ['intraday', intraday]]) {
      // Sequential: each records into the same store.
      const text = await runCli(['backtest', spec, '--db', db])
      assert.equal(text.code, 0, text.stderr)
      const json = await runCli(['backtest', spec, '--db', db, '--json', '--no-record'])
      assert.equal(json.code, 0, json.stderr)
      backtests[name] = {text: text.stdout, json: parseJson(json)}
    }
  })

  const periodLine = (out: string) => out.split('\n').find((l) => /^period\s/.test(l))?.replace(/^period\s+/, '')

  it('runs show prints the period the backtest printed: daily bars end on the last bar\'s date', async () => {
    assert.equal(periodLine(backtests.daily.text), '2014-01-02 → 2014-12-31')
    const r = await runCli(['runs', 'show', '1', '--db', db])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(periodLine(r.stdout), '2014-01-02 → 2014-12-31')
  })

  it('intraday: the last bar\'s open and the market\'s zone, as the backtest prints them', async () => {
    const shown = periodLine(backtests.intraday.text)
    assert.match(shown ?? '', /^2006-01-02 09:00 → 2006-01-06 17:25 Europe\/Berlin$/)
    const r = await runCli(['runs', 'show', '2', '--db', db])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(periodLine(r.stdout), shown)
  })

  it('runs show --json: end is the last bar\'s close as recorded, lastBar its open (the backtest\'s last equity time)', async () => {
    for (const [id, name] of [['1', 'daily'], ['2', 'intraday']] as const) {
      const j = parseJson(await runCli(['runs', 'show', id, '--db', db, '--json']))
      const times: number[] = backtests[name].json.equity.time
      assert.equal(j.lastBar, times[times.length - 1])
      assert.equal(j.end, backtests[name].json.metrics.period.end)
      assert.equal(j.start, times[0])
    }
  })

  it('runs list fits 120 columns with params cut by …; --json keeps them whole', async () => {
    const r = await runCli(['runs', 'list', '--db', db])
    assert.equal(r.code, 0, r.stderr)
    const lines = r.stdout.trimEnd().split('\n')
    assert.equal(lines.length, 3)
    assert.match(lines[0], /^id\s+created \(UTC\)\s+spec\s+strategy\s+params\s+return\s+sharpe\s+max dd\s+trades$/)
    for (const l of lines) assert.ok(l.length <= 120, `${l.length} columns: ${l}`)
    // The long spec name and the params share the cut.
    const row = lines.find((l) => /^ 1 /.test(l))!
    const cells = row.split(/\s{2,}/)
    assert.match(cells[2], /^orcl-rules-daily-with-a-l?o?n?g?.*…$/)
    assert.match(cells[4], /^entry=\{"long":"crosses_.*…$/)
    assert.ok(Math.abs(cells[2].length - cells[4].length) <= 1, row)
    const j = parseJson(await runCli(['runs', 'list', '--db', db, '--json']))
    assert.deepEqual(j.runs[1].params, {
      entry: {long: 'crosses_above(fast, slow)', short: 'crosses_below(fast, slow)'},
      indicators: {fast: {period: 10, type: 'ema'}, slow: {period: 30, type: 'ema'}},
      sizing: {type: 'quantity', value: 10},
      stop_loss: {percent: 3},
    })
  })

  it('runs compare cuts params the same way', async () => {
    const r = await runCli(['runs', 'compare', '1', '2', '--db', db])
    assert.equal(r.code, 0, r.stderr)
    const params = r.stdout.split('\n').find((l) => l.startsWith('params'))!
    assert.match(params, /^params\s+entry=\{"long":"crosses_above\(fast, slow…\s+entry=\{"long":"crosses_above\(fast, slow…$/)
  })
})

describe('issue 14 item 10: list width (renderer)', () => {
  const header = ['id', 'created (UTC)', 'spec', 'strategy', 'params', 'return', 'sharpe', 'max dd', 'trades']
  const row = ['7', '2026-01-01 00:00:00', 's'.repeat(50), 'rules', 'p'.repeat(PARAMS_MAX), '1.00%', '0.50', '2.00%', '3']

  it('a narrower terminal: the widest text column gives way first, down to its floor', () => {
    // 159 columns at full width: 59 too many, cut from the spec name (50) and params (40): 31 left for both.
    const [fit] = fitColumns(header, [row], 100)
    assert.equal(fit[4], `${'p'.repeat(14)}…`)
    assert.equal(fit[2], `${'s'.repeat(15)}…`)
    assert.equal(fit.map((c, i) => c.padEnd(header[i].length)).join('  ').length, 100)
    // Too narrow to fit: every text column at its floor, nothing else cut.
    const [floor] = fitColumns(header, [row], 40)
    assert.deepEqual([floor[2].length, floor[3], floor[4].length], [12, 'rules', 12])
  })

  it('a wide terminal cuts params at 40 characters all the same', () => {
    const wide = renderRunList([], false, 300)
    assert.equal(wide, 'no runs recorded yet (`bots backtest SPEC` records one)')
    const [fit] = fitColumns(header, [[...row.slice(0, 4), 'q'.repeat(PARAMS_MAX), ...row.slice(5)]], 300)
    assert.equal(fit[4].length, PARAMS_MAX)
  })
})

describe('issue 14 item 10: npx bots', () => {
  it('npx bots --version runs this repository\'s CLI (package.json bin), nothing downloaded', () => {
    const r = spawnSync('npx', ['bots', '--version'], {cwd: ROOT, encoding: 'utf8', env: {...process.env, npm_config_yes: 'false', npm_config_offline: 'true'}})
    assert.equal(r.status, 0, r.stderr)
    assert.match(r.stdout, /^bots\/\d+\.\d+\.\d+ \S+ node-v\d+/)
  })
})
