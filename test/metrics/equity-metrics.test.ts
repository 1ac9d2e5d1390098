/** Equity-curve metrics against values worked out by hand on curves of a few points. */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {drawdowns, drawdownSeries} from '../../src/metrics/drawdown.js'
import {equityMetrics} from '../../src/metrics/equity-metrics.js'
import {cagr, perPeriodRate, returnStats} from '../../src/metrics/return-stats.js'

const near = (a: number, b: number, what: string, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`)

describe('per-bar returns', () => {
  it('mean, sample sd, downside deviation and geometric mean, the first return against the initial cash', () => {
    // 100 → 110 → 99 → 118.8: returns +10%, −10%, +20%
    const s = returnStats(100, Float64Array.of(110, 99, 118.8))
    near(s.mean, 1 / 15, 'mean')
    near(s.stdev, Math.sqrt(((1 / 30) ** 2 + (1 / 6) ** 2 + (2 / 15) ** 2) / 2), 'sample sd')
    near(s.downside, Math.sqrt(0.01 / 3), 'downside: √(0.1² / 3), all three returns in the denominator')
    near(s.geometricMean, 1.188 ** (1 / 3) - 1, 'geometric mean')
    // Against a target of +5% a bar only −10% falls below it, by 15 points.
    near(returnStats(100, Float64Array.of(110, 99, 118.8), 0.05).downside, Math.sqrt(0.15 ** 2 / 3), 'downside below a target')
  })

  it('CAGR and the per-bar risk-free rate', () => {
    near(cagr(100, 121, 2), 0.1, '121/100 over two years')
    assert.equal(cagr(100, 0, 2), -1)
    assert.ok(Number.isNaN(cagr(100, 120, 0)))
    near(perPeriodRate(0.1, 2), Math.sqrt(1.1) - 1, '10% a year over two periods')
    assert.equal(perPeriodRate(0, 252), 0)
  })
})

describe('drawdowns', () => {
  //          t:   0    1   2    3    5    9   10   (days)
  const t = Float64Array.from([0, 1, 2, 3, 5, 9, 10], (d) => d * 86_400_000)
  const v = Float64Array.of(110, 99, 105, 121, 100, 90, 95)

  it('max drawdown: depth from the running peak, its peak, trough and (missing) recovery', () => {
    const d = drawdowns(100, t, v)
    near(d.max.depth, 31 / 121, 'depth 121 → 90')
    assert.equal(d.max.peakTime, t[3])
    assert.equal(d.max.troughTime, t[5])
    assert.equal(d.max.recoveryTime, null)
    assert.equal(d.max.durationMs, t[6] - t[3])
    assert.equal(d.max.durationBars, 3)
  })

  it('the longest drawdown can be a shallower one; a recovery ends a spell at the point back at the peak', () => {
    const w = Float64Array.of(110, 99, 105, 100, 111, 105, 112)
    const d = drawdowns(100, t, w)
    near(d.max.depth, 11 / 110, 'first spell is the deepest')
    assert.equal(d.max.recoveryTime, t[4])
    assert.equal(d.longest.durationMs, t[4] - t[0], 'peak at point 0 to recovery at point 4: 5 days')
    const e = drawdowns(100, t, Float64Array.of(100, 100, 98, 101, 101, 97, 102))
    // The spell starts at the LAST point at the peak: point 1, not point 0.
    assert.equal(e.longest.peakTime, t[4])
    assert.equal(e.longest.durationMs, t[6] - t[4])
    assert.equal(drawdowns(100, t, Float64Array.of(100, 100, 98, 101, 101, 101, 102)).max.peakTime, t[1])
  })

  it('the initial cash is the first peak; a curve that never falls has no drawdown', () => {
    const d = drawdowns(100, Float64Array.of(0, 1), Float64Array.of(90, 95))
    near(d.max.depth, 0.1, 'below the initial cash from the start')
    assert.equal(d.max.peakTime, 0)
    assert.equal(drawdowns(100, Float64Array.of(0, 1), Float64Array.of(100, 120)).max.depth, 0)
    assert.deepEqual(Array.from(drawdownSeries(100, Float64Array.of(90, 120, 96))), [0.1, 0, 0.2])
  })
})

describe('equityMetrics', () => {
  it('Sharpe and Sortino use the per-bar excess over the risk-free rate and annualise by √P', () => {
    const v = Float64Array.of(110, 99, 118.8, 118.8)
    const t = Float64Array.of(0, 1, 2, 3)
    const P = 252
    const rf = 0.05
    const rfp = 1.05 ** (1 / P) - 1
    const r = [0.1, -0.1, 0.2, 0]
    const mean = r.reduce((a, b) => a + b) / 4
    const sd = Math.sqrt(r.reduce((a, x) => a + (x - mean) ** 2, 0) / 3)
    const down = Math.sqrt(r.reduce((a, x) => a + Math.min(0, x - rfp) ** 2, 0) / 4)
    const m = equityMetrics(100, t, v, P, rf)
    near(m.totalReturn, 0.188, 'total return')
    near(m.years, 4 / 252, 'years = bars / P')
    near(m.cagr, 1.188 ** (252 / 4) - 1, 'CAGR', 1e-10)
    near(m.volatility, sd * Math.sqrt(P), 'volatility')
    near(m.sharpe, ((mean - rfp) / sd) * Math.sqrt(P), 'Sharpe')
    near(m.sortino, ((mean - rfp) / down) * Math.sqrt(P), 'Sortino')
    near(m.maxDrawdown, 0.1, 'max drawdown')
    near(m.calmar, m.cagr / 0.1, 'Calmar')
    assert.equal(m.peakValue, 118.8)
  })

  it('flat and empty curves give NaN ratios, never Infinity', () => {
    const flat = equityMetrics(100, Float64Array.of(0, 1, 2), Float64Array.of(100, 100, 100), 252)
    assert.ok(Number.isNaN(flat.sharpe) && Number.isNaN(flat.sortino) && Number.isNaN(flat.calmar))
    assert.equal(flat.volatility, 0)
    const none = equityMetrics(100, new Float64Array(0), new Float64Array(0), 252)
    assert.equal(none.totalReturn, 0)
    assert.ok(Number.isNaN(none.sharpe))
    assert.equal(none.maxDrawdownPeak, null)
  })
})
