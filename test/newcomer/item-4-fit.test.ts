/**
 * Issue 14 item 4, what was left: `bots data show` on a US daily file imported without `--tz`
 * (times read in UTC, so no market is known) listed every NYSE holiday as a missing session
 * ("missing: 181 sessions" for the complete ORCL series). Weekday daily bars that all fall on NYSE
 * trading days are now measured against NYSE, said to be a guess; a series that trades on an NYSE
 * holiday keeps the weekday guess. And `bots data show ORCL` after a backtest of the shipped
 * example (which stores the spec's file as `ORCL@file#hash`) names that series instead of only
 * "no bars for ORCL".
 */
import assert from 'node:assert/strict'
import {copyFileSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'
import {findMissing} from '../../src/data/gaps.js'
import {fitNyse, inferMarket} from '../../src/data/show.js'
import {DAY_MS} from '../../src/model/time.js'
import {ROOT, parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const ORCL = path.join(ROOT, 'examples/data/orcl-1995-2014.csv')
const IDX_DAILY = path.join(ROOT, 'examples/data/index-2006-daily.csv')

/** A copy of `file` without the data rows starting with any of `drop`, plus the rows `add` (then sorted). */
function edited(file: string, out: string, drop: string[], add: string[] = []): string {
  const [header, ...rows] = readFileSync(file, 'utf8').trimEnd().split('\n')
  const kept = rows.filter((l) => !drop.some((p) => l.startsWith(p)))
  assert.equal(rows.length - kept.length, drop.length, 'each prefix removes one row')
  writeFileSync(out, [header, ...[...kept, ...add].sort()].join('\n') + '\n')
  return out
}

describe('issue 14 item 4: a daily file imported without --tz is measured against NYSE when NYSE fits (CLI)', () => {
  const dir = tempDir('bots-item4-fit-')
  const db = path.join(dir, 'fit.duckdb')
  const ok = async (...args: string[]) => {
    const r = await runCli([...args, '--db', db])
    assert.equal(r.code, 0, r.stderr)
    return r
  }

  it('the complete ORCL series: NYSE, guessed, its 181 holidays not missing (text and --json)', async () => {
    await ok('data', 'import', ORCL, '--symbol', 'ORCL')
    const [d] = parseJson(await ok('data', 'show', 'ORCL', '--json'))
    assert.deepEqual(d.market, {name: 'NYSE', spec: 'NYSE', timezone: 'America/New_York', source: 'fit', holidays: 181})
    assert.deepEqual(d.missing, {unit: 'session', count: 0, runs: 0, outside: 0, ranges: []})
    assert.deepEqual([d.timezone, d.firstLocal, d.lastLocal], ['UTC', '1995-01-03', '2014-12-31'])

    const text = (await ok('data', 'show', 'ORCL')).stdout
    assert.match(text, /^ORCL 1D: 5,036 bars, 1995-01-03 … 2014-12-31 \(dates in UTC\)$/m)
    assert.match(text, /^market: NYSE \(guessed: every bar is on an NYSE trading day, and 181 weekdays without a bar are NYSE holidays; set it with --market\)$/m)
    assert.match(text, /^missing: none$/m)
  })

  it('a deleted trading day is still reported, and only it', async () => {
    await ok('data', 'import', edited(ORCL, path.join(dir, 'orcl-cut.csv'), ['2008-07-03,']), '--symbol', 'ORCLCUT')
    const [d] = parseJson(await ok('data', 'show', 'ORCLCUT', '--json'))
    assert.equal(d.market.source, 'fit')
    assert.deepEqual(d.missing.ranges, [{from: '2008-07-03', to: '2008-07-03', count: 1}])
    assert.equal(d.missing.count, 1)
  })

  it('a bar on an NYSE holiday: NYSE does not fit, the weekday guess stays (and its missing days are listed)', async () => {
    // Christmas Day 2014 is a Thursday: the NYSE is closed.
    const file = edited(ORCL, path.join(dir, 'orcl-xmas.csv'), [], ['2014-12-25,46.0,46.5,45.9,46.2,46.2,1000'])
    await ok('data', 'import', file, '--symbol', 'ORCLX')
    const [d] = parseJson(await ok('data', 'show', 'ORCLX', '--json'))
    assert.deepEqual([d.market.name, d.market.source, d.market.holidays], ['custom', 'bars', undefined])
    assert.equal(d.missing.count, 180)
  })

  it('a European index trading on US holidays keeps the weekday guess', async () => {
    await ok('data', 'import', IDX_DAILY, '--symbol', 'IDXD')
    const [d] = parseJson(await ok('data', 'show', 'IDXD', '--json'))
    assert.deepEqual([d.market.source, d.missing.count], ['bars', 5])
    assert.match((await ok('data', 'show', 'IDXD')).stdout, /^market: UTC 00:00-24:00 \(guessed: days read off the bars, no holidays; set it with --market\)$/m)
  })

  it('--market still decides: --market 24/7 counts the weekends', async () => {
    const [d] = parseJson(await ok('data', 'show', 'ORCL', '--json', '--market', '24/7'))
    assert.deepEqual([d.market.source, d.market.name], ['flag', '24/7'])
    assert.ok(d.missing.count > 2000)
  })
})

describe('fitNyse (library)', () => {
  const utcDays = (dates: string[]) => dates.map((d) => Date.parse(`${d}T00:00:00Z`))
  const opts = {timeframeMs: DAY_MS, timezone: 'UTC', limit: 5}

  it('dates before 1990 (the NYSE calendar does not reach them): no fit, no error', () => {
    const times = utcDays(['1989-12-22', '1989-12-26', '1989-12-27'])
    const market = inferMarket(times, 'UTC', DAY_MS)
    const missing = findMissing(times, {...opts, calendar: createCalendar(market.spec)})
    assert.equal(missing.count, 1) // 25 December, a Monday
    assert.equal(fitNyse(times, opts, market, missing), undefined)
  })

  it('intraday bars are never fitted', () => {
    const times = [Date.parse('2014-12-24T14:30:00Z'), Date.parse('2014-12-26T14:30:00Z')]
    const market = inferMarket(times, 'UTC', 60 * 60_000)
    const missing = findMissing(times, {...opts, timeframeMs: 60 * 60_000, calendar: createCalendar(market.spec)})
    assert.equal(fitNyse(times, {...opts, timeframeMs: 60 * 60_000}, market, missing), undefined)
  })

  it('weekday daily bars across Christmas: NYSE fits, one holiday explained', () => {
    const times = utcDays(['2014-12-23', '2014-12-24', '2014-12-26', '2014-12-29'])
    const market = inferMarket(times, 'UTC', DAY_MS)
    const missing = findMissing(times, {...opts, calendar: createCalendar(market.spec)})
    assert.equal(missing.count, 1)
    const f = fitNyse(times, opts, market, missing)
    assert.deepEqual(f?.market, {name: 'NYSE', spec: 'NYSE', timezone: 'America/New_York', source: 'fit', holidays: 1})
    assert.equal(f?.missing.count, 0)
  })
})

describe('issue 14 item 4: bots data show SYMBOL after a backtest stored the spec file as its own series (CLI)', () => {
  it('the error names the file series and the command to see it; that command works', async () => {
    const dir = tempDir('bots-item4-fileseries-')
    // The shipped example as a newcomer has it: the spec and its data/ folder.
    mkdirSync(path.join(dir, 'data'))
    copyFileSync(ORCL, path.join(dir, 'data', 'orcl-1995-2014.csv'))
    copyFileSync(path.join(ROOT, 'examples/orcl-sma-cross.yaml'), path.join(dir, 'orcl-sma-cross.yaml'))
    const db = path.join(dir, 'bt.duckdb')
    const bt = await runCli(['backtest', path.join(dir, 'orcl-sma-cross.yaml'), '--db', db, '--no-report', '--no-record'])
    assert.equal(bt.code, 0, bt.stderr)

    const r = await runCli(['data', 'show', 'ORCL', '--db', db])
    assert.equal(r.code, 1)
    const m = /hint: ORCL itself was never imported, but the store has a series read from a spec's data file: (ORCL@orcl-1995-2014\.csv#[0-9a-f]{8}); see it with `bots data show \1`/.exec(r.stderr)
    assert.ok(m, r.stderr)
    const shown = await runCli(['data', 'show', m[1], '--db', db, '--json'])
    assert.equal(shown.code, 0, shown.stderr)
    const [d] = parseJson(shown)
    assert.deepEqual([d.symbol, d.rows, d.market.name, d.missing.count], [m[1], 5036, 'NYSE', 0])

    // A symbol with nothing at all keeps the plain hint.
    const none = await runCli(['data', 'show', 'NOPE', '--db', db])
    assert.equal(none.code, 1)
    assert.match(none.stderr, /hint: see what the store holds with `bots data list`/)
  })
})
