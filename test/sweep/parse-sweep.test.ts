import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {combinations, parseRate, parseSweep, parseSweeps} from '../../src/sweep/parse-sweep.js'
import {rankRuns, score} from '../../src/sweep/rank.js'
import type {StrategyMetrics} from '../../src/metrics/metrics.js'

describe('--sweep syntax', () => {
  it('ranges are inclusive, with a step (default 1)', () => {
    assert.deepEqual(parseSweep('fast=5..50:5').values, [5, 10, 15, 20, 25, 30, 35, 40, 45, 50])
    assert.deepEqual(parseSweep('slow=20..45:10').values, [20, 30, 40])
    assert.deepEqual(parseSweep('n=3..5').values, [3, 4, 5])
    assert.deepEqual(parseSweep('x = 0.1..0.3:0.1').values, [0.1, 0.2, 0.3])
    // The end on the grid is kept at any magnitude (a tolerance on the doubles' quotient lost it).
    assert.deepEqual(parseSweep('x=10000000.1..10000000.7:0.2').values, [10000000.1, 10000000.3, 10000000.5, 10000000.7])
    assert.deepEqual(parseSweep('x=0.05..0.26:0.07').values, [0.05, 0.12, 0.19, 0.26])
    assert.deepEqual(parseSweep('x=1..2.05:0.5').values, [1, 1.5, 2])
    assert.deepEqual(parseSweep('k=-2..2:2').values, [-2, 0, 2])
  })

  it('lists and single values are YAML scalars', () => {
    assert.deepEqual(parseSweep('fast=5,10,20'), {name: 'fast', values: [5, 10, 20]})
    assert.deepEqual(parseSweep('mode=fast, slow').values, ['fast', 'slow'])
    assert.deepEqual(parseSweep('on=true').values, [true])
  })

  it('mistakes are errors that say what was expected', () => {
    assert.throws(() => parseSweep('fast'), /--sweep fast: expected NAME=FROM\.\.TO:STEP/)
    assert.throws(() => parseSweep('fast=50..5'), /ends \(5\) before it starts \(50\)/)
    assert.throws(() => parseSweep('fast=5..50:0'), /step must be positive/)
    assert.throws(() => parseSweep('fast=5..x'), /a range is FROM\.\.TO/)
    assert.throws(() => parseSweep('fast=5,,6'), /empty value/)
    assert.throws(() => parseSweeps(['a=1,2', 'a=3']), /given twice/)
    assert.throws(() => parseSweeps(['a=1..1000', 'b=1..1000']), /1,000,000 combinations/)
  })

  it('combinations: every pair, the first axis slowest', () => {
    assert.deepEqual(combinations(parseSweeps(['a=1,2', 'b=x,y'])), [{a: 1, b: 'x'}, {a: 1, b: 'y'}, {a: 2, b: 'x'}, {a: 2, b: 'y'}])
  })

  it('--risk-free takes a fraction or a percentage', () => {
    assert.equal(parseRate('0.02'), 0.02)
    assert.equal(parseRate('2%'), 0.02)
    assert.equal(parseRate(undefined), undefined)
    assert.throws(() => parseRate('two'), /not a rate/)
  })
})

describe('ranking', () => {
  const m = (sharpe: number, maxDrawdown: number) => ({sharpe, maxDrawdown}) as StrategyMetrics
  it('best first; smaller is better for drawdown; undefined last; ties in sweep order', () => {
    const runs = [m(0.5, 0.2), m(NaN, 0.1), m(1.5, 0.3), m(0.5, 0.05)].map((metrics, index) => ({index, metrics}))
    assert.deepEqual(rankRuns(runs, 'sharpe'), [2, 0, 3, 1])
    assert.deepEqual(rankRuns(runs, 'max_drawdown'), [3, 1, 0, 2])
    assert.equal(score(m(NaN, 0), 'sharpe'), -Infinity)
  })
})
