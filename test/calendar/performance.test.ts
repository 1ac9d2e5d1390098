/**
 * Guards against accidental O(n) lookups or per-call rule evaluation. Bounds are loose (shared CI
 * machines); typical figures on a 2-core box are in the comments.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'

const FROM = Date.parse('2004-01-01T00:00:00Z')
const TO = Date.parse('2024-01-01T00:00:00Z')

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
}

describe('calendar performance', () => {
  it('sessions() over 20 years: cold in tens of ms, then well under a few ms', () => {
    // A zone no other test uses, so its offsets and sessions really are computed here.
    const cal = createCalendar({timezone: 'America/Chicago', open: '08:30', close: '15:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'], holidays: []})
    let t0 = performance.now()
    const first = cal.sessions(FROM, TO)
    const cold = performance.now() - t0 // typically 10–25 ms
    const warm = median(
      Array.from({length: 9}, () => {
        t0 = performance.now()
        cal.sessions(FROM, TO)
        return performance.now() - t0
      }),
    ) // typically 0.1–0.3 ms
    let weekdays = 0
    for (let t = FROM; t < TO; t += 86_400_000) if (new Date(t).getUTCDay() % 6 !== 0) weekdays++
    assert.equal(first.length, weekdays)
    assert.ok(cold < 250, `cold ${cold} ms`)
    assert.ok(warm < 5, `warm ${warm} ms`)
  })

  it('isOpen / nextSession / sessionIndexOf are binary searches (~0.1 µs each)', () => {
    const cal = createCalendar('NYSE')
    cal.sessions(FROM, TO)
    const n = 200_000
    const step = (TO - FROM) / n
    const t0 = performance.now()
    let open = 0
    for (let i = 0; i < n; i++) {
      const t = FROM + i * step
      if (cal.isOpen(t)) open++
      cal.nextSession(t)
      cal.sessionIndexOf(t)
    }
    const perCallUs = ((performance.now() - t0) * 1000) / (3 * n)
    assert.ok(open > 0.15 * n && open < 0.25 * n, `${open} open`) // 6.5 h × 252 days / year ≈ 19 %
    assert.ok(perCallUs < 3, `${perCallUs} µs per call`)
  })
})
