/**
 * Three figures of the report checked against what they mean:
 * - the rolling Sharpe ratio and volatility over windows where the strategy held nothing (with a
 *   risk-free rate every excess return is the same −rf): no Sharpe, volatility 0, and every other
 *   window as a direct computation over its own returns gives it;
 * - MAE and MFE from the prices traded while the trade was open: not the range of the bar whose
 *   open (or a stop inside it) closed the trade, nor of the bar whose close opened it;
 * - quantities and prices in the trade list (written by the page's script) and the open positions
 *   (written on the server) with the decimals they need: 0.37 units, a price of 0.0000996635.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import fc from 'fast-check'
import {createCalendar} from '../../src/calendar/index.js'
import {barsFromRows} from '../../src/core/bars.js'
import {fixedNumber} from '../../src/core/fixed-number.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {Bars} from '../../src/model/bars.js'
import type {StrategyContext} from '../../src/model/strategy.js'
import type {Trade} from '../../src/model/trade.js'
import {TRADE_ROWS} from '../../src/report/client-script.js'
import {excursions} from '../../src/report/excursions.js'
import {rolling} from '../../src/report/rolling.js'
import {positionsTable} from '../../src/report/sections.js'
import {tradeRows} from '../../src/report/trade-rows.js'
import {brokerSpec, strategyOf} from '../engine/engine-fixtures.js'

const D = 86_400_000
const H = 3_600_000

// ---- rolling Sharpe and volatility ----

const PPY = 252
const RF = 0.02
const WINDOW = 126

/** An equity curve from per-bar moves (fractions), from 1,000. */
function curve(moves: readonly number[]): number[] {
  let v = 1000
  return moves.map((m) => (v *= 1 + m))
}

/** Each window's figures computed on their own, two passes over its excess returns: what rolling() must give. */
function direct(value: readonly number[], window: number): Array<{flat: boolean; sharpe: number; volatility: number}> {
  const rf = (1 + RF) ** (1 / PPY) - 1
  const x = value.map((v, i) => v / (i === 0 ? 1000 : value[i - 1]) - 1 - rf)
  return x.map((_, end) => {
    if (end < window - 1) return {flat: false, sharpe: NaN, volatility: NaN}
    const xs = x.slice(end - window + 1, end + 1)
    const mean = xs.reduce((s, v) => s + v, 0) / window
    const sd = Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (window - 1))
    const flat = xs.every((v) => v === xs[0])
    return {flat, sharpe: (mean / sd) * Math.sqrt(PPY), volatility: sd * Math.sqrt(PPY)}
  })
}

function assertClose(actual: number, expected: number, rel: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${what}: ${actual}, expected ${expected}`)
}

/** rolling() over `moves` against `direct`: flat windows have no Sharpe and volatility 0; the others agree to `rel`. */
function checkRolling(moves: readonly number[], rel: number): number {
  const value = curve(moves)
  const r = rolling(1000, value, PPY, RF, WINDOW)
  let flat = 0
  direct(value, WINDOW).forEach((d, i) => {
    if (d.flat) {
      flat++
      assert.ok(Number.isNaN(r.sharpe[i]), `bar ${i}: a window of equal returns has no Sharpe, got ${r.sharpe[i]}`)
      assert.equal(r.volatility[i], 0, `bar ${i}: a window of equal returns has volatility 0`)
    } else if (i < WINDOW - 1) {
      assert.ok(Number.isNaN(r.sharpe[i]) && Number.isNaN(r.volatility[i]), `bar ${i}: before the first full window`)
    } else {
      assertClose(r.volatility[i], d.volatility, rel, `bar ${i} volatility`)
      assertClose(r.sharpe[i], d.sharpe, rel, `bar ${i} Sharpe`)
    }
  })
  return flat
}

const volatile = (n: number, scale = 0.02) => Array.from({length: n}, (_, i) => Math.sin(i * 1.7 + n) * scale + 0.0005)
const flat = (n: number) => Array<number>(n).fill(0)

test('rolling: windows where nothing was held have no Sharpe and volatility 0 under a risk-free rate; the rest as computed window by window', () => {
  // A long flat stretch between volatile ones (the ±5% moves before it left the plain running
  // sums a residue: Sharpe −1.5 million), flat stretches exactly one window long and one bar
  // longer right after volatility (before any rebuild of the sums inside them), and a run that
  // starts flat.
  for (const moves of [
    [...volatile(500, 0.05), ...flat(300), ...volatile(150)],
    [...volatile(500, 0.05), ...flat(WINDOW), ...volatile(60)],
    [...volatile(501, 0.05), ...flat(WINDOW + 1), ...volatile(130)],
    [...flat(400), ...volatile(200)],
  ]) {
    const flatWindows = checkRolling(moves, 1e-9)
    assert.ok(flatWindows >= 1, 'the series has windows of equal returns')
  }
  // Moves of ~1e-12 (dust), then flat: the sums are never rebuilt for precision there (below the
  // noise floor), and the flat windows still come out exactly flat.
  const value = curve([...Array.from({length: 200}, (_, i) => Math.sin(i * 2.3) * 1e-12), ...flat(300)])
  const r = rolling(1000, value, PPY, RF, WINDOW)
  const flatAt = direct(value, WINDOW).flatMap((d, i) => (d.flat ? [i] : []))
  assert.ok(flatAt.length > 100)
  for (const i of flatAt) assert.ok(Number.isNaN(r.sharpe[i]) && r.volatility[i] === 0, `bar ${i}: ${r.sharpe[i]}, ${r.volatility[i]}`)
})

test('rolling: what a volatile stretch leaves in the running sums does not linger in later windows', () => {
  // ±40% moves, then tiny moves (not all equal): each later window's deviation (~1e-8 a bar) is
  // below the rounding of sums that once held the big ones.
  const moves = [...volatile(300, 0.4), ...Array.from({length: 900}, (_, i) => 1e-8 * Math.sin(i * 2.3))]
  checkRolling(moves, 1e-6)
})

// ---- MAE and MFE ----

/** Daily bars from [open, high, low] rows at the given days (gaps allowed), closes at the open. */
function dailyBars(days: readonly number[], rows: ReadonlyArray<[number, number, number]>): Bars {
  return barsFromRows('X', D, rows.map(([open, high, low], i) => ({time: days[i] * D, open, high, low, close: open})))
}

const trade = (o: Partial<Trade>): Trade => ({symbol: 'X', side: 'long', quantity: 1, entryTime: 0, entryPrice: 100, exitTime: 0, exitPrice: 100, commission: 0, grossPnl: 0, netPnl: 0, ...o})

test('excursions: a trade leaving at a bar\'s open does not count that bar\'s range, which came after the sale', () => {
  // Bought at bar 1's open, sold at bar 3's open (97); bar 3 then ran to 130 and 80.
  const b = dailyBars([0, 1, 2, 3, 4], [[100, 101, 99], [100, 106, 98], [103, 104, 99], [97, 130, 80], [90, 200, 10]])
  const [long, short] = excursions([trade({entryTime: D, exitTime: 3 * D, exitPrice: 97}), trade({side: 'short', entryTime: D, exitTime: 3 * D, exitPrice: 97})], [b])
  assert.deepEqual(long, {mae: 97 / 100 - 1, mfe: 106 / 100 - 1})
  assert.deepEqual(short, {mae: 1 - 106 / 100, mfe: 1 - 97 / 100})
})

test('excursions: a stop that fills inside the exit bar counts at its price, not at the bar\'s low', () => {
  const b = dailyBars([0, 1, 2, 3, 4], [[100, 101, 99], [100, 106, 98], [103, 104, 99], [97, 130, 80], [90, 200, 10]])
  const [stopped] = excursions([trade({entryTime: D, exitTime: 3 * D, exitPrice: 95})], [b])
  assert.deepEqual(stopped, {mae: 95 / 100 - 1, mfe: 106 / 100 - 1})
})

test('excursions: a trade entered at a bar\'s close does not count that bar\'s range, which came before the purchase', () => {
  // Days 0, 1, 2, then a weekend: the close of day 2 (entry, stamped 3 D) is before the next bar.
  // Sold at the close of day 6 (stamped 7 D, the open of day 7, whose range comes after).
  const b = dailyBars([0, 1, 2, 5, 6, 7], [[100, 101, 99], [100, 101, 99], [100, 150, 50], [101, 104, 98], [102, 105, 99], [103, 170, 30]])
  const [long] = excursions([trade({entryTime: 3 * D, entryPrice: 100, exitTime: 7 * D, exitPrice: 103})], [b])
  assert.deepEqual(long, {mae: 98 / 100 - 1, mfe: 105 / 100 - 1})
})

test('excursions of a real run\'s trades, at the next open and at the close: only the bars held through', async () => {
  // Hourly bars with gaps. Index 2 is the bar whose close a close-fill buys at (103, stamped 3h,
  // in the gap); index 6 the bar at whose open a next-open sale fills (106). Both run wild after
  // (or before) the fill; the bars in between (indexes 3–5) are what the trade was held through.
  const hours = [0, 1, 2, 5, 6, 7, 10, 11, 12]
  const rows: Array<[number, number, number, number]> = [
    [100, 101, 99, 100], [100, 101, 99, 100], [100, 150, 50, 103], [103, 108, 97, 104], [104, 109, 98, 105], [105, 107, 96, 106],
    [106, 160, 40, 106], [106, 107, 105, 106], [106, 107, 105, 106],
  ]
  const bars = barsFromRows('X', H, rows.map(([open, high, low, close], i) => ({time: Date.UTC(2024, 0, 1) + hours[i] * H, open, high, low, close})))
  for (const fillPrice of ['close', 'next_open'] as const) {
    let k = 0
    // Buys after the third bar, sells after the sixth.
    const definition = strategyOf('in-and-out', () => ({
      onTradingIteration(ctx: StrategyContext) {
        k++
        if (k === 3) ctx.submitOrder({side: 'buy', quantity: 1})
        if (k === 6) ctx.submitOrder({side: 'sell', quantity: 1})
      },
    }))
    const r = await runBacktest({spec: {symbols: ['X'], timeframeMs: H, sleeptimeMs: H, broker: brokerSpec({fillPrice})}, bars, definition, calendar: createCalendar('24/7')})
    assert.equal(r.trades.length, 1)
    const [t] = r.trades
    assert.deepEqual([t.entryPrice, t.exitPrice], [103, 106], fillPrice)
    assert.deepEqual(excursions(r.trades, [bars]), [{mae: 96 / 103 - 1, mfe: 109 / 103 - 1}], fillPrice)
  }
})

// ---- quantities and prices ----

const TD = /<td(?: data-v="[^"]*")?>([^<]*)<\/td>/g

/** The page script's quantity, entry price and exit price cells for each trade. */
function pageCells(trades: readonly Trade[]): Array<[string, string, string]> {
  const data = JSON.parse(JSON.stringify({intraday: false, trades: tradeRows(trades, 1, [], 'UTC')})) as unknown
  let written = ''
  const body = {set innerHTML(html: string) {
    written = html
  }}
  const document = {getElementById: (id: string) => (id === 'trade-list' ? {tBodies: [body]} : null)}
  // Our own static script (never user text), run as the page runs it, as trade-rows.test.ts does.
  new Function('data', 'document', TRADE_ROWS)(data, document)
  return [...written.matchAll(/<tr[^>]*>(.*?)<\/tr>/g)].map((row) => {
    const cells = [...row[1].matchAll(TD)].map((c) => c[1])
    return [cells[3], cells[5], cells[7]]
  })
}

/** The open-positions table's quantity, entry and mark cells for a long of `quantity` at `entry`, marked at `mark`. */
function positionCells(quantity: number, entry: number, mark: number): [string, string, string] {
  const html = positionsTable([{symbol: 'X', quantity, averagePrice: entry, lastPrice: mark, unrealizedPnl: 0}])
  const cells = [.../<tbody>(.*)<\/tbody>/.exec(html)![1].matchAll(TD)].map((c) => c[1])
  return [cells[2], cells[3], cells[4]]
}

test('a fractional quantity and a price below a cent keep their digits, in the trade list and the open positions', () => {
  const trades = [
    trade({quantity: 0.37, entryPrice: 0.0000996635, exitPrice: 0.00012}),
    trade({quantity: 0.00012345, entryPrice: 0.5, exitPrice: 0.123456789}),
  ]
  const expected: Array<[string, string, string]> = [['0.37', '0.0000996635', '0.00012'], ['0.00012345', '0.50', '0.123457']]
  assert.deepEqual(pageCells(trades), expected)
  assert.deepEqual(trades.map((t) => positionCells(t.quantity, t.entryPrice, t.exitPrice)), expected)
})

test('whole quantities and prices from 1 up are written as before: whole units, 2 decimals', () => {
  const old = (q: number, entry: number, exit: number): [string, string, string] => [fixedNumber(q, 0), fixedNumber(entry, 2), fixedNumber(exit, 2)]
  const price = fc.oneof(fc.double({min: 1, max: 1e7, noNaN: true}), fc.double({min: -1e7, max: -1, noNaN: true}), fc.constantFrom(1, 4.138889, 1234.565, 2.675, 1.005))
  fc.assert(fc.property(fc.integer({min: 0, max: 1e9}), price, price, (q, entry, exit) => {
    assert.deepEqual(pageCells([trade({quantity: q, entryPrice: entry, exitPrice: exit})]), [old(q, entry, exit)])
    assert.deepEqual(positionCells(q, entry, exit), old(q, entry, exit))
  }), {numRuns: 300})
})

test('the page\'s script and the server write any quantity and price alike', () => {
  const num = fc.oneof(fc.double({min: 0, max: 1e7}), fc.double({min: 0, max: 1, noNaN: true}), fc.double({min: 1e-9, max: 1e-3, noNaN: true}), fc.double(), fc.constantFrom(0, -0, NaN, Infinity, 0.37, 0.005, 0.1 + 0.2, 9.999995e-5, 0.9999999, 1e-7, 3e21))
  fc.assert(fc.property(num, num, num, (q, entry, mark) => {
    const [page] = pageCells([trade({quantity: Math.abs(q), entryPrice: entry, exitPrice: mark})])
    assert.deepEqual(page, positionCells(Math.abs(q), entry, mark))
  }), {numRuns: 1000})
})
