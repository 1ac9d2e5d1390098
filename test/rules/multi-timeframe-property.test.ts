/**
 * Multi-timeframe rules never look ahead (issue 15, item 3): on the 5-minute sample (Europe/Berlin,
 * 09:00–17:30), run through the real backtest engine, at every iteration the values of
 * `close@1D`, `close@1D[1]`, `high@1D`, `volume@1D`, `close@1H` and of indicators with
 * `timeframe: 1D` / `1H` equal those computed here, independently, from only the higher bars that
 * had fully closed by the newest bar's close.
 *
 * Two modes: with the market calendar offered on the context (a daily bar closes at the session's
 * close, so it is visible at the close of the session's last bar) and without it (as contexts are
 * today: the daily bar closes at local midnight, visible from the next day's first bar).
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'
import {utcOffset} from '../../src/calendar/timezone.js'
import {lookaheadCheck} from '../../src/check/lookahead.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {BotSpec} from '../../src/model/bot-spec.js'
import type {Bars} from '../../src/model/bars.js'
import type {StrategyContext, StrategyDefinition, StrategyHooks} from '../../src/model/strategy.js'
import {planRules, type RulesPlan} from '../../src/rules/plan.js'
import {createRulesHooks} from '../../src/rules/runtime/rules-hooks.js'
import type {RulesSpec} from '../../src/rules/rules-types.js'
import {dataFile, readCsvBars} from '../helpers/read-csv-bars.js'
import {brokerSpec} from '../engine/engine-fixtures.js'

const M5 = 5 * 60_000
const H1 = 3_600_000
const DAY = 86_400_000
const TZ = 'Europe/Berlin'
const market = {timezone: TZ, open: '09:00', close: '17:30', days: ['mon', 'tue', 'wed', 'thu', 'fri'], holidays: []}
const calendar = createCalendar(market)
const bars = readCsvBars(dataFile('2006-min-005.txt'), {symbol: 'IDX', timeframeMs: M5, timezone: TZ, timeLabel: 'close'})

const rules: RulesSpec = {
  indicators: {
    d_sma: {type: 'sma', period: 5, timeframe: '1D'},
    d_ema_high: {type: 'ema', period: 3, source: 'high', timeframe: '1D'},
    d_sma_of_sma: {type: 'sma', period: 2, source: 'd_sma', timeframe: '1D'},
    h_sma: {type: 'sma', period: 4, timeframe: '1H'},
    fast: {type: 'sma', period: 10},
  },
  entry: {long: 'close@1D > d_sma and close@1D[1] > 0 and high@1D >= d_ema_high * 0 and volume@1D >= 0 and close@1H[2] > 0 and crosses_above(fast, d_sma)'},
  exit: {long: 'close < d_sma_of_sma or close@1H < h_sma'},
}

interface Higher {
  end: number
  open: number
  high: number
  low: number
  close: number
  volume: number
}

/** Buckets of the 5-minute bars by the local day / local hour of their open time; each ends at the grid end or, with the calendar, at the session close if that comes first. */
function buckets(b: Bars, ms: number, withCalendar: boolean): {of: Int32Array; list: Higher[]} {
  const of = new Int32Array(b.length)
  const list: Higher[] = []
  let key = NaN
  for (let i = 0; i < b.length; i++) {
    const t = b.time[i]
    const wall = t + utcOffset(t, TZ)
    const k = Math.floor(wall / ms)
    if (k !== key) {
      key = k
      const start = t - (wall - k * ms) // local midnight / hour (no DST change in January)
      let end = start + ms
      if (withCalendar) {
        const session = calendar.nextSession(start)!
        if (session.close < end) end = session.close
      }
      list.push({end, open: b.open[i], high: b.high[i], low: b.low[i], close: b.close[i], volume: b.volume[i]})
    } else {
      const h = list[list.length - 1]
      h.high = Math.max(h.high, b.high[i])
      h.low = Math.min(h.low, b.low[i])
      h.close = b.close[i]
      h.volume += b.volume[i]
    }
    of[i] = list.length - 1
  }
  return {of, list}
}

/** Higher bars visible at the close of bar i: closed by then, or followed by a bar of a later bucket. */
function visible(h: {of: Int32Array; list: Higher[]}, i: number): Higher[] {
  const closeTime = bars.time[i] + M5
  const current = h.list[h.of[i]]
  return h.list.slice(0, h.of[i] + (current.end <= closeTime ? 1 : 0))
}

const sma = (xs: number[], n: number) => (xs.length < n ? NaN : xs.slice(-n).reduce((a, b) => a + b, 0) / n)
function ema(xs: number[], n: number): number {
  if (xs.length < n) return NaN
  let e = xs.slice(0, n).reduce((a, b) => a + b, 0) / n
  for (const x of xs.slice(n)) e = e + (x - e) * (2 / (n + 1))
  return e
}

function closeTo(actual: number, expected: number, what: string) {
  if (Number.isNaN(expected)) return assert.ok(Number.isNaN(actual), `${what}: expected no value, got ${actual}`)
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`)
}

/** The context as the engine gives it, plus the market calendar (what a context may offer). */
function withCalendar(ctx: StrategyContext): StrategyContext {
  return new Proxy(ctx, {get: (target, p) => (p === 'calendar' ? calendar : Reflect.get(target, p, target))})
}

/** The context without the calendar the engine now offers (days then end at local midnight). */
function withoutCalendar(ctx: StrategyContext): StrategyContext {
  return new Proxy(ctx, {get: (target, p) => (p === 'calendar' ? undefined : Reflect.get(target, p, target))})
}

/** The rules as a strategy whose context may offer the calendar, with an optional observer. */
function probe(plan: RulesPlan, offerCalendar: boolean, observe?: Parameters<typeof createRulesHooks>[1]): StrategyDefinition {
  return {
    name: 'mtf-probe',
    description: 'rules with an observer',
    params: {type: 'object'},
    create: () => {
      const inner = createRulesHooks(plan, observe)
      const wrap = (ctx: StrategyContext) => (offerCalendar ? withCalendar(ctx) : withoutCalendar(ctx))
      const hooks: StrategyHooks = {}
      for (const [name, fn] of Object.entries(inner) as Array<[keyof StrategyHooks, (ctx: StrategyContext, ...rest: unknown[]) => void]>) {
        ;(hooks as Record<string, unknown>)[name] = (ctx: StrategyContext, ...rest: unknown[]) => fn(wrap(ctx), ...rest)
      }
      return hooks
    },
  }
}

async function observeRun(plan: RulesPlan, offerCalendar: boolean, sleeptimeMs: number) {
  const seen: Array<{i: number; values: Record<string, number>}> = []
  const keys = ['close@1D', 'high@1D', 'volume@1D', 'close@1H', 'd_sma', 'd_ema_high', 'd_sma_of_sma', 'h_sma']
  const definition = probe(plan, offerCalendar, (ctx, _symbol, rt) => {
    const i = ctx.barCount() - 1
    assert.equal(ctx.time('IDX', 0), bars.time[i])
    const values: Record<string, number> = {}
    for (const k of keys) values[k] = rt.ring(k).at(0)
    values['close@1D[1]'] = rt.ring('close@1D').at(1)
    values['close@1H[2]'] = rt.ring('close@1H').at(2)
    seen.push({i, values})
  })
  const result = await runBacktest({spec: {symbols: ['IDX'], timeframeMs: M5, sleeptimeMs, broker: brokerSpec()}, bars, definition, calendar})
  return {seen, result}
}

const CASES = [
  {offerCalendar: true, sleeptimeMs: M5, what: 'calendar on the context: days end at the session close'},
  {offerCalendar: false, sleeptimeMs: M5, what: 'no calendar: days end at midnight'},
  {offerCalendar: true, sleeptimeMs: 15 * 60_000, what: 'calendar, a 15-minute sleeptime: several bars per iteration'},
]

for (const {offerCalendar, sleeptimeMs, what} of CASES) {
  const everyBar = sleeptimeMs === M5
  test(`multi-timeframe values at every iteration equal those of the higher bars closed by then (${what})`, async () => {
    const {plan, problems} = planRules(rules, new Map(), {timeframeMs: M5})
    assert.deepEqual(problems, [])
    const daily = buckets(bars, DAY, offerCalendar)
    const hourly = buckets(bars, H1, offerCalendar)
    // Sanity of the reference: 21 sessions of 102 bars, 9 hourly buckets a day (09:00 … 17:00).
    assert.equal(daily.list.length, 21)
    assert.equal(hourly.list.length, 21 * 9)
    const {seen} = await observeRun(plan!, offerCalendar, sleeptimeMs)
    if (everyBar) assert.equal(seen.length, bars.length, 'one iteration per bar')
    else assert.ok(seen.length > bars.length / 4 && seen.length < bars.length / 2, `${seen.length} iterations`)
    let lastOfDay = 0
    for (const {i, values} of seen) {
      const d = visible(daily, i)
      const h = visible(hourly, i)
      const at = `bar ${i} (${new Date(bars.time[i]).toISOString()})`
      const dc = d.map((x) => x.close)
      closeTo(values['close@1D'], d.at(-1)?.close ?? NaN, `close@1D at ${at}`)
      closeTo(values['close@1D[1]'], d.at(-2)?.close ?? NaN, `close@1D[1] at ${at}`)
      closeTo(values['high@1D'], d.at(-1)?.high ?? NaN, `high@1D at ${at}`)
      closeTo(values['volume@1D'], d.at(-1)?.volume ?? NaN, `volume@1D at ${at}`)
      closeTo(values['close@1H'], h.at(-1)?.close ?? NaN, `close@1H at ${at}`)
      closeTo(values['close@1H[2]'], h.at(-3)?.close ?? NaN, `close@1H[2] at ${at}`)
      closeTo(values.d_sma, sma(dc, 5), `d_sma at ${at}`)
      closeTo(values.d_ema_high, ema(d.map((x) => x.high), 3), `d_ema_high at ${at}`)
      const smas = dc.map((_, k) => sma(dc.slice(0, k + 1), 5)).filter((x) => !Number.isNaN(x))
      closeTo(values.d_sma_of_sma, sma(smas, 2), `d_sma_of_sma at ${at}`)
      closeTo(values.h_sma, sma(h.map((x) => x.close), 4), `h_sma at ${at}`)
      // Never a higher bar that had not closed: the last visible one ended by this bar's close.
      assert.ok((d.at(-1)?.end ?? -Infinity) <= bars.time[i] + M5, `a daily bar seen before it closed at ${at}`)
      if (i + 1 < bars.length && daily.of[i + 1] !== daily.of[i]) lastOfDay++
      if (offerCalendar && everyBar && i + 1 < bars.length && daily.of[i + 1] !== daily.of[i]) {
        // The session's last bar sees its own day: the day closed with it.
        assert.equal(d.length, daily.of[i] + 1, `the day is complete at its last bar ${at}`)
      }
    }
    if (everyBar) assert.equal(lastOfDay, 20)
  })
}

test('the look-ahead check (cut the bars after decisions, compare) passes with days closing at the session close', async () => {
  // Decides at the session's last bar on the day that just closed: exits when the close falls below that day's low.
  const {plan} = planRules(
    {
      indicators: {d_sma: {type: 'sma', period: 3, timeframe: '1D'}, fast: {type: 'sma', period: 6}, slow: {type: 'sma', period: 18}},
      entry: {long: 'close@1D > d_sma and crosses_above(fast, slow)', short: 'close@1D < d_sma and crosses_below(fast, slow)'},
      exit: {long: 'close < low@1D or crosses_below(fast, slow)', short: 'close > high@1D or crosses_above(fast, slow)'},
    },
    new Map(),
    {timeframeMs: M5},
  )
  const spec = {symbols: ['IDX'], timeframeMs: M5, sleeptimeMs: M5, broker: brokerSpec(), market} as unknown as BotSpec
  const report = await lookaheadCheck({spec, bars: [bars], definition: probe(plan!, true), params: {}, decisionCuts: 30, evenCuts: 6})
  assert.ok(report.decisions >= 10, `${report.decisions} decisions`)
  assert.equal(report.passed, true, JSON.stringify(report.first))
})
