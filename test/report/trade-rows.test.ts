/**
 * The trade list is written by the page's script from columns of numbers (trade-rows.ts,
 * client-script.ts TRADE_ROWS). Its rows must be the ones the report wrote on the server before:
 * the same cells, texts and sort values, formatted by the server's own functions (fixedNumber,
 * percent, formatSpan, the report's time format in its zone). The script runs here in Node (the
 * same ECMAScript and Intl a browser has) on the data as the page reads it, through JSON.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import fc from 'fast-check'
import type {Trade} from '../../src/model/trade.js'
import {TRADE_ROWS} from '../../src/report/client-script.js'
import type {Excursion} from '../../src/report/excursions.js'
import {tradeRows} from '../../src/report/trade-rows.js'
import {serverRows} from '../helpers/trade-rows-reference.js'

const MIN = 60_000
const DAY = 86_400_000

/** What the page's script writes into the trade list's body, given the report's data as JSON. */
function pageRows(trades: readonly Trade[], first: number, excursion: readonly Excursion[], tz: string, timeframeMs: number): string {
  const data = JSON.parse(JSON.stringify({intraday: timeframeMs < DAY, trades: tradeRows(trades, first, excursion, tz)})) as unknown
  let written: string | undefined
  const body = {set innerHTML(html: string) {
    written = html
  }}
  const document = {getElementById: (id: string) => (id === 'trade-list' ? {tBodies: [body]} : null)}
  // Our own static script (never user text), run as the page runs it: `data` and `document` in scope.
  new Function('data', 'document', TRADE_ROWS)(data, document)
  assert.ok(written !== undefined, 'the script wrote the rows')
  return written
}

const NY = 'America/New_York'
const at = (iso: string) => Date.parse(iso)
const trade = (o: Partial<Trade>): Trade => ({symbol: 'X', side: 'long', quantity: 1, entryTime: 0, entryPrice: 100, exitTime: 0, exitPrice: 100, commission: 0, grossPnl: 0, netPnl: 0, ...o})

test('the page writes the rows the server wrote: hand-picked cases', () => {
  const trades = [
    // Across New York's spring change (10 March 2024), minutes and seconds, rounding half up, grouping.
    trade({quantity: 1500, entryTime: at('2024-03-08T20:30:45Z'), exitTime: at('2024-03-11T14:00:00Z'), entryPrice: 1234.565, exitPrice: 1240.005, commission: 3.455, netPnl: 8_000.125}),
    trade({side: 'short', quantity: 0.5, entryTime: at('2024-11-01T13:31:00Z'), exitTime: at('2024-11-01T13:59:59Z'), entryPrice: 10, exitPrice: 10.5, netPnl: -0.25}),
    // A return that rounds to zero from below is 0.00, not -0.00; P&L exactly zero has no class.
    trade({netPnl: -1e-9, entryTime: at('2024-01-02T15:00:00Z'), exitTime: at('2024-01-02T15:00:00Z')}),
    trade({netPnl: 0, entryTime: at('2024-01-02T15:00:00Z'), exitTime: at('2024-01-03T15:00:00Z')}),
    // Text to escape, a trade with no bars (no MAE or MFE), a long hold, tiny and huge numbers.
    trade({symbol: '<b>&"\'', entryTime: at('2020-01-01T00:00:00Z'), exitTime: at('2023-05-17T21:05:00Z'), commission: 1e-7, netPnl: 1234567.891}),
    trade({quantity: 3e21, entryPrice: 2.5e-7, exitPrice: 1e22, entryTime: at('2024-06-01T12:00:00Z'), exitTime: at('2024-06-08T12:00:00Z')}),
    // What JSON cannot write: NaN, the infinities, -0 (the server wrote NaN, ∞, -∞, -0.00).
    trade({side: 'short', quantity: -0, entryPrice: NaN, exitPrice: Infinity, commission: -0, netPnl: -Infinity, entryTime: at('2024-06-03T14:00:00Z'), exitTime: at('2024-06-03T15:00:00Z')}),
    trade({entryPrice: 0, netPnl: Infinity, entryTime: at('2024-06-04T14:00:00Z'), exitTime: at('2024-06-04T15:00:00Z')}),
  ]
  const excursion = trades.map((_, i) => (i === 4 ? {mae: NaN, mfe: NaN} : i === 6 ? {mae: -0, mfe: Infinity} : {mae: -0.0123456, mfe: 0.045}))
  for (const [tz, tf] of [[NY, 30 * MIN], ['UTC', MIN], [NY, DAY], ['Asia/Kolkata', 5 * MIN]] as const) {
    assert.equal(pageRows(trades, 7, excursion, tz, tf), serverRows(trades, 7, excursion, tz, tf), `${tz}, ${tf} ms bars`)
  }
  // Fewer excursions than trades (a trade beyond them shows empty MAE and MFE cells).
  assert.equal(pageRows(trades, 1, excursion.slice(0, 2), NY, MIN), serverRows(trades, 1, excursion.slice(0, 2), NY, MIN))
})

test('the page writes the rows the server wrote: any trades', () => {
  const time = fc.integer({min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1)})
  // Any double, NaN, the infinities and -0 included.
  const num = fc.oneof(fc.double({min: -1e7, max: 1e7}), fc.double(), fc.integer({min: -1e6, max: 1e6}), fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 0.005, 1.005, 2.675, 1e-7))
  const oneTrade = fc.record({
    symbol: fc.constantFrom('ORCL', 'BTC/USDT', 'a&b', '<x>'),
    side: fc.constantFrom('long' as const, 'short' as const),
    quantity: num, entryTime: time, held: fc.integer({min: 0, max: 400 * DAY}), entryPrice: num, exitPrice: num, commission: num, netPnl: num,
    mae: fc.option(num, {nil: undefined}), mfe: num,
  })
  fc.assert(
    fc.property(fc.array(oneTrade, {minLength: 1, maxLength: 20}), fc.constantFrom(NY, 'UTC', 'Europe/London', 'Australia/Sydney'), fc.constantFrom(MIN, 15 * MIN, 60 * MIN, DAY), fc.integer({min: 1, max: 1e6}), (picked, tz, tf, first) => {
      const trades = picked.map((p) => trade({...p, exitTime: p.entryTime + p.held, grossPnl: p.netPnl}))
      const excursion = picked.map((p) => ({mae: p.mae ?? NaN, mfe: p.mfe}))
      assert.equal(pageRows(trades, first, excursion, tz, tf), serverRows(trades, first, excursion, tz, tf))
    }),
    {numRuns: 300},
  )
})

test('tradeRows: wall-clock times in the report\'s zone, symbols and sides once each', () => {
  const trades = [
    trade({symbol: 'A', entryTime: at('2024-03-08T20:30:00Z'), exitTime: at('2024-03-11T14:00:00Z')}),
    trade({symbol: 'B', side: 'short', entryTime: at('2024-07-01T13:30:00Z'), exitTime: at('2024-07-01T14:00:00Z')}),
    trade({symbol: 'A', entryTime: at('2024-07-02T13:30:00Z'), exitTime: at('2024-07-02T14:00:00Z')}),
  ]
  const rows = tradeRows(trades, 41, [], NY)
  assert.equal(rows.first, 41)
  assert.deepEqual(rows.symbols, ['A', 'B'])
  assert.deepEqual(rows.symbol, [0, 1, 0])
  assert.deepEqual(rows.sides, ['long', 'short'])
  assert.deepEqual(rows.side, [0, 1, 0])
  // New York is UTC−5 before the change and UTC−4 after it.
  assert.deepEqual(rows.entryWall, [at('2024-03-08T15:30:00Z'), at('2024-07-01T09:30:00Z'), at('2024-07-02T09:30:00Z')])
  assert.deepEqual(rows.exitWall, [at('2024-03-11T10:00:00Z'), at('2024-07-01T10:00:00Z'), at('2024-07-02T10:00:00Z')])
  assert.deepEqual([...rows.mae, ...rows.mfe], Array(6).fill('NaN'), 'no excursions given: none shown')
})
