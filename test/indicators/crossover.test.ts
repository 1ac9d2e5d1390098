import assert from 'node:assert/strict'
import {test} from 'node:test'
import {CrossDetector, crossover} from '../../src/indicators/crossover.js'
import {SMA} from '../../src/indicators/sma.js'
import {fsum} from '../../src/indicators/exact-sum.js'

test('a touch followed by a cross is a cross (last non-zero difference)', () => {
  // a - b: -1, 0 (touch), +1 -> up at index 2 (Backtrader: nzd[-1] = -1 < 0 and a > b)
  assert.deepEqual([...crossover([1, 2, 3], [2, 2, 2])], [0, 0, 1])
  // a - b: +1, 0, 0, -1 -> down at index 3
  assert.deepEqual([...crossover([3, 2, 2, 1], [2, 2, 2, 2])], [0, 0, 0, -1])
})

test('a touch followed by a return to the same side is not a cross', () => {
  assert.deepEqual([...crossover([1, 2, 1], [2, 2, 2])], [0, 0, 0])
})

test('the first defined pair only seeds; a zero seed never signals until a non-zero difference', () => {
  // seed 0 (equal), then a > b: before = 0, not < 0, so no cross (Backtrader seeds with the raw difference)
  assert.deepEqual([...crossover([2, 3, 1], [2, 2, 2])], [0, 0, -1])
})

test('NaN values (warm-up) are skipped without touching the state', () => {
  const d = new CrossDetector()
  assert.equal(d.update(NaN, 1), 0)
  assert.equal(d.update(1, 2), 0)
  assert.equal(d.update(NaN, NaN), 0)
  assert.equal(d.update(3, 2), 1)
})

test('SMA is fsum(window) / period and NaN during warm-up', () => {
  const values = [0.1, 0.2, 0.3, 0.4, 1e16, 1, -1e16, 5.55]
  const sma = new SMA(3)
  values.forEach((v, i) => {
    const got = sma.add(v)
    if (i < 2) assert.ok(Number.isNaN(got))
    else assert.equal(got, fsum(values.slice(i - 2, i + 1)) / 3)
  })
})
