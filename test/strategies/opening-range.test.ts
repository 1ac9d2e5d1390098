import assert from 'node:assert/strict'
import {test} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import openingRange from '../../strategies/opening-range.js'
import {dataFile, readCsvBars} from '../helpers/read-csv-bars.js'
import {brokerSpec} from '../engine/engine-fixtures.js'
import {observe} from './observe.js'

const MIN5 = 300_000
const berlin = createCalendar({timezone: 'Europe/Berlin', open: '09:00', close: '17:30', days: ['mon', 'tue', 'wed', 'thu', 'fri'], holidays: []})

for (const fillPrice of ['next_open', 'close'] as const) {
  test(`trades inside sessions and is flat at every close (fill ${fillPrice})`, async () => {
    const {definition, seen} = observe(openingRange)
    const bars = readCsvBars(dataFile('2006-min-005.txt'), {symbol: 'IDX', timeframeMs: MIN5, timezone: 'Europe/Berlin', timeLabel: 'close'})
    const r = await runBacktest({
      spec: {symbols: ['IDX'], timeframeMs: MIN5, sleeptimeMs: MIN5, broker: brokerSpec({fillPrice})},
      bars,
      definition,
      params: {rangeBars: 6, quantity: 1},
      calendar: berlin,
    })
    assert.equal(seen.closes.length, 21, 'one close per session of the file')
    assert.deepEqual(seen.closes, seen.closes.map(() => 0))
    assert.ok(r.trades.length >= 5, `${r.trades.length} trades`)
    assert.equal(r.positions.length, 0)
    for (const t of r.trades) {
      assert.equal(berlin.sessionIndexOf(t.entryTime), berlin.sessionIndexOf(t.exitTime), 'entry and exit in one session')
      const session = berlin.nextSession(t.entryTime)!
      assert.ok(t.entryTime >= session.open + 6 * MIN5, 'no entry inside the opening range')
    }
    // at most one entry per session
    const entries = seen.orders.filter(({order}) => order.tag === 'entry').map(({order}) => berlin.sessionIndexOf(order.createdAt - 1))
    assert.equal(new Set(entries).size, entries.length)
  })
}
