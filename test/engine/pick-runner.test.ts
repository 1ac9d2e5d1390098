import assert from 'node:assert/strict'
import {test} from 'node:test'
import {parseDuration} from '../../src/core/duration.js'
import {pickRunner} from '../../src/engine/pick-runner.js'

test('pickRunner: daily for a day or longer, intraday below, a pure function of the timeframe', () => {
  for (const tf of ['1D', '2D', '1W']) assert.equal(pickRunner({timeframeMs: parseDuration(tf)}), 'daily', tf)
  for (const tf of ['1S', '1M', '5M', '1H', '23H', '1439M']) assert.equal(pickRunner({timeframeMs: parseDuration(tf)}), 'backtest', tf)
})
