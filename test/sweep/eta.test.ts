import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {etaMs, formatEta} from '../../src/sweep/eta.js'

describe('sweep ETA', () => {
  it('is the mean time per finished run times the runs left', () => {
    assert.equal(etaMs(2000, 10, 100), 18_000)
    assert.ok(Number.isNaN(etaMs(500, 0, 100)))
    assert.equal(formatEta(2000, 10, 100), 'ETA 18 s')
    assert.equal(formatEta(100, 50, 100), 'ETA 0.1 s')
    assert.equal(formatEta(60_000, 1, 4), 'ETA 3 min 00 s')
    assert.equal(formatEta(59_700, 1, 2), 'ETA 1 min 00 s')
    assert.equal(formatEta(3_600_000, 1, 3), 'ETA 2 h 00 min')
    assert.equal(formatEta(0, 0, 3), 'ETA …')
    assert.equal(formatEta(1234, 3, 3), 'done in 1.2 s')
  })

  it('leaves out the wait for the first result once there are two', () => {
    // 2 s before the first run finished (workers starting), then 0.1 s a run.
    assert.equal(etaMs(2100, 2, 100, 100), 9800)
    assert.equal(etaMs(2000, 1, 100, 0), 198_000) // one run: all there is to go by
    assert.equal(formatEta(2900, 10, 100, 900), 'ETA 9.0 s')
  })
})
