/**
 * Issue 14, items 1–3, through the real CLI (`node bin/run.js …`, built `dist/`):
 * 1. a file data source whose rows are spaced unlike the spec's timeframe is a located error, and nothing is stored;
 * 2. `bots validate` turns every error a semantic check throws into a located diagnostic of that file, and reports every file;
 * 3. a backtest window wholly outside the data is a located error (no run recorded); one reaching past it, a warning.
 */
import assert from 'node:assert/strict'
import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {parseJson, runCli, ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const ORCL = path.join(ROOT, 'examples/data/orcl-1995-2014.csv')

/** A bot spec on the daily ORCL file; `timeframe` is on line 5, `backtest.start`/`end` on lines 13/14 (column 10/8). */
function orclSpec(o: {timeframe?: string; start?: string; end?: string} = {}): string {
  return [
    'name: orcl-issue-14', // 1
    'strategy:', // 2
    '  name: buy-and-hold', // 3
    'symbols: [ORCL]', // 4
    `timeframe: ${o.timeframe ?? '1D'}`, // 5
    'market: NYSE', // 6
    'data:', // 7
    '  source: file', // 8
    `  path: ${JSON.stringify(ORCL)}`, // 9
    'broker:', // 10
    '  cash: 100000', // 11
    'backtest:', // 12
    `  start: ${o.start ?? '1995-01-03'}`, // 13
    `  end: ${o.end ?? '2014-12-31'}`, // 14
    '',
  ].join('\n')
}

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name)
  writeFileSync(file, text)
  return file
}

describe('issue 14 item 1: a data file spaced unlike the spec timeframe (bots backtest)', () => {
  it('a daily file under timeframe: 1H is an error at /timeframe with the detected spacing, and nothing is stored', async () => {
    const dir = tempDir()
    const spec = write(dir, 'hourly.yaml', orclSpec({timeframe: '1H'}))
    const db = path.join(dir, 'store.duckdb')

    const text = await runCli(['backtest', spec, '--db', db])
    assert.equal(text.code, 1, text.stdout + text.stderr)
    assert.match(text.stderr, new RegExp(`${spec.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:5:12 error /timeframe: timeframe is 1H, but the rows of ORCL's data file orcl-1995-2014\\.csv are mostly 1D apart`))
    assert.match(text.stderr, /hint: detected spacing 1D: write `timeframe: 1D`/)
    assert.doesNotMatch(text.stdout + text.stderr, /imported .* into the store|bars 754|iterations/)

    const json = await runCli(['backtest', spec, '--db', db, '--json'])
    assert.equal(json.code, 1)
    const {error} = parseJson(json)
    assert.deepEqual([error.code, error.file, error.line, error.column, error.path], ['data.timeframe_mismatch', spec, 5, 12, '/timeframe'])
    assert.match(error.hint, /1D/)

    const list = await runCli(['data', 'list', '--db', db, '--json'])
    assert.equal(list.code, 0, list.stderr)
    assert.deepEqual(parseJson(list), [], 'nothing stored as ORCL 1H (or anything else)')
    const runs = await runCli(['runs', 'list', '--db', db, '--json'])
    assert.deepEqual(parseJson(runs).runs, [])
  })

  it('a series stored earlier under the wrong timeframe is refused too (the file is checked even when unchanged)', async () => {
    const dir = tempDir()
    const db = path.join(dir, 'store.duckdb')
    const imported = await runCli(['data', 'import', ORCL, '--symbol', 'ORCL', '--timeframe', '1H', '--db', db, '--json'])
    assert.equal(imported.code, 0, imported.stderr)
    const spec = write(dir, 'hourly.yaml', orclSpec({timeframe: '1H'}))
    const r = await runCli(['backtest', spec, '--db', db, '--json'])
    assert.equal(r.code, 1, r.stdout)
    assert.equal(parseJson(r).error.code, 'data.timeframe_mismatch')
  })

  it('the same file under timeframe: 1D imports and runs without a warning', async () => {
    const dir = tempDir()
    const spec = write(dir, 'daily.yaml', orclSpec())
    const db = path.join(dir, 'store.duckdb')
    const r = await runCli(['backtest', spec, '--db', db, '--json', '--no-record'])
    assert.equal(r.code, 0, r.stderr)
    const out = parseJson(r)
    assert.deepEqual(out.warnings, [])
    assert.equal(out.metrics.period.bars, 5036)
    assert.deepEqual(out.imports.map((i: any) => i.action), ['imported'])
  })
})

describe('issue 14 item 2: bots validate reports every file, each problem located', () => {
  const VALID = 'name: fine\nstrategy: {name: buy-and-hold}\nsymbols: [X]\ntimeframe: 1D\n'

  it('timeframe: 0M is a located error of its file, and the next file is still validated (text and json)', async () => {
    const dir = tempDir()
    const zero = write(dir, 'zero-tf.yaml', 'name: zero\nstrategy: {name: buy-and-hold}\nsymbols: [X]\ntimeframe: 0M\n')
    const fine = write(dir, 'fine.yaml', VALID)

    const text = await runCli(['validate', zero, fine])
    assert.equal(text.code, 1, text.stderr)
    assert.equal(text.stderr, '')
    assert.match(text.stdout, new RegExp(`✗ ${zero}\\n  ${zero}:4:12 error /timeframe `))
    assert.match(text.stdout, new RegExp(`✓ ${fine}`))
    assert.match(text.stdout, /2 files: 1 valid, 1 invalid/)

    const json = await runCli(['validate', zero, fine, '--format', 'json'])
    assert.equal(json.code, 1)
    const out = parseJson(json)
    assert.deepEqual(out.files.map((f: any) => [f.file, f.valid]), [[zero, false], [fine, true]])
    assert.deepEqual(out.files[0].diagnostics.map((d: any) => [d.line, d.column, d.path]), [[4, 12, '/timeframe']])
  })

  it('a BotsError thrown while checking (a plugin whose params schema does not compile) is located at /strategy/name; the other files are reported', async () => {
    const dir = tempDir()
    const plugins = path.join(dir, 'plugins')
    mkdirSync(plugins)
    write(plugins, 'bad-schema.js', "export default {name: 'bad-schema', description: 'x', params: {type: 'object', properties: {x: {type: 'nonsense'}}}, create: () => ({})}\n")
    const bad = write(dir, 'bad.yaml', 'name: bad\nstrategy:\n  name: bad-schema\nsymbols: [X]\ntimeframe: 1D\n')
    const fine = write(dir, 'fine.yaml', VALID)
    const zero = write(dir, 'zero.yaml', 'name: zero\nstrategy: {name: buy-and-hold}\nsymbols: [X]\ntimeframe: 1D\nsleeptime: 0S\n')

    const text = await runCli(['validate', bad, fine, zero, `--strategies=${plugins}`])
    assert.equal(text.code, 1, text.stderr)
    assert.equal(text.stderr, '', 'no bare error line')
    assert.match(text.stdout, new RegExp(`${bad}:3:9 error /strategy/name strategy "bad-schema" has an invalid params schema`))
    assert.match(text.stdout, /hint: fix the strategy's definition in .*bad-schema\.js/)
    assert.match(text.stdout, new RegExp(`✓ ${fine}`))
    assert.match(text.stdout, new RegExp(`${zero}:5:12 error /sleeptime`))
    assert.match(text.stdout, /3 files: 1 valid, 2 invalid/)

    const json = await runCli(['validate', bad, fine, zero, `--strategies=${plugins}`, '--format', 'json'])
    assert.equal(json.code, 1)
    const out = parseJson(json)
    assert.deepEqual(out.files.map((f: any) => f.file), [bad, fine, zero])
    for (const f of out.files.filter((x: any) => !x.valid)) {
      for (const d of f.diagnostics) assert.ok(Number.isInteger(d.line) && Number.isInteger(d.column), JSON.stringify(d))
    }
    assert.equal(out.files[0].diagnostics[0].code, 'strategy.bad_schema')
  })
})

describe('issue 14 item 3: the backtest window against the data (bots backtest)', () => {
  it('a window wholly after the data is an error at backtest.start naming the data range; no run is recorded', async () => {
    const dir = tempDir()
    const spec = write(dir, 'late.yaml', orclSpec({start: '2018-01-01', end: '2020-01-01'}))
    const db = path.join(dir, 'store.duckdb')

    const text = await runCli(['backtest', spec, '--db', db])
    assert.equal(text.code, 1, text.stdout)
    assert.match(text.stderr, new RegExp(`${spec}:13:10 error /backtest/start: the backtest window 2018-01-01 – 2020-01-01 holds no ORCL bar: the store's ORCL 1D bars run from 1995-01-03 to 2014-12-31`))
    assert.doesNotMatch(text.stdout, /bars +0|recorded as run/)

    const json = await runCli(['backtest', spec, '--db', db, '--json'])
    assert.equal(json.code, 1)
    const {error} = parseJson(json)
    assert.deepEqual([error.code, error.line, error.column, error.path], ['backtest.window_outside_data', 13, 10, '/backtest/start'])

    const flag = await runCli(['backtest', orclSpecFile(dir), '--db', db, '--start', '2016-01-01', '--end', '2017-01-01'])
    assert.equal(flag.code, 1)
    assert.match(flag.stderr, /error --start 2016-01-01: the backtest window 2016-01-01 – 2017-01-01 holds no ORCL bar: .*1995-01-03 to 2014-12-31/)

    const before = await runCli(['backtest', orclSpecFile(dir), '--db', db, '--start', '1980-01-01', '--end', '1990-01-01', '--json'])
    assert.equal(before.code, 1)
    assert.deepEqual([parseJson(before).error.message.startsWith('--end 1990-01-01: '), parseJson(before).error.code], [true, 'backtest.window_outside_data'])

    const runs = await runCli(['runs', 'list', '--db', db, '--json'])
    assert.deepEqual(parseJson(runs).runs, [], 'nothing recorded')
  })

  it('a window reaching past the data is cut to it with a warning naming the data start and end (text and --json)', async () => {
    const dir = tempDir()
    const spec = write(dir, 'past.yaml', orclSpec({start: '2013-01-01', end: '2020-01-01'}))
    const db = path.join(dir, 'store.duckdb')

    const text = await runCli(['backtest', spec, '--db', db])
    assert.equal(text.code, 0, text.stderr)
    assert.match(text.stdout, /warning \/backtest\/end the ORCL data ends at 2014-12-31, before the window's end 2020-01-01: .*1995-01-03 to 2014-12-31/)
    assert.match(text.stdout, /recorded as run 1/)

    const json = await runCli(['backtest', spec, '--db', db, '--json'])
    assert.equal(json.code, 0, json.stderr)
    const {warnings} = parseJson(json)
    assert.equal(warnings.length, 1, JSON.stringify(warnings))
    assert.deepEqual([warnings[0].severity, warnings[0].code, warnings[0].file, warnings[0].line, warnings[0].column, warnings[0].path], ['warning', 'backtest.window_past_data', spec, 14, 8, '/backtest/end'])
    assert.match(warnings[0].message, /ends at 2014-12-31.*from 1995-01-03 to 2014-12-31/)

    const early = await runCli(['backtest', spec, '--db', db, '--json', '--no-record', '--start', '1994-06-01', '--end', '1995-06-30'])
    assert.equal(early.code, 0, early.stderr)
    const w = parseJson(early).warnings
    assert.deepEqual(w.map((x: any) => [x.code, x.path, x.line]), [['backtest.window_past_data', undefined, undefined]], 'a flag set the start: no spec location')
    assert.match(w[0].message, /^--start 1994-06-01: the ORCL data starts at 1995-01-03, after the window's start 1994-06-01/)
  })

  it('a window that starts on a weekend or holiday before the first bar, or ends after the last bar on a holiday, is not warned about', async () => {
    const dir = tempDir()
    // 1995-01-01 is a Sunday and 1995-01-02 a holiday (the first bar is 1995-01-03); 2015-01-01 is a holiday.
    const spec = write(dir, 'edges.yaml', orclSpec({start: '1995-01-01', end: '2015-01-01'}))
    const r = await runCli(['backtest', spec, '--db', path.join(dir, 'store.duckdb'), '--json', '--no-record'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(parseJson(r).warnings, [])
  })
})

function orclSpecFile(dir: string): string {
  return write(dir, 'orcl.yaml', orclSpec())
}
