/**
 * Errors a new user meets in the first hour, run as the real CLI: each one says what is wrong and
 * how to fix it, exits non-zero, and reaches the user (stderr, and stdout as JSON under --json).
 */
import assert from 'node:assert/strict'
import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const DAY = 86_400_000

/** `n` weekday bars from 1995-01-02 as CSV lines, each time written by `date` and volume by `volume`. */
function dailyCsv(n: number, date: (t: Date) => string, volume = (i: number) => String(1000 + i)): string {
  const lines = ['Date,Open,High,Low,Close,Volume']
  for (let t = Date.UTC(1995, 0, 2), i = 0; i < n; t += DAY) {
    const d = new Date(t)
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6) continue
    lines.push(`${date(d)},10,11,9,10.5,${volume(i)}`)
    i++
  }
  return lines.join('\n') + '\n'
}

const iso = (d: Date) => d.toISOString().slice(0, 10)
const pad = (n: number) => String(n).padStart(2, '0')
const dayFirst = (sep: string) => (d: Date) => `${pad(d.getUTCDate())}${sep}${pad(d.getUTCMonth() + 1)}${sep}${d.getUTCFullYear()}`
const NO_STACK = /at .*\.js:\d+|EISDIR|Unknown TimeZone|Binder Error|Invalid Input Error/

describe('first-hour errors (real CLI)', () => {
  const dir = tempDir('bots-first-hour-')
  const db = path.join(dir, 'store.duckdb')
  const file = (name: string, text: string) => {
    const f = path.join(dir, name)
    writeFileSync(f, text)
    return f
  }

  before(async () => {
    const r = await runCli(['data', 'import', file('orcl.csv', dailyCsv(60, iso)), '--symbol', 'ORCL', '--db', db])
    assert.equal(r.code, 0, r.stderr)
  })

  it('--json: a usage error is a JSON error on stdout and a message on stderr, exit 2', async () => {
    for (const args of [['data', 'list', '--json', '--bogus'], ['runs', 'show', 'abc', '--json', '--db', db]]) {
      const r = await runCli(args)
      assert.equal(r.code, 2, args.join(' '))
      assert.match(r.stderr, /^error: .+\n {2}hint: /, args.join(' '))
      const {error} = parseJson(r)
      assert.equal(error.code, 'usage')
      assert.ok(r.stderr.includes(error.message), `${args.join(' ')}: ${r.stderr}`)
    }
  })

  it('--json: a BotsError reaches stderr too (oclif mutes logToStderr under --json)', async () => {
    const r = await runCli(['data', 'show', 'NOPE', '--json', '--db', db])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /error .*NOPE/)
    assert.match(parseJson(r).error.message, /NOPE/)
  })

  it('an import that stores no row exits 1 and keeps the rejection listing; replaced rows count as stored', async () => {
    const quoted = file('quoted.csv', dailyCsv(10, iso, (i) => `"${1 + i},000"`))
    const r = await runCli(['data', 'import', quoted, '--symbol', 'Q', '--db', db])
    assert.equal(r.code, 1, r.stdout + r.stderr)
    assert.match(r.stdout, /quoted\.csv: 10 rows: 0 new, 0 replaced, 10 rejected/)
    assert.match(r.stdout, /quoted\.csv:2 {2}unparsable: Volume "1,000" is not a number/)
    assert.match(r.stderr, /error nothing was stored for Q: all 10 rows of quoted\.csv were rejected\n {2}hint: /)

    const json = await runCli(['data', 'import', quoted, '--symbol', 'Q', '--db', db, '--json'])
    assert.equal(json.code, 1)
    const out = parseJson(json)
    assert.equal(out.error.code, 'data.nothing_stored')
    assert.equal(out.files[0].rejections.length, 10)

    const again = await runCli(['data', 'import', path.join(dir, 'orcl.csv'), '--symbol', 'ORCL', '--db', db])
    assert.equal(again.code, 0, again.stderr)
    assert.match(again.stdout, /60 rows: 0 new, 60 replaced/)
  })

  it('--db at a folder: the path, that it is a folder, and a hint, not EISDIR', async () => {
    const folder = path.join(dir, 'a-folder')
    mkdirSync(folder)
    const r = await runCli(['data', 'list', '--db', folder])
    assert.equal(r.code, 1)
    assert.ok(r.stderr.includes(folder), r.stderr)
    assert.match(r.stderr, /is a folder, not a DuckDB file\n {2}hint: point --db .*\.duckdb/)
    assert.doesNotMatch(r.stderr, NO_STACK)
  })

  it('times DuckDB cannot read are reported as such, with a --datetime-format that reads them', async () => {
    const eu = file('eu.csv', dailyCsv(20, dayFirst('/')))
    const r = await runCli(['data', 'import', eu, '--symbol', 'EU', '--db', db])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /cannot read the times of eu\.csv \(the first is "02\/01\/1995"\)/)
    assert.match(r.stderr, /hint: .*--datetime-format "%d\/%m\/%Y"/)
    assert.doesNotMatch(r.stderr, /timeframe/)
    // Following the hint stores the rows.
    const fixed = await runCli(['data', 'import', eu, '--symbol', 'EU', '--db', db, '--datetime-format', '%d/%m/%Y'])
    assert.equal(fixed.code, 0, fixed.stderr)
    assert.match(fixed.stdout, /20 rows: 20 new/)
  })

  it('a file with only its header says it has no rows, not that the timeframe is unknown', async () => {
    const r = await runCli(['data', 'import', file('header.csv', 'Date,Open,High,Low,Close,Volume\n'), '--symbol', 'H', '--db', db])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /header\.csv has no data rows/)
    assert.doesNotMatch(r.stderr, /--timeframe/)
  })

  it('guessFormats: day or month first from the values, separators and time of day kept', async () => {
    const {guessFormats} = await import('../../src/data/detect-timeframe.js')
    assert.deepEqual(guessFormats('03.01.1995'), ['%d.%m.%Y', '%m.%d.%Y'])
    assert.deepEqual(guessFormats('25/12/1995 09:30'), ['%d/%m/%Y %H:%M'])
    assert.deepEqual(guessFormats('12-25-95'), ['%m-%d-%y'])
    assert.deepEqual(guessFormats('1995-01-03'), [])
  })

  it('validate --strategies at a folder that does not exist is a usage error naming the flag and path', async () => {
    const spec = file('ok.yaml', 'name: ok\nstrategy: {name: buy-and-hold}\nsymbols: [ORCL]\ntimeframe: 1D\n')
    const missing = path.join(dir, 'mystrat')
    const r = await runCli(['validate', spec, '--strategies', missing])
    assert.equal(r.code, 2, r.stdout + r.stderr)
    assert.ok(r.stderr.includes(`--strategies ${missing}: ${missing} does not exist`), r.stderr)
    assert.match(r.stderr, /hint: give --strategies a folder/)
  })

  it('data show --tz with an unknown zone is checked as data resample checks it', async () => {
    const r = await runCli(['data', 'show', 'ORCL', '--tz', 'Mars/Base', '--db', db])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /error unknown time zone "Mars\/Base"\n {2}hint: /)
    assert.doesNotMatch(r.stderr, NO_STACK)
  })

  it('a spec symbol that differs from a stored one only in case: did you mean', async () => {
    const spec = file('lower.yaml', 'name: lower\nstrategy: {name: buy-and-hold}\nsymbols: [orcl]\ntimeframe: 1D\n')
    const r = await runCli(['backtest', spec, '--db', db, '--no-record'])
    assert.equal(r.code, 1, r.stdout + r.stderr)
    assert.match(r.stderr, /no 1D bars for orcl in the store\n {2}hint: did you mean ORCL\?/)
  })
})
