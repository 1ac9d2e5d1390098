import assert from 'node:assert/strict'
import {test} from 'node:test'
import {parseDuration} from '../../src/core/duration.js'
import {pickRunner} from '../../src/engine/pick-runner.js'

test('backtest: Daily for a timeframe of a day or more, Backtest below', () => {
  for (const tf of ['1D', '2D', '1W']) assert.equal(pickRunner({timeframeMs: parseDuration(tf)}, 'backtest'), 'daily', tf)
  for (const tf of ['1S', '1M', '5M', '1H', '23H', '1439M']) assert.equal(pickRunner({timeframeMs: parseDuration(tf)}, 'backtest'), 'backtest', tf)
})

test('live: always the Live runner', () => {
  for (const tf of ['1M', '1D']) assert.equal(pickRunner({timeframeMs: parseDuration(tf)}, 'live'), 'live')
})
