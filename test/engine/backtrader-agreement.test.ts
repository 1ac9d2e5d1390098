/**
 * The engine against Backtrader 1.9.78.123 (golden files in test/golden/backtrader, see its
 * README): SMA(10)/SMA(30) long-only crossover, 10 units, market orders at the next open,
 * commission 0 and 0.1%. Every fill (time, side, size, price, commission), every closed trade,
 * the final cash, value and open position; each case under two engine modes, which must agree.
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {test} from 'node:test'
import {fileURLToPath} from 'node:url'
import {createCalendar} from '../../src/calendar/index.js'
import type {MarketCalendar} from '../../src/calendar/calendar.js'
import {wallToUtc} from '../../src/calendar/timezone.js'
import {dayNumber} from '../../src/calendar/civil-date.js'
import {CrossDetector} from '../../src/indicators/crossover.js'
import {SMA} from '../../src/indicators/sma.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import smaCross from '../../strategies/sma-cross.js'
import {dataFile, readCsvBars} from '../helpers/read-csv-bars.js'
import {brokerSpec} from './engine-fixtures.js'

const GOLDEN = fileURLToPath(new URL('../golden/backtrader/', import.meta.url))
const DAY = 86_400_000
const MIN5 = 300_000

interface Mode {
  label: string
  timezone: string
  calendar: MarketCalendar
  runner: 'daily' | 'backtest'
}

const dailyModes: Mode[] = [
  {label: 'Daily runner, NYSE', timezone: 'America/New_York', calendar: createCalendar('NYSE'), runner: 'daily'},
  {label: 'Backtest runner, 24/7', timezone: 'UTC', calendar: createCalendar('24/7'), runner: 'backtest'},
]
const intradayModes: Mode[] = [
  {label: 'Backtest runner, 24/7', timezone: 'UTC', calendar: createCalendar('24/7'), runner: 'backtest'},
  {
    label: 'Backtest runner, Europe/Berlin 09:00-17:30 sessions',
    timezone: 'Europe/Berlin',
    calendar: createCalendar({timezone: 'Europe/Berlin', open: '09:00', close: '17:30', days: ['mon', 'tue', 'wed', 'thu', 'fri'], holidays: []}),
    runner: 'backtest',
  },
]

const cases = [
  {golden: 'orcl-sma10-30-nocomm.json', data: 'orcl-1995-2014.txt', tf: DAY, percent: 0, modes: dailyModes},
  {golden: 'orcl-sma10-30-comm0.1.json', data: 'orcl-1995-2014.txt', tf: DAY, percent: 0.1, modes: dailyModes},
  {golden: '2006-day-sma10-30-nocomm.json', data: '2006-day-001.txt', tf: DAY, percent: 0, modes: dailyModes},
  {golden: '2006-day-sma10-30-comm0.1.json', data: '2006-day-001.txt', tf: DAY, percent: 0.1, modes: dailyModes},
  {golden: '2006-min5-sma10-30-nocomm.json', data: '2006-min-005.txt', tf: MIN5, percent: 0, modes: intradayModes},
  {golden: '2006-min5-sma10-30-comm0.1.json', data: '2006-min-005.txt', tf: MIN5, percent: 0.1, modes: intradayModes},
]

/**
 * Backtrader's timestamp of a fill bar, as our bar open time: daily bars are stamped at the
 * session end (read the date only; our daily bar opens at local midnight), 5-minute bars at
 * their end (the file's time; our bar opened 5 minutes earlier).
 */
function barOpen(stamp: string, tf: number, timezone: string): number {
  const [y, mo, d, h, mi] = stamp.split(/[-T:]/).map(Number)
  const wall = tf === DAY ? dayNumber(y, mo, d) * DAY : dayNumber(y, mo, d) * DAY + h * 3_600_000 + mi * 60_000 - tf
  return timezone === 'UTC' ? wall : wallToUtc(wall, timezone)
}

const cent = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 0.005, `${what}: ${a} vs ${b}`)
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`)

for (const c of cases) {
  const golden = JSON.parse(readFileSync(GOLDEN + c.golden, 'utf8'))
  for (const mode of c.modes) {
    test(`${c.golden}: ${mode.label}`, async () => {
      const bars = readCsvBars(dataFile(c.data), {symbol: 'X', timeframeMs: c.tf, timezone: mode.timezone, timeLabel: c.tf === DAY ? 'open' : 'close'})
      assert.equal(bars.length, golden.bars)
      const spec = {symbols: ['X'], timeframeMs: c.tf, sleeptimeMs: c.tf, broker: brokerSpec({cash: golden.params.cash, commission: {percent: c.percent}})}
      const r = await runBacktest({spec, bars, definition: smaCross, params: {fast: 10, slow: 30, quantity: 10}, calendar: mode.calendar, runner: mode.runner})

      assert.equal(r.counts.iterations, golden.bars, 'one iteration per bar, as Backtrader calls next()')
      assert.equal(r.counts.rejected, 0)
      assert.equal(r.fills.length, golden.orders.length)
      golden.orders.forEach((g: any, i: number) => {
        const f = r.fills[i]
        const at = `fill ${i} (${g.datetime})`
        assert.equal(f.side, g.side, at)
        assert.equal(f.quantity, Math.abs(g.size), at)
        assert.equal(f.price, g.price, at)
        assert.equal(f.commission, g.commission, at)
        assert.equal(f.time, barOpen(g.datetime, c.tf, mode.timezone), at)
      })

      assert.equal(r.trades.length, golden.trades.length)
      golden.trades.forEach((g: any, i: number) => {
        const t = r.trades[i]
        const at = `trade ${i} (${g.entry_datetime} → ${g.exit_datetime})`
        assert.equal(t.side, 'long', at)
        assert.equal(t.quantity, g.size, at)
        assert.equal(t.entryTime, barOpen(g.entry_datetime, c.tf, mode.timezone), at)
        assert.equal(t.exitTime, barOpen(g.exit_datetime, c.tf, mode.timezone), at)
        close(t.entryPrice, g.entry_price, `${at} entry price`) // Backtrader's (0*0+10*p)/10 may be off by an ulp
        assert.equal(t.exitPrice, g.exit_price, at)
        close(t.commission, g.commission, `${at} commission`)
        cent(t.grossPnl, g.pnl, `${at} gross P&L`)
        cent(t.netPnl, g.pnlcomm, `${at} net P&L`)
      })

      cent(r.finalCash, golden.final.cash, 'final cash')
      cent(r.finalValue, golden.final.value, 'final value')
      assert.equal(r.positions.length, 1)
      assert.equal(r.positions[0].quantity, golden.final.position_size)
      assert.equal(r.positions[0].averagePrice, golden.final.position_price)
      assert.equal(r.positions[0].lastPrice, golden.final.last_close)
    })
  }

  test(`${c.golden}: the SMAs and crossovers equal Backtrader's at every signal bar, and signal nowhere else`, () => {
    const bars = readCsvBars(dataFile(c.data), {symbol: 'X', timeframeMs: c.tf})
    const fast = new SMA(10)
    const slow = new SMA(30)
    const cross = new CrossDetector()
    const signals = new Map<number, any>(golden.signals.map((s: any) => [s.bar - 1, s]))
    for (let i = 0; i < bars.length; i++) {
      const x = cross.update(fast.add(bars.close[i]), slow.add(bars.close[i]))
      const g = signals.get(i)
      if (!g) {
        assert.equal(x, 0, `unexpected crossover at bar ${i + 1}`)
        continue
      }
      assert.equal(x, g.cross, `bar ${g.bar}`)
      assert.equal(fast.value, g.fast, `fast SMA at bar ${g.bar}`)
      assert.equal(slow.value, g.slow, `slow SMA at bar ${g.bar}`)
    }
  })
}
