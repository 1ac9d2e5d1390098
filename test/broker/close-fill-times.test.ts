/**
 * When a fill at a bar's close (`fill_price: close`) happened: inside the bar whose close it took,
 * at its last millisecond (close − 1 ms), so that it carries that bar's date and time. It used to
 * be stamped with the clock, the bar's close instant, which is the next bar's open: daily bars
 * stamped at local midnight showed a Friday-close exit as Saturday and a Thursday-close entry at
 * the very time of a fill at Friday's open, and the report's markers and MAE/MFE were a bar off.
 * Close fills and next-open fills side by side, on minute bars, daily NYSE bars and the session
 * hooks; the invariant that ties a fill to its order's bar (a property); MAE/MFE and chart markers
 * of trades entered and exited at closes; and the trade list `bots backtest --out` writes.
 */
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {barsFromRows} from '../../src/core/bars.js'
import {createCalendar} from '../../src/calendar/index.js'
import type {MarketCalendar, Session} from '../../src/calendar/calendar.js'
import {localDateOf} from '../../src/calendar/timezone.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {Bars} from '../../src/model/bars.js'
import type {LifecycleHook} from '../../src/engine/hook-invoker.js'
import type {StrategyContext} from '../../src/model/strategy.js'
import type {Trade} from '../../src/model/trade.js'
import {formatSpan} from '../../src/metrics/metric-rows.js'
import {chartData} from '../../src/report/chart-data.js'
import {excursions} from '../../src/report/excursions.js'
import {brokerSpec, strategyOf} from '../engine/engine-fixtures.js'
import {ListCalendar} from '../engine/list-calendar.js'
import {ROOT, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {MINUTE, T0, candles, runCandles, type Row} from './candles.js'

const D = 86_400_000
const M5 = 300_000
const NY = 'America/New_York'
const nyse = createCalendar('NYSE')
type FillPrice = 'close' | 'next_open'

/** Close time of bar i, as MarketView.closeOf: open + timeframe, never after the next bar's open. */
function closeOf(b: Bars, i: number): number {
  const end = b.time[i] + b.timeframeMs
  return i + 1 < b.length && b.time[i + 1] < end ? b.time[i + 1] : end
}

/** The bar an instant falls in: the last bar opened at or before it (-1 before the first). */
function barAt(b: Bars, t: number): number {
  let i = -1
  while (i + 1 < b.length && b.time[i + 1] <= t) i++
  return i
}

// Five minute bars; bar k: open 10k + 1, close 10k + 9, so a fill's price names its bar and side.
const rows: Row[] = [0, 1, 2, 3, 4, 5].map((k) => [10 * k + 1, 10 * k + 9.5, 10 * k + 0.5, 10 * k + 9])

describe('minute bars: close fills and next-open fills side by side', () => {
  const script = {1: (ctx: StrategyContext) => ctx.buy(1), 3: (ctx: StrategyContext) => ctx.sell(1)}

  it('a close fill is stamped with its bar\'s last millisecond; a next-open fill with the next bar\'s open', async () => {
    const close = await runCandles({rows, broker: {fillPrice: 'close'}, script})
    const open = await runCandles({rows, broker: {fillPrice: 'next_open'}, script})
    assert.deepEqual(close.fills.map((f) => [f.side, f.price, f.time]), [['buy', 19, T0 + 2 * MINUTE - 1], ['sell', 39, T0 + 4 * MINUTE - 1]])
    assert.deepEqual(open.fills.map((f) => [f.side, f.price, f.time]), [['buy', 21, T0 + 2 * MINUTE], ['sell', 41, T0 + 4 * MINUTE]])
    // Bar 1's close and bar 2's open: one price moment, two distinct stamps, each in its own bar.
    assert.ok(close.fills[0].time < open.fills[0].time)
    const b = candles(rows)
    assert.deepEqual(close.fills.map((f) => barAt(b, f.time)), [1, 3])
    assert.deepEqual(open.fills.map((f) => barAt(b, f.time)), [2, 4])
    assert.deepEqual(close.trades.map((t) => [t.entryTime, t.exitTime]), [[T0 + 2 * MINUTE - 1, T0 + 4 * MINUTE - 1]])
    assert.deepEqual(open.trades.map((t) => [t.entryTime, t.exitTime]), [[T0 + 2 * MINUTE, T0 + 4 * MINUTE]])
    // The orders: placed at the iteration, bar 1's close; the close fill 1 ms before, in the bar
    // it saw (its signal bar), the next-open fill at or after it.
    assert.deepEqual(close.orders.map((o) => [o.createdAt, o.filledAt]), [[T0 + 2 * MINUTE, T0 + 2 * MINUTE - 1], [T0 + 4 * MINUTE, T0 + 4 * MINUTE - 1]])
    assert.deepEqual(open.orders.map((o) => [o.createdAt, o.filledAt]), [[T0 + 2 * MINUTE, T0 + 2 * MINUTE], [T0 + 4 * MINUTE, T0 + 4 * MINUTE]])
  })

  it('an iteration after the bar\'s close (sleeptime 1.5 bars): the close fill is still dated in that bar, not at the clock', async () => {
    // Iterations at 1:00 (bar 0), 2:30 (bar 1; bar 2 is half way), 4:00 (bars 2 and 3)…
    const bars = candles(rows)
    const run = (fillPrice: FillPrice) => runBacktest({
      spec: {symbols: ['X'], timeframeMs: MINUTE, sleeptimeMs: 1.5 * MINUTE, broker: brokerSpec({fillPrice})},
      bars: [bars],
      definition: strategyOf('late', () => ({onTradingIteration: (ctx) => ctx.barCount() === 2 && ctx.buy(1)})),
      calendar: createCalendar('24/7'),
      runner: 'backtest',
    })
    const close = await run('close')
    assert.deepEqual(close.orders.map((o) => o.createdAt), [T0 + 2.5 * MINUTE])
    // Bar 1's close, dated 1:59.999: the clock (2:30) is inside bar 2, whose open (2:00) came first.
    assert.deepEqual(close.fills.map((f) => [f.price, f.time]), [[19, T0 + 2 * MINUTE - 1]])
    // Next-open: bar 2 opened before the order was placed, so bar 3's open.
    const open = await run('next_open')
    assert.deepEqual(open.fills.map((f) => [f.price, f.time]), [[31, T0 + 3 * MINUTE]])
  })
})

// New York midnights of Mon 22 .. Fri 26, Mon 29 and Tue 30 January 2024 (EST, UTC-5): NYSE days.
const days = [22, 23, 24, 25, 26, 29, 30].map((d) => Date.UTC(2024, 0, d, 5))
const daily = barsFromRows('X', D, days.map((time, k) => ({time, open: 10 * (k + 1) + 1, high: 10 * (k + 1) + 9.5, low: 10 * (k + 1), close: 10 * (k + 1) + 9})))
const dateNY = (t: number) => localDateOf(t, NY)

/** One run on NYSE: `place[hook](ctx, bar)` with bar = the latest bar seen (-1: none yet). */
async function runNyse(bars: Bars, tf: number, fillPrice: FillPrice, place: Partial<Record<LifecycleHook, (ctx: StrategyContext, bar: number) => void>>, runner: 'daily' | 'backtest') {
  const hooks: Record<string, (ctx: StrategyContext) => void> = {}
  for (const [name, fn] of Object.entries(place)) hooks[name] = (ctx) => fn!(ctx, ctx.barCount() - 1)
  const spec = {symbols: ['X'], timeframeMs: tf, sleeptimeMs: tf, broker: brokerSpec({fillPrice})}
  return runBacktest({spec, bars: [bars], definition: strategyOf('script', () => hooks), calendar: nyse, runner})
}

describe('daily NYSE bars: fills and trades dated on the right day', () => {
  // Buy at Thursday's iteration (bar 3), sell at Friday's (bar 4).
  const place = {onTradingIteration: (ctx: StrategyContext, bar: number) => (bar === 3 ? ctx.buy(1) : bar === 4 ? ctx.sell(1) : undefined)}

  it('close: bought on Thursday, sold on Friday, each at its last millisecond; next_open: Friday\'s and Monday\'s opens', async () => {
    const close = await runNyse(daily, D, 'close', place, 'daily')
    const open = await runNyse(daily, D, 'next_open', place, 'daily')
    assert.deepEqual(close.fills.map((f) => [f.side, f.price, dateNY(f.time)]), [['buy', 49, '2024-01-25'], ['sell', 59, '2024-01-26']])
    assert.deepEqual(open.fills.map((f) => [f.side, f.price, dateNY(f.time)]), [['buy', 51, '2024-01-26'], ['sell', 61, '2024-01-29']])
    // Thursday's close is the instant before Friday's open; Friday's close (no Saturday bar) is
    // Friday + 24 h, and its fill the instant before Saturday.
    assert.deepEqual(close.fills.map((f) => f.time), [days[4] - 1, days[4] + D - 1])
    assert.deepEqual(open.fills.map((f) => f.time), [days[4], days[5]])
    assert.notEqual(close.fills[0].time, open.fills[0].time, 'a Thursday-close fill and a Friday-open fill at one time')
    assert.deepEqual(close.trades.map((t) => [dateNY(t.entryTime), t.entryPrice, dateNY(t.exitTime), t.exitPrice]), [['2024-01-25', 49, '2024-01-26', 59]])
    assert.deepEqual(open.trades.map((t) => [dateNY(t.entryTime), t.entryPrice, dateNY(t.exitTime), t.exitPrice]), [['2024-01-26', 51, '2024-01-29', 61]])
  })

  it('beforeMarketCloses and afterMarketCloses: the latest bar\'s close, the same stamp', async () => {
    for (const hook of ['beforeMarketCloses', 'afterMarketCloses'] as const) {
      const r = await runNyse(daily, D, 'close', {[hook]: (ctx: StrategyContext, bar: number) => (bar === 3 ? ctx.buy(1) : bar === 4 ? ctx.sell(1) : undefined)}, 'daily')
      assert.deepEqual(r.fills.map((f) => [f.price, f.time]), [[49, days[4] - 1], [59, days[4] + D - 1]], hook)
      assert.deepEqual(r.trades.map((t) => [dateNY(t.entryTime), dateNY(t.exitTime)]), [['2024-01-25', '2024-01-26']], hook)
    }
  })

  it('intraday 5-minute NYSE bars: the pre-close and after-close hooks\' fills in their bars; next_open at the next opens', async () => {
    // One session, Friday 26 January 2024, 09:30-16:00 New York: bar k opens at 100 + k.
    const open930 = Date.UTC(2024, 0, 26, 14, 30)
    const bars = barsFromRows('X', M5, Array.from({length: 78}, (_, k) => ({time: open930 + k * M5, open: 100 + k, high: 100.5 + k, low: 99.5 + k, close: 100.25 + k})))
    // beforeMarketCloses at 15:55 has seen the 15:50 bar (76); afterMarketCloses at 16:00 the 15:55 bar (77).
    const place = {beforeMarketCloses: (ctx: StrategyContext) => ctx.buy(1), afterMarketCloses: (ctx: StrategyContext) => ctx.sell(1)}
    const close = await runNyse(bars, M5, 'close', place, 'backtest')
    assert.deepEqual(close.fills.map((f) => [f.side, f.price, f.time]), [['buy', 176.25, open930 + 77 * M5 - 1], ['sell', 177.25, open930 + 78 * M5 - 1]])
    assert.deepEqual(close.fills.map((f) => barAt(bars, f.time)), [76, 77])
    assert.deepEqual(close.trades.map((t) => [t.entryTime, t.exitTime]), [[open930 + 77 * M5 - 1, open930 + 78 * M5 - 1]])
    // next_open: the buy at the 15:55 bar's open (1 ms after the close fill's stamp); the sell, after the close, never (no later bar).
    const open = await runNyse(bars, M5, 'next_open', place, 'backtest')
    assert.deepEqual(open.fills.map((f) => [f.side, f.price, f.time]), [['buy', 177, open930 + 77 * M5]])
  })
})

/**
 * The invariant between a fill and the order it fills, for any bars (gaps included), sleeptime and
 * sessions: the signal bar s is the latest bar whose close had come by the order's creation. A
 * fill at a close is that bar's: price close[s], time closeOf(s) − 1, which is before createdAt
 * (not "fill time ≥ createdAt": a close fill is dated in its signal bar, as Backtrader dates it).
 * A fill at an open is at the open of a later bar, at or after createdAt. Fill times never go back.
 */
describe('a fill and its order\'s bar (property)', () => {
  const T = Date.UTC(2024, 0, 1, 8)
  const arb = fc.record({
    fillPrice: fc.constantFrom<FillPrice>('close', 'next_open'),
    steps: fc.array(fc.oneof(fc.constant(1), fc.integer({min: 1, max: 90})), {minLength: 1, maxLength: 40}),
    sleep: fc.constantFrom(0, 1, 1.5, 2.5, 4),
    sessions: fc.option(fc.array(fc.record({gap: fc.integer({min: 0, max: 60}), length: fc.integer({min: 1, max: 120})}), {minLength: 1, maxLength: 8}), {nil: undefined}),
    actions: fc.array(fc.integer({min: 0, max: 4}), {minLength: 1, maxLength: 60}),
  })

  it('close fills in their signal bar, before createdAt; open fills at a later open, at or after it', async () => {
    await fc.assert(
      fc.asyncProperty(arb, async ({fillPrice, steps, sleep, sessions, actions}) => {
        let t = T
        const bars = barsFromRows('X', 5 * MINUTE, steps.map((s, k) => {
          t += s * 5 * MINUTE
          return {time: t, open: 10 + k, high: 10.5 + k, low: 9.5 + k, close: 10.25 + k}
        }))
        let calendar: MarketCalendar = createCalendar('24/7')
        if (sessions !== undefined) {
          const list: Session[] = []
          let at = T
          for (const s of sessions) {
            const open = at + s.gap * 5 * MINUTE
            list.push({open, close: open + s.length * 5 * MINUTE})
            at = open + s.length * 5 * MINUTE
          }
          calendar = new ListCalendar(list)
        }
        // Orders from every hook. A close-mode order waits for the next open when no bar of the
        // session has been seen: placed in the opening hooks, or in the closing hooks of a session
        // without bars (the latest close is an earlier session's).
        const waits = new Set<number>()
        let sessionOpen = -Infinity
        let n = 0
        const act = (hook: string) => (ctx: StrategyContext) => {
          if (hook === 'beforeMarketOpens') sessionOpen = ctx.now
          const a = actions[n++ % actions.length]
          if (a === 0) return
          const seen = ctx.barCount() - 1
          const order = a % 2 ? ctx.buy(a) : ctx.sell(a)
          if (hook === 'beforeMarketOpens' || hook === 'beforeStartingTrading' || seen < 0 || closeOf(bars, seen) <= sessionOpen) waits.add(order.id)
        }
        const hooks = Object.fromEntries(['beforeMarketOpens', 'beforeStartingTrading', 'onTradingIteration', 'beforeMarketCloses', 'afterMarketCloses'].map((h) => [h, act(h)]))
        const r = await runBacktest({
          spec: {symbols: ['X'], timeframeMs: 5 * MINUTE, sleeptimeMs: sleep * 5 * MINUTE, broker: brokerSpec({cash: 1e9, fillPrice})},
          bars: [bars],
          definition: strategyOf('prop', () => hooks),
          calendar,
          runner: 'backtest',
        })
        const orders = new Map(r.orders.map((o) => [o.id, o]))
        for (let j = 0; j < r.fills.length; j++) {
          const f = r.fills[j]
          const o = orders.get(f.orderId)!
          let s = -1
          while (s + 1 < bars.length && closeOf(bars, s + 1) <= o.createdAt) s++
          const b = barAt(bars, f.time)
          if (fillPrice === 'close' && !waits.has(o.id)) {
            assert.equal(b, s, `fill of order ${o.id} in its signal bar`)
            assert.equal(f.time, closeOf(bars, s) - 1)
            assert.equal(f.price, bars.close[s])
            assert.ok(f.time < o.createdAt)
          } else {
            assert.ok(b > s, `fill of order ${o.id} after its signal bar`)
            assert.equal(f.time, bars.time[b])
            assert.equal(f.price, bars.open[b])
            assert.ok(f.time >= o.createdAt)
          }
          if (j > 0) assert.ok(f.time >= r.fills[j - 1].time, 'fill times never go back')
        }
        // A trade's entry and exit are fills' times.
        const times = new Set(r.fills.map((f) => f.time))
        for (const trade of r.trades) assert.ok(times.has(trade.entryTime) && times.has(trade.exitTime))
      }),
      {numRuns: 200},
    )
  })
})

describe('MAE/MFE: the bars held, with close and open stamps', () => {
  // Bar k's high is 100 + (k + 1) (the highest high names the last bar counted) and its low
  // 100 − (10 − k) (the lowest low names the first); entry and exit at 100.
  const b = barsFromRows('X', MINUTE, Array.from({length: 8}, (_, k) => ({time: T0 + k * MINUTE, open: 100, high: 101 + k, low: 90 + k, close: 100})))
  const trade = (entryTime: number, exitTime: number, side: Trade['side'] = 'long'): Trade => ({symbol: 'X', side, quantity: 1, entryTime, entryPrice: 100, exitTime, exitPrice: 100, commission: 0, grossPnl: 0, netPnl: 0})
  /** The first and last bar counted, read back from a long's MAE and MFE; null when none is. */
  const held = (t: Trade): [number, number] | null => {
    const [x] = excursions([t], [b])
    if (x.mae === 0 && x.mfe === 0) return null
    return [Math.round(-x.mae * 100) === 0 ? NaN : 10 - Math.round(-x.mae * 100), Math.round(x.mfe * 100) - 1]
  }
  const close = (k: number) => T0 + (k + 1) * MINUTE - 1 // a fill at bar k's close
  const open = (k: number) => T0 + k * MINUTE // a fill at bar k's open (next-open, or a stop inside the bar)

  it('entered at bar 1\'s close and exited at bar 4\'s close: bars 2 to 4', () => {
    assert.deepEqual(held(trade(close(1), close(4))), [2, 4])
  })

  it('the same bars with an open at either end, and the exit bar of an open exit left out', () => {
    assert.deepEqual(held(trade(open(2), close(4))), [2, 4], 'entered at bar 2\'s open: bar 2 counts')
    assert.deepEqual(held(trade(close(1), open(5))), [2, 4], 'exited at bar 5\'s open: bar 5 does not count')
    assert.deepEqual(held(trade(open(2), open(5))), [2, 4])
    assert.deepEqual(held(trade(close(1), open(4))), [2, 3], 'exited inside bar 4 (a stop, stamped at its open): bar 4 counts by the exit price only')
  })

  it('entered and exited at one bar\'s close, or at a close and the next open: only the two prices', () => {
    assert.equal(held(trade(close(3), close(3))), null)
    assert.equal(held(trade(close(3), open(4))), null)
  })

  it('a short: the same bars, MAE from the highest high', () => {
    const [x] = excursions([trade(close(1), close(4), 'short')], [b])
    assert.deepEqual([x.mae, x.mfe].map((v) => Math.round(v * 100) / 100), [-0.05, 0.08])
  })

  it('runs recorded before (close fills at the close instant, the next bar\'s open) count the same bars', () => {
    assert.deepEqual(held(trade(close(1) + 1, close(4) + 1)), [2, 4])
  })

  it('daily NYSE: a Thursday-close entry and a Friday-close exit hold Friday only', () => {
    // Thursday (bar 3) high 49.5, low 40; Friday (bar 4) 59.5, 50; Monday (bar 5) 69.5, 60.
    const [x] = excursions([{...trade(days[4] - 1, days[4] + D - 1), entryPrice: 49, exitPrice: 59}], [daily])
    assert.deepEqual(x, {mae: 0, mfe: 59.5 / 49 - 1})
  })
})

describe('chart markers: on the candle of the bar whose close the fill took', () => {
  it('a close entry on bar 1\'s candle, a close exit on bar 3\'s (next-open: bars 2 and 4)', async () => {
    const b = candles(rows)
    const n = b.length
    const value = new Float64Array(n).fill(100_000)
    const script = {1: (ctx: StrategyContext) => ctx.buy(1), 3: (ctx: StrategyContext) => ctx.sell(1)}
    const markers = async (fillPrice: FillPrice) => {
      const r = await runCandles({rows, broker: {fillPrice}, script})
      const charts = chartData({bars: [b], time: b.time, value, benchmark: value, drawdown: new Float64Array(n), trades: r.trades, timezone: 'UTC'})
      return charts.prices[0].markers.map((m) => [m.text.split(' ')[0], m.time])
    }
    const candle = (k: number) => (T0 + k * MINUTE) / 1000
    assert.deepEqual(await markers('close'), [['buy', candle(1)], ['exit', candle(3)]])
    assert.deepEqual(await markers('next_open'), [['buy', candle(2)], ['exit', candle(4)]])
  })
})

describe('bots backtest --out: a Friday-close exit is dated on the Friday', () => {
  it('ORCL SMA cross with fill_price: close: trades.csv has the first trade from Thursday 11 May to Friday 22 September 1995', async () => {
    const dir = tempDir('bots-close-fill-times-')
    const spec = readFileSync(path.join(ROOT, 'examples', 'orcl-sma-cross.yaml'), 'utf8')
      .replace('path: data/orcl-1995-2014.csv', `path: ${path.join(ROOT, 'examples', 'data', 'orcl-1995-2014.csv')}`)
      .replace(/^broker:\n/m, 'broker:\n  fill_price: close\n')
    assert.match(spec, /fill_price: close/)
    const file = path.join(dir, 'orcl-close.yaml')
    writeFileSync(file, spec)
    const out = path.join(dir, 'out')
    const r = await runCli(['backtest', file, '--db', path.join(dir, 'store.duckdb'), '--no-record', '--no-report', '--out', out])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    const [header, first] = readFileSync(path.join(out, 'trades.csv'), 'utf8').trim().split('\n').map((l) => l.split(','))
    const row = Object.fromEntries(header.map((h, k) => [h, first[k]]))
    // Entered at Thursday 11 May's close (2.379630), exited at Friday 22 September's (2.916667).
    assert.deepEqual([dateNY(Date.parse(row.entry_time)), Number(row.entry_price)], ['1995-05-11', 2.37963])
    assert.deepEqual([dateNY(Date.parse(row.exit_time)), Number(row.exit_price)], ['1995-09-22', 2.916667])
    // Midnight New York (EDT) after each: the instant before.
    assert.deepEqual([row.entry_time, row.exit_time], ['1995-05-12T03:59:59.999Z', '1995-09-23T03:59:59.999Z'])
  })
})

describe('holding times', () => {
  it('a trade from a bar\'s open to that bar\'s close (stamped at its last millisecond) holds a whole bar', async () => {
    // A stop filled at bar 1's open, then a market exit at bar 1's close: 1 ms short of a minute.
    const r = await runCandles({
      rows: [[10, 10, 10, 10], [10, 11, 10, 10.5], [10.5, 11, 10, 10.5]],
      broker: {fillPrice: 'close'},
      script: {0: (ctx) => ctx.buy(1, {type: 'stop', stopPrice: 10}), 1: (ctx) => ctx.sell(1)},
    })
    const [t] = r.trades
    assert.equal(t.exitTime - t.entryTime, MINUTE - 1)
    assert.equal(formatSpan(t.exitTime - t.entryTime), '1m')
    assert.equal(formatSpan(86_400_000 - 1), '1d')
    assert.equal(formatSpan(999), '999 ms')
  })
})
