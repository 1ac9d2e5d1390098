/**
 * Bars that do not fit the spec's market are said before the run (found by an audit; each ran
 * silently with wrong figures): intraday bars outside every session (New York times imported as
 * UTC), daily stock bars on the default 24/7 market (annualised over 365 days), daily bars two
 * to a date (a series imported in two zones), and daily bars on the market's holidays (another
 * exchange's index run on NYSE). Data that fits stays quiet.
 */
import assert from 'node:assert/strict'
import {copyFileSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {sessionFitWarnings} from '../../src/backtest/session-fit.js'
import {backtestSpecFile} from '../../src/backtest/run-spec.js'
import {createCalendar} from '../../src/calendar/index.js'
import {barsFromRows} from '../../src/core/bars.js'
import {ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const M5 = 300_000
const D = 86_400_000
const bars = (ms: number, times: number[]) => barsFromRows('X', ms, times.map((time) => ({time, open: 1, high: 1, low: 1, close: 1})))
const nyse = createCalendar('NYSE')
const always = createCalendar('24/7')

/** Five-minute open times of one New York session (09:30–15:55 EST), shifted by `shift`. */
function session(day: string, shift = 0): number[] {
  const open = Date.parse(`${day}T14:30:00Z`) + shift
  return Array.from({length: 78}, (_, k) => open + k * M5)
}

describe('sessionFitWarnings', () => {
  it('intraday bars outside the sessions: counted, the first named; bars inside: nothing', async () => {
    assert.deepEqual(await sessionFitWarnings([bars(M5, [...session('2024-01-08'), ...session('2024-01-09')])], M5, nyse, undefined), [])
    // The same New York times read as UTC: 09:30 "UTC" is 04:30 in New York, so only 15:00-15:55Z... are inside.
    const asUtc = [...session('2024-01-08', -5 * 3_600_000), ...session('2024-01-09', -5 * 3_600_000)]
    const [w, ...more] = await sessionFitWarnings([bars(M5, asUtc)], M5, nyse, undefined)
    assert.deepEqual(more, [])
    assert.equal(w.code, 'backtest.bars_outside_sessions')
    const inside = asUtc.filter((t) => nyse.isOpen(t)).length
    assert.ok(inside > 0 && inside < asUtc.length)
    assert.match(w.message, new RegExp(`^X: ${asUtc.length - inside} of ${asUtc.length} bars are outside the market's sessions \\(NYSE in America/New_York; the first at 2024-01-08T09:30:00Z\\)`))
    assert.match(w.hint!, /--tz America\/New_York --replace/)
    assert.deepEqual(await sessionFitWarnings([bars(M5, asUtc)], M5, always, undefined), [], 'a 24/7 market has no outside')
  })

  it('daily bars with no weekend on a 24/7 market; not with weekend bars, not on NYSE, not for a short run', async () => {
    const weekdays: number[] = []
    for (let t = Date.UTC(2024, 0, 1); weekdays.length < 40; t += D) if (![0, 6].includes(new Date(t).getUTCDay())) weekdays.push(t)
    const [w] = await sessionFitWarnings([bars(D, weekdays)], D, always, undefined)
    assert.equal(w?.code, 'backtest.weekdays_on_24_7')
    assert.match(w.message, /^X: its 40 daily bars have none on a weekend, but the market is 24\/7/)
    const everyDay = Array.from({length: 40}, (_, k) => Date.UTC(2024, 0, 1) + k * D)
    assert.deepEqual(await sessionFitWarnings([bars(D, everyDay)], D, always, undefined), [])
    assert.deepEqual(await sessionFitWarnings([bars(D, weekdays.slice(0, 20))], D, always, undefined), [])
    const open = new Set(nyse.tradingDays(weekdays[0], weekdays[weekdays.length - 1] + D))
    const local = weekdays.filter((t) => open.has(new Date(t).toISOString().slice(0, 10))).map((t) => t + 5 * 3_600_000) // New York midnights in winter
    assert.equal(local.length, 37, 'Jan 1, Jan 15 and Feb 19 2024 are NYSE holidays')
    assert.deepEqual(await sessionFitWarnings([bars(D, local)], D, nyse, undefined), [])
  })

  it('daily bars on dates the market is closed: counted, the first dates named; not on a 24/7 market, not for weekly bars', async () => {
    const ny = (m: number, d: number) => Date.UTC(2024, m - 1, d, 5)
    // Jan 12 (Fri), Jan 15 (Martin Luther King Day), Jan 16, Sat Jan 20, Feb 19 (Presidents' Day), Feb 20
    const times = [ny(1, 12), ny(1, 15), ny(1, 16), ny(1, 20), ny(2, 19), ny(2, 20)]
    const [w, ...more] = await sessionFitWarnings([bars(D, times)], D, nyse, undefined)
    assert.deepEqual(more, [])
    assert.equal(w.code, 'backtest.bars_on_closed_days')
    assert.match(w.message, /^X: 3 of 6 daily bars fall on dates NYSE is closed \(2024-01-15, 2024-01-20, 2024-02-19\): the run iterates on them too/)
    const four = [ny(1, 12), ny(1, 15), ny(1, 20), ny(2, 19), Date.UTC(2024, 4, 27, 4)] // and Memorial Day (EDT midnight)
    assert.match((await sessionFitWarnings([bars(D, four)], D, nyse, undefined))[0].message, /^X: 4 of 5 daily bars .* \(2024-01-15, 2024-01-20, 2024-02-19, …\)/)
    const utc = times.map((t) => t - 5 * 3_600_000)
    assert.deepEqual(await sessionFitWarnings([bars(D, utc)], D, always, undefined), [])
    assert.deepEqual(await sessionFitWarnings([bars(7 * D, [ny(1, 15), ny(1, 22)])], 7 * D, nyse, undefined), [], 'a week starting on a holiday Monday is a trading week')
  })

  it('daily bars two to a date in the market\'s zone', async () => {
    const ny = (d: number) => Date.UTC(2024, 0, d, 5)
    // Jan 2 twice: at New York midnight, and at 00:00 UTC of Jan 3 (19:00 on Jan 2 in New York)
    const [w, ...more] = await sessionFitWarnings([bars(D, [ny(2), Date.UTC(2024, 0, 3), ny(3), ny(4)])], D, nyse, undefined)
    assert.deepEqual(more, [])
    assert.equal(w.code, 'backtest.two_bars_a_date')
    assert.match(w.message, /^X: 1 daily bars share their date in America\/New_York with the bar before \(the first at 2024-01-03T00:00:00Z\)/)
  })
})

describe('a backtest', () => {
  it('of daily stock bars with no market named warns, located at the spec; with market: NYSE it does not', async () => {
    const dir = tempDir('bots-session-fit-')
    copyFileSync(path.join(ROOT, 'examples/data/orcl-1995-2014.csv'), path.join(dir, 'orcl.csv'))
    const spec = readFileSync(path.join(ROOT, 'examples/orcl-sma-cross.yaml'), 'utf8').replace('path: data/orcl-1995-2014.csv', `path: ${path.join(dir, 'orcl.csv')}\n  db: ${path.join(dir, 's.duckdb')}`)
    const file = path.join(dir, 'bot.yaml')
    writeFileSync(file, spec.replace(/^market: NYSE\n/m, ''))
    const bare = await backtestSpecFile({file})
    const w = bare.warnings.find((x) => x.code === 'backtest.weekdays_on_24_7')
    assert.ok(w, JSON.stringify(bare.warnings))
    assert.equal(w.file, file)
    writeFileSync(file, spec)
    const named = await backtestSpecFile({file})
    assert.deepEqual(named.warnings.map((x) => x.code), [])
  })
})
