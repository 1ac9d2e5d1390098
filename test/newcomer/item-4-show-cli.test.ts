/**
 * Issue 14 item 4, through the built CLI: `bots data show` measures a series against its market's
 * calendar. Weekends, holidays and nights are not missing; deleted sessions and bars are, by date
 * or time in the market's zone.
 */
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {ROOT, parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const ORCL = path.join(ROOT, 'examples/data/orcl-1995-2014.csv')
const IDX = path.join(ROOT, 'examples/data/index-2006-5min.csv')
/** A copy of `file` without the data rows that start with any of `prefixes`. */
function copyWithout(file: string, dir: string, prefixes: string[]): string {
  const lines = readFileSync(file, 'utf8').split('\n')
  const kept = lines.filter((l, i) => i === 0 || !prefixes.some((p) => l.startsWith(p)))
  assert.equal(lines.length - kept.length, prefixes.length, 'each prefix removes one row')
  const out = path.join(dir, `cut-${path.basename(file)}`)
  writeFileSync(out, kept.join('\n'))
  return out
}

describe('bots data show against the market calendar (CLI)', async () => {
  const dir = tempDir('bots-item4-')
  const db = path.join(dir, 'item4.duckdb')
  const bots = (...args: string[]) => runCli([...args, '--db', db])
  const ok = async (...args: string[]) => {
    const r = await bots(...args)
    assert.equal(r.code, 0, r.stderr)
    return r
  }

  it('the complete ORCL daily series misses no NYSE session; dates print in New York', async () => {
    await ok('data', 'import', ORCL, '--symbol', 'ORCL', '--tz', 'America/New_York')
    const [d] = parseJson(await ok('data', 'show', 'ORCL', '--json', '--rows', '2'))
    assert.deepEqual(d.market, {name: 'NYSE', spec: 'NYSE', timezone: 'America/New_York', source: 'import'})
    assert.deepEqual(d.missing, {unit: 'session', count: 0, runs: 0, outside: 0, ranges: []})
    assert.deepEqual([d.first, d.firstLocal, d.lastLocal], ['1995-01-03T05:00:00Z', '1995-01-03', '2014-12-31'])
    assert.deepEqual([d.head[0].time, d.head[0].local, d.tail[1].local], ['1995-01-03T05:00:00Z', '1995-01-03', '2014-12-31'])
    // `gaps` keeps its calendar-blind meaning (weekends included) for existing --json readers.
    assert.equal(d.gaps.total, 1091)

    const text = (await ok('data', 'show', 'ORCL')).stdout
    assert.match(text, /^ORCL 1D: 5,036 bars, 1995-01-03 … 2014-12-31 \(dates in America\/New_York\)$/m)
    assert.match(text, /^market: NYSE \(/m)
    assert.match(text, /^missing: none$/m)
    assert.match(text, /^DATE\s+OPEN\s+HIGH\s+LOW\s+CLOSE\s+VOLUME$/m)
    assert.match(text, /^2014-12-31\s+45\.450001 /m)
    assert.doesNotMatch(text, /T05:00:00Z|weekend/)
  })

  it('three deleted trading days are reported as exactly those three dates', async () => {
    // A plain Wednesday, the early-close day before Independence Day 2008, and the day the NYSE
    // reopened after Hurricane Sandy (the two closed days before it are not missing).
    const cut = copyWithout(ORCL, dir, ['2003-03-05,', '2008-07-03,', '2012-10-31,'])
    await ok('data', 'import', cut, '--symbol', 'ORCL3', '--tz', 'America/New_York')
    const [d] = parseJson(await ok('data', 'show', 'ORCL3', '--json'))
    assert.deepEqual(d.missing, {
      unit: 'session',
      count: 3,
      runs: 3,
      outside: 0,
      ranges: ['2003-03-05', '2008-07-03', '2012-10-31'].map((x) => ({from: x, to: x, count: 1})),
    })
    const text = (await ok('data', 'show', 'ORCL3')).stdout
    assert.match(text, /^missing: 3 sessions, in 3 runs\n {2}2003-03-05\n {2}2008-07-03\n {2}2012-10-31\n/m)
    // --market 24/7 counts every calendar day: weekends become missing (the calendar decides).
    const [all] = parseJson(await ok('data', 'show', 'ORCL3', '--json', '--market', '24/7'))
    assert.ok(all.missing.count > 2000)
  })

  it('the index 5-minute series: gaps only inside sessions, times in Europe/Berlin with the offset', async () => {
    await ok('data', 'import', IDX, '--symbol', 'IDX', '--time-label', 'close', '--tz', 'Europe/Berlin')
    const market = ['--market', 'Europe/Berlin 09:00-17:30']
    const [d] = parseJson(await ok('data', 'show', 'IDX', '--json', ...market))
    assert.deepEqual([d.market.name, d.market.timezone, d.market.source], ['custom', 'Europe/Berlin', 'flag'])
    assert.deepEqual(d.missing, {unit: 'bar', count: 0, runs: 0, outside: 0, ranges: []})
    assert.deepEqual([d.firstLocal, d.lastLocal, d.head[0].local, d.head[0].time], ['2006-01-02T09:00:00+01:00', '2006-01-30T17:25:00+01:00', '2006-01-02T09:00:00+01:00', '2006-01-02T08:00:00Z'])
    assert.equal(d.gaps.byKind.overnight, 20) // calendar-blind view: the nights

    // Without --market the hours are read off the bars: the same 09:00-17:30, said to be a guess.
    const [guess] = parseJson(await ok('data', 'show', 'IDX', '--json'))
    assert.deepEqual([guess.market.source, guess.market.spec.open, guess.market.spec.close, guess.missing.count], ['bars', '09:00', '17:30', 0])

    // Three bars in the middle of 10 January, and the first bar of 17 January (file times mark bar ends).
    const cut = copyWithout(IDX, dir, ['2006-01-10,11:00', '2006-01-10,11:05', '2006-01-10,11:10', '2006-01-17,09:05'])
    await ok('data', 'import', cut, '--symbol', 'IDX4', '--time-label', 'close', '--tz', 'Europe/Berlin')
    const [c] = parseJson(await ok('data', 'show', 'IDX4', '--json', ...market))
    assert.deepEqual(c.missing, {
      unit: 'bar',
      count: 4,
      runs: 2,
      outside: 0,
      ranges: [
        {from: '2006-01-10T10:55:00+01:00', to: '2006-01-10T11:05:00+01:00', count: 3},
        {from: '2006-01-17T09:00:00+01:00', to: '2006-01-17T09:00:00+01:00', count: 1},
      ],
    })
    const text = (await ok('data', 'show', 'IDX4', ...market)).stdout
    assert.match(text, /^IDX4 5M: 2,138 bars, 2006-01-02T09:00:00\+01:00 … 2006-01-30T17:25:00\+01:00 \(open times in Europe\/Berlin\)$/m)
    assert.match(text, /^market: Europe\/Berlin 09:00-17:30 \(--market\)$/m)
    assert.match(text, /^missing: 4 bars inside sessions, in 2 runs\n {2}2006-01-10T10:55:00\+01:00 … 2006-01-10T11:05:00\+01:00: 3 bars\n {2}2006-01-17T09:00:00\+01:00: 1 bar$/m)
    assert.match(text, /^TIME\s+OPEN/m)
  })

  it('bars before the first year of the calendar: exit 1 with a hint to choose another --market', async () => {
    const old = path.join(dir, 'old.csv')
    writeFileSync(old, 'Date,Open,High,Low,Close,Volume\n1989-12-28,1,1,1,1,1\n1989-12-29,1,1,1,1,1\n1990-01-02,1,1,1,1,1\n')
    await ok('data', 'import', old, '--symbol', 'OLD', '--tz', 'America/New_York')
    const r = await bots('data', 'show', 'OLD')
    assert.equal(r.code, 1)
    assert.match(r.stderr, /the NYSE calendar does not cover the series/)
    assert.match(r.stderr, /hint: check it against another calendar with --market/)
    const [d] = parseJson(await ok('data', 'show', 'OLD', '--json', '--market', '24/7'))
    assert.deepEqual(d.missing.ranges, [{from: '1989-12-30', to: '1990-01-01', count: 3}])
  })

  it('a --market that is no market: exit 1, a hint, no stack trace', async () => {
    const r = await bots('data', 'show', 'ORCL', '--market', 'LSE')
    assert.equal(r.code, 1)
    assert.match(r.stderr, /market "LSE" is not a market/)
    assert.match(r.stderr, /hint: use 24\/7, NYSE/)
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/)
  })
})
