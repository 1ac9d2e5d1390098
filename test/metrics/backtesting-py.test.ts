/**
 * Our metrics against backtesting.py's compute_stats on the same equity curves and trades
 * (golden files made by test/reference/backtesting_py/stats.py; see the README beside them).
 * Where its conventions differ from ours (annualisation over daily returns, a compounded
 * volatility, CAGR over calendar days ÷ trading days, profit factor on returns), the figure is
 * rebuilt from our own building blocks with its convention; every such case is marked ALIGNED.
 */
import assert from 'node:assert/strict'
import {readFileSync, readdirSync} from 'node:fs'
import {describe, it} from 'node:test'
import {computeMetrics} from '../../src/metrics/metrics.js'
import {cagr, returnStats} from '../../src/metrics/return-stats.js'
import {profitFactorOf, tradeReturn} from '../../src/metrics/trade-stats.js'
import type {Bars} from '../../src/model/bars.js'
import {ROOT} from '../helpers/cli.js'

const DIR = `${ROOT}test/golden/backtesting_py/`
const DAY = 86_400_000
const MINUTE = 60_000

function close(actual: number, expected: number | null, what: string, rel = 1e-6): void {
  assert.notEqual(expected, null, `${what}: the reference has no value`)
  const e = expected as number
  const tol = rel * Math.max(Math.abs(e), 1e-9)
  assert.ok(Math.abs(actual - e) <= tol, `${what}: ours ${actual}, backtesting.py ${e} (relative difference ${Math.abs(actual - e) / Math.abs(e)})`)
}

/** Last value per UTC day, as pandas' resample('D').last() on a naive UTC index. */
function dayEnds(time: Float64Array, value: Float64Array): Float64Array {
  const out: number[] = []
  let day = NaN
  for (let i = 0; i < time.length; i++) {
    const d = Math.floor(time[i] / DAY)
    if (d === day) out[out.length - 1] = value[i]
    else out.push(value[i])
    day = d
  }
  return Float64Array.from(out)
}

const ceilTo = (ms: number, unit: number) => Math.ceil(ms / unit) * unit

for (const file of readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()) {
  const golden = JSON.parse(readFileSync(DIR + file, 'utf8'))
  const input = golden.input
  const bt: Record<string, number | null> = golden.backtesting_py
  const rf: number = golden.reference.riskFreeRate
  const time = Float64Array.from(input.equity.time as number[])
  const value = Float64Array.from(input.equity.value as number[])
  const closes = Float64Array.from(input.bars.close as number[])
  const bars: Bars = {symbol: input.symbol, timeframeMs: time[1] - time[0], length: closes.length, time: Float64Array.from(input.bars.time as number[]), open: closes, high: closes, low: closes, close: closes, volume: new Float64Array(closes.length)}
  const m = computeMetrics({
    result: {initialCash: input.initialCash, equity: {time, value}, trades: input.trades, fills: input.fills, positions: [], start: input.start, end: input.end},
    bars: [bars],
    settings: {riskFreeRate: rf, periodsPerYear: input.periodsPerYear, annualisation: '', timezone: input.timezone},
  })
  const s = m.strategy
  // Its data resolution: durations are rounded up to days on daily data, to minutes on intraday data.
  const daily = input.periodsPerYear <= 366
  const unit = daily ? DAY : MINUTE

  describe(`backtesting.py agreement: ${file}`, () => {
    it('equity figures: final, peak, total return, buy & hold, max drawdown and its longest duration', () => {
      close(s.finalValue, bt['Equity Final [$]'], 'final equity')
      close(s.peakValue, bt['Equity Peak [$]'], 'equity peak')
      close(s.totalReturn * 100, bt['Return [%]'], 'total return')
      close(m.benchmark.totalReturn * 100, bt['Buy & Hold Return [%]'], 'buy & hold return')
      close(-s.maxDrawdown * 100, bt['Max. Drawdown [%]'], 'max drawdown')
      // Its duration is a Timedelta rounded up to the data's resolution; ours is exact ms.
      close(ceilTo(s.longestDrawdownMs, unit), bt['Max. Drawdown Duration'], 'longest drawdown duration')
    })

    it('trade figures: count, win rate, best/worst/mean trade return, SQN, exposure, holding times', () => {
      assert.equal(s.trades, bt['# Trades'])
      close(s.winRate * 100, bt['Win Rate [%]'], 'win rate')
      close(s.bestTradeReturn * 100, bt['Best Trade [%]'], 'best trade')
      close(s.worstTradeReturn * 100, bt['Worst Trade [%]'], 'worst trade')
      close(s.avgTradeReturn * 100, bt['Expectancy [%]'], 'expectancy (mean trade return)')
      close(s.sqn, bt['SQN'], 'SQN')
      close(s.exposure * 100, bt['Exposure Time [%]'], 'exposure')
      close(ceilTo(s.avgHoldingMs, unit), bt['Avg. Trade Duration'], 'average holding time')
      close(ceilTo(s.maxHoldingMs, unit), bt['Max. Trade Duration'], 'longest holding time')
      // ALIGNED: its profit factor sums trade returns; ours sums money. Same function, its inputs.
      close(profitFactorOf(input.trades.map(tradeReturn)), bt['Profit Factor'], 'profit factor over returns')
    })

    it('annualised figures (ALIGNED: daily returns, its annualisation and compounding)', () => {
      // It resamples the curve to daily closes and annualises with 365 days when a large share of
      // points fall on weekends, else 252. Its mean daily growth counts the first day as a 0 return.
      const d = dayEnds(time, value)
      const N = d.length
      const weekend = Array.from(time).filter((t) => [0, 6].includes(new Date(t).getUTCDay())).length / time.length
      const A = weekend > (2 / 7) * 0.6 ? 365 : 252
      const first = d[0]
      const last = d[N - 1]
      const annual = cagr(first, last, N / A)
      close(annual * 100, bt['Return (Ann.) [%]'], 'annualised return')
      if (daily) close(s.cagr * 100, bt['Return (Ann.) [%]'], 'CAGR on daily bars is its annualised return as is')
      // Its CAGR: calendar days between the first and last point ÷ A trading days.
      close(cagr(value[0], s.finalValue, (time[time.length - 1] - time[0]) / DAY / A) * 100, bt['CAGR [%]'], 'CAGR over calendar days / A')
      // Volatility: sample variance of the N−1 daily returns, compounded over A days.
      const r = returnStats(first, d.subarray(1), 0)
      const g = (last / first) ** (1 / N) - 1
      const vol = Math.sqrt((r.stdev ** 2 + (1 + g) ** 2) ** A - (1 + g) ** (2 * A))
      close(vol * 100, bt['Volatility (Ann.) [%]'], 'volatility')
      close((annual * 100 - rf * 100) / (vol * 100), bt['Sharpe Ratio'], 'Sharpe (annualised return over volatility)')
      // Sortino: our downside deviation (target 0, all returns in the denominator) over the same returns.
      close((annual - rf) / (r.downside * Math.sqrt(A)), bt['Sortino Ratio'], 'Sortino')
      close(annual / s.maxDrawdown, bt['Calmar Ratio'], 'Calmar')
    })
  })
}
