/**
 * HigherBars across DST changes: a sub-day bucket runs from one instant where the local clock
 * shows a multiple of the timeframe to the next, so it is longer or shorter than the timeframe
 * around a change (New York, 4H: 5 hours at fall-back, 3 at spring-forward). No bar is lost, and a
 * bucket is published when it closes: not before (no look-ahead), and not a bar later.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {utcOffset} from '../../src/calendar/timezone.js'
import {HigherBars} from '../../src/rules/runtime/higher-bars.js'

const M = 60_000
const H1 = 3_600_000
const iso = (t: number) => new Date(t).toISOString().slice(0, 16) + 'Z'

interface Published {
  time: string
  o: number
  h: number
  l: number
  c: number
  v: number
  /** Index of the bar being pushed when it was published (-1: by settle). */
  during: number
}

/** Pushes `count` bars `step` apart from `first` (opens 100, 101, …; each bar's close is the clock). */
function run(ms: number, tz: string, first: string, count: number, step: number): Published[] {
  const out: Published[] = []
  let during = -1
  const hb = new HigherBars(ms, tz, (o, h, l, c, v, t) => out.push({time: iso(t), o, h, l, c, v, during}))
  for (let i = 0; i < count; i++) {
    const t = Date.parse(first) + i * step
    const p = 100 + i
    during = i
    hb.push(p, p + 0.5, p - 0.5, p + 0.25, 1, t, t + step)
  }
  during = -1
  hb.settle(Infinity)
  return out
}

test('4H in New York, fall back: the 00:00 EDT bucket lasts 5 hours, keeps the 03:00 EST bar, closes at 09:00Z', () => {
  // 16 hourly bars from 2024-11-02 20:00 EDT; 02:00 EDT became 01:00 EST at 06:00Z.
  const out = run(4 * H1, 'America/New_York', '2024-11-03T00:00:00Z', 16, H1)
  assert.deepEqual(out, [
    {time: '2024-11-03T00:00Z', o: 100, h: 103.5, l: 99.5, c: 103.25, v: 4, during: 3},
    // 00:00 and 01:00 EDT, 01:00, 02:00 and 03:00 EST: published by the 03:00 EST bar (08:00Z), which closes it.
    {time: '2024-11-03T04:00Z', o: 104, h: 108.5, l: 103.5, c: 108.25, v: 5, during: 8},
    {time: '2024-11-03T09:00Z', o: 109, h: 112.5, l: 108.5, c: 112.25, v: 4, during: 12},
    {time: '2024-11-03T13:00Z', o: 113, h: 115.5, l: 112.5, c: 115.25, v: 3, during: -1},
  ])
})

test('4H in New York, spring forward: the 00:00 EST bucket lasts 3 hours and is published at its close (08:00Z)', () => {
  // 20 hourly bars from 2024-03-09 15:00 EST; 02:00 EST became 03:00 EDT at 07:00Z.
  const out = run(4 * H1, 'America/New_York', '2024-03-09T20:00:00Z', 20, H1)
  assert.deepEqual(out.map((b) => [b.time, b.o, b.c, b.v, b.during]), [
    ['2024-03-09T17:00Z', 100, 100.25, 1, 0],
    ['2024-03-09T21:00Z', 101, 104.25, 4, 4],
    ['2024-03-10T01:00Z', 105, 108.25, 4, 8],
    ['2024-03-10T05:00Z', 109, 111.25, 3, 11], // by the 03:00 EDT bar, whose close ends it: not one bar later
    ['2024-03-10T08:00Z', 112, 115.25, 4, 15],
    ['2024-03-10T12:00Z', 116, 119.25, 4, 19],
  ])
})

test('1H in New York, fall back: the repeated 01:00 hour is a bar of its own, and no bar is lost', () => {
  const out = run(H1, 'America/New_York', '2024-11-03T04:00:00Z', 48, 5 * M) // 00:00 EDT – 02:55 EST
  assert.deepEqual(out.map((b) => [b.time, b.o, b.v, b.during]), [
    ['2024-11-03T04:00Z', 100, 12, 11],
    ['2024-11-03T05:00Z', 112, 12, 23], // 01:00 EDT
    ['2024-11-03T06:00Z', 124, 12, 35], // 01:00 EST
    ['2024-11-03T07:00Z', 136, 12, 47],
  ])
})

/**
 * Reference buckets by brute force: a bucket starts at each minute where the local clock shows a
 * multiple of `ms`, or has jumped past one since the minute before.
 */
function referenceStart(t: number, ms: number, tz: string): number {
  const wall = (u: number) => u + utcOffset(u, tz)
  const floor = (u: number) => Math.floor(wall(u) / ms)
  for (let u = t; ; u -= M) if (wall(u) % ms === 0 || floor(u) > floor(u - M)) return u
}

test('every bar of a DST week is in the bucket the local clock gives, published at that bucket\'s end', () => {
  const zones = ['America/New_York', 'Europe/London', 'Asia/Kolkata', 'Australia/Lord_Howe'] // Lord Howe: a 30-minute change
  const weeks = ['2024-03-07T00:00:00Z', '2024-03-28T00:00:00Z', '2024-04-03T00:00:00Z', '2024-10-03T00:00:00Z', '2024-10-24T00:00:00Z', '2024-10-31T00:00:00Z']
  const step = 5 * M
  for (const tz of zones) {
    for (const first of weeks) {
      for (const ms of [40 * M, H1, 2 * H1, 3 * H1, 4 * H1, 5 * H1, 12 * H1]) {
        const count = 5 * 288
        const starts = Array.from({length: count}, (_, i) => referenceStart(Date.parse(first) + i * step, ms, tz))
        const expected: Published[] = []
        starts.forEach((s, i) => {
          const p = 100 + i
          const last = expected[expected.length - 1]
          if (last?.time === iso(s)) {
            last.h = p + 0.5
            last.c = p + 0.25
            last.v++
            last.during = i
          } else expected.push({time: iso(s), o: p, h: p + 0.5, l: p - 0.5, c: p + 0.25, v: 1, during: i})
        })
        // The last bucket: published by its last bar or by settle, as the week ends on its grid or not.
        expected[expected.length - 1].during = -1
        const out = run(ms, tz, first, count, step)
        out[out.length - 1].during = -1
        assert.deepEqual(out, expected, `${tz} ${first} ${ms / M}M`)
      }
    }
  }
})
