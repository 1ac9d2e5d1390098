// Market calendars: session tables are built once per run; lookups are binary searches.
import {createCalendar} from '../dist/calendar/index.js'

const FROM = Date.parse('2004-01-01T00:00:00Z')
const TO = Date.parse('2024-01-01T00:00:00Z')
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]

const cal = createCalendar({timezone: 'America/Chicago', open: '08:30', close: '15:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'], holidays: []})
let t0 = performance.now()
cal.sessions(FROM, TO)
const cold = performance.now() - t0
const warm = median(Array.from({length: 9}, () => ((t0 = performance.now()), cal.sessions(FROM, TO), performance.now() - t0)))
console.log(`calendar sessions() over 20 years: cold ${cold.toFixed(1)} ms, warm ${warm.toFixed(2)} ms`)

const nyse = createCalendar('NYSE')
nyse.sessions(FROM, TO)
const n = 300_000
const step = (TO - FROM) / n
t0 = performance.now()
let open = 0
for (let i = 0; i < n; i++) {
  const t = FROM + i * step
  if (nyse.isOpen(t)) open++
  nyse.nextSession(t)
  nyse.sessionIndexOf(t)
}
const us = ((performance.now() - t0) * 1000) / (3 * n)
console.log(`calendar NYSE isOpen/nextSession/sessionIndexOf: ${us.toFixed(3)} µs per call (${((100 * open) / n).toFixed(1)}% of instants open)`)
