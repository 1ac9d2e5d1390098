/**
 * The streaming resampler of multi-timeframe rules (src/rules/runtime/higher-bars.ts), alone:
 * buckets as `bots data resample` cuts them (local hours across a DST change, days at local
 * midnight, weeks from Monday), and when each bucket is published — never before its end: at the
 * session's close when a calendar gives one (an early close included), at the grid end without,
 * or when a later bucket's bar arrives; bars after a published bucket's close are left out.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {localToUtc} from '../../src/calendar/timezone.js'
import type {Session} from '../../src/calendar/calendar.js'
import {HigherBars, type SessionSource} from '../../src/rules/runtime/higher-bars.js'

const M5 = 5 * 60_000
const H1 = 3_600_000
const DAY = 86_400_000
const TZ = 'Europe/Berlin'
const at = (y: number, mo: number, d: number, h: number, mi: number) => localToUtc(y, mo, d, h, mi, TZ)

interface Published {
  o: number
  h: number
  l: number
  c: number
  v: number
  t: number
  /** Index of the bar being pushed when it was published. */
  during: number
}

function resampler(ms: number, calendar?: SessionSource) {
  const out: Published[] = []
  let during = -1
  const hb = new HigherBars(ms, TZ, (o, h, l, c, v, t) => out.push({o, h, l, c, v, t, during}), calendar)
  const push = (i: number, time: number, price: number, now = time + M5) => {
    during = i
    hb.push(price, price + 1, price - 1, price, 10, time, now)
  }
  return {hb, out, push}
}

/** A calendar of fixed sessions (local times), one per listed day. */
function sessions(list: Array<[number, number, number, [number, number], [number, number]]>): SessionSource {
  const all: Session[] = list.map(([y, m, d, o, c]) => ({open: at(y, m, d, o[0], o[1]), close: at(y, m, d, c[0], c[1])}))
  return {
    sessions: (from, to) => all.filter((s) => s.close > from && s.open < to),
    nextSession: (t) => all.find((s) => s.close > t),
  }
}

test('1H buckets on local hours across the spring DST change; published at the hour, by the bar that closes it', () => {
  const {out, push} = resampler(H1)
  // 2006-03-26: 02:00 local does not exist in Berlin; 01:00 + 1 h UTC is 03:00 local.
  const start = at(2006, 3, 26, 0, 0)
  const n = 4 * 12
  for (let i = 0; i < n; i++) push(i, start + i * M5, 100 + i)
  // Local hours 00, 01, 03, 04 (no 02): each published at its 12th bar, whose close ends the hour.
  assert.deepEqual(out.map((b) => b.during), [11, 23, 35, 47])
  assert.deepEqual(out.map((b) => new Date(b.t).toISOString()), ['2006-03-25T23:00:00.000Z', '2006-03-26T00:00:00.000Z', '2006-03-26T01:00:00.000Z', '2006-03-26T02:00:00.000Z'])
  assert.deepEqual(out[1], {o: 112, h: 124, l: 111, c: 123, v: 120, t: start + H1, during: 23})
})

test('daily buckets: with a calendar at the session close (an early close too), without at midnight or the next day', () => {
  const cal = sessions([
    [2006, 12, 22, [9, 0], [17, 30]],
    [2006, 12, 27, [9, 0], [14, 0]], // early close
  ])
  const day1 = Array.from({length: 102}, (_, i) => at(2006, 12, 22, 9, 0) + i * M5)
  const day2 = Array.from({length: 60}, (_, i) => at(2006, 12, 27, 9, 0) + i * M5) // 09:00–13:55, closes 14:00
  const times = [...day1, ...day2]
  const withCal = resampler(DAY, cal)
  times.forEach((t, i) => withCal.push(i, t, i))
  assert.deepEqual(withCal.out.map((b) => b.during), [101, 161], 'each day at its own last bar')
  assert.equal(withCal.out[0].t, at(2006, 12, 22, 0, 0))
  assert.equal(withCal.out[1].c, 161)
  const plain = resampler(DAY)
  times.forEach((t, i) => plain.push(i, t, i))
  assert.deepEqual(plain.out.map((b) => b.during), [102], 'the first day when the next one starts; the second still forming')
  plain.hb.settle(at(2006, 12, 27, 23, 59))
  assert.equal(plain.out.length, 1, 'not before midnight')
  plain.hb.settle(at(2006, 12, 28, 0, 0))
  assert.equal(plain.out.length, 2)
})

test('an intraday bucket ends at a session close inside it; bars after a published close are left out', () => {
  const cal = sessions([[2006, 1, 2, [9, 0], [17, 30]], [2006, 1, 3, [9, 0], [17, 30]]])
  const {out, push} = resampler(H1, cal)
  const times = [at(2006, 1, 2, 17, 0), at(2006, 1, 2, 17, 25), at(2006, 1, 2, 17, 40), at(2006, 1, 3, 9, 0)]
  times.forEach((t, i) => push(i, t, 10 + i))
  // 17:00–17:30 published by the 17:25 bar (closes 17:30); 17:40 (after the close, same hour) left out.
  assert.deepEqual(out.map((b) => [b.during, b.c, b.v]), [[1, 11, 20]])
  const days = resampler(DAY, cal)
  ;[at(2006, 1, 2, 17, 25), at(2006, 1, 2, 17, 40), at(2006, 1, 2, 18, 0)].forEach((t, i) => days.push(i, t, i))
  assert.deepEqual(days.out.map((b) => [b.during, b.c]), [[0, 0]])
})

test('earlier bars of one iteration (now unknown) wait for the next bar; weeks start on Monday', () => {
  const {out, push} = resampler(H1)
  const t0 = at(2006, 1, 2, 9, 0)
  for (let i = 0; i < 12; i++) push(i, t0 + i * M5, i, NaN)
  assert.equal(out.length, 0, 'the hour closed with bar 11, but nobody said the clock got there')
  push(12, t0 + 12 * M5, 12, NaN)
  assert.deepEqual(out.map((b) => b.during), [12])
  const week = resampler(7 * DAY)
  // Fri 2006-01-06, Mon 01-09 (new week), Sun 01-15, Mon 01-16 (new week).
  ;[[2006, 1, 6], [2006, 1, 9], [2006, 1, 15], [2006, 1, 16]].forEach(([y, m, d], i) => week.push(i, at(y, m, d, 12, 0), i))
  assert.deepEqual(week.out.map((b) => [b.during, new Date(b.t).toISOString().slice(0, 10)]), [[1, '2006-01-01'], [3, '2006-01-08']])
})
