/**
 * The rules sweep's series: one id per distinct indicator (type, params, source, recursively),
 * whatever the rules call it; each series, after its leading NaNs, the very doubles the rules
 * runtime computes (the fast SMA of positive bar values included).
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {barsFromRows} from '../../src/core/bars.js'
import {rulesIndicatorSeries} from '../../src/rules/indicator-series.js'
import {planRules} from '../../src/rules/plan.js'
import type {RulesSpec} from '../../src/rules/rules-types.js'
import {barFieldSeries, computeIndicatorSeries, indicatorIds, outputKeys, type LimbsCache} from '../../src/sweep/vector/rules-series.js'

const plan = (indicators: RulesSpec['indicators']) => planRules({indicators, entry: {long: 'close > 0'}}).plan!
const rows = Array.from({length: 500}, (_, i) => {
  const c = 100 + 10 * Math.sin(i / 17) + 2 * Math.sin(i / 3.1)
  return {time: Date.UTC(2024, 0, 1) + i * 60_000, open: c - 0.3, high: c + 1, low: c - 1, close: c, volume: i % 7 === 0 ? 0 : 1000 + i}
})
const bars = barsFromRows('X', 60_000, rows)

describe('rules sweep series', () => {
  it('gives one id per type, params and source, whatever the name', () => {
    const a = indicatorIds(plan({fast_ma: {type: 'sma', period: 10}, r: {type: 'rsi', period: 14}, rs: {type: 'sma', period: 3, source: 'r'}}), 'UTC')
    const b = indicatorIds(plan({x: {type: 'sma', period: 10}, momentum: {type: 'rsi', period: 14}, smooth: {type: 'sma', period: 3, source: 'momentum'}, o: {type: 'sma', period: 10, source: 'open'}}), 'UTC')
    assert.equal(a.get('fast_ma'), b.get('x'))
    assert.equal(a.get('rs'), b.get('smooth'))
    assert.notEqual(b.get('x'), b.get('o'))
    assert.equal(a.get('rs'), 'sma{period=3}(rsi{period=14}(close))')
    const m = indicatorIds(plan({m: {type: 'macd'}, s: {type: 'ema', period: 5, source: 'm.signal'}, v: {type: 'vwap'}}), 'America/New_York')
    assert.equal(m.get('s'), 'ema{period=5}(macd{fast=12,signal=9,slow=26}(close).signal)')
    assert.equal(m.get('v'), 'vwap{}()@America/New_York')
  })

  it('computes each series as the rules runtime does, after the leading NaNs', () => {
    const p = plan({
      f: {type: 'sma', period: 7}, o: {type: 'sma', period: 4, source: 'open'}, v: {type: 'sma', period: 5, source: 'volume'}, h: {type: 'sma', period: 3, source: 'hl2'},
      m: {type: 'macd', fast: 3, slow: 8, signal: 4}, s: {type: 'ema', period: 5, source: 'm.signal'}, st: {type: 'stoch'},
    })
    const expected = new Map(rulesIndicatorSeries(p, bars, 'UTC').map((c) => [c.column, c.values]))
    const pad = 3
    for (const limbs of [undefined, new Map() as LimbsCache]) {
      for (const ind of p.indicators) {
        const out = outputKeys(p, ind.name).map(() => new Float64Array(pad + bars.length).fill(7))
        computeIndicatorSeries(p, ind.name, bars, 'UTC', pad, out, limbs)
        outputKeys(p, ind.name).forEach((key, k) => {
          assert.deepStrictEqual(out[k].subarray(0, pad), new Float64Array(pad).fill(NaN))
          assert.deepStrictEqual(out[k].subarray(pad), expected.get(key), `${key}${limbs ? ' (fast SMA)' : ''}`)
        })
      }
    }
    assert.deepStrictEqual(barFieldSeries(bars, 'hlc3', 2).subarray(2, 5), Float64Array.from([0, 1, 2], (i) => (bars.high[i] + bars.low[i] + bars.close[i]) / 3))
  })
})
