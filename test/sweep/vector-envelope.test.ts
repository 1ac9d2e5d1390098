/** Which path a sweep takes: the vector evaluator only inside its envelope, the engine for everything else. */
import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, it} from 'node:test'
import {barsFromRows} from '../../src/core/bars.js'
import type {BrokerSpec} from '../../src/model/bot-spec.js'
import type {Bars} from '../../src/model/bars.js'
import {scheduleProblem, sweepPath, type EnvelopeInput} from '../../src/sweep/vector/envelope.js'
import {ROOT} from '../helpers/cli.js'

const SMA_CROSS = {name: 'sma-cross', source: path.join(ROOT, 'strategies', 'sma-cross.ts')}
const broker: BrokerSpec = {cash: 10_000, commission: {perShare: 0, percent: 0.1, fixed: 0, minimum: 0}, slippageBps: 0, allowShort: false, fillPrice: 'next_open'}
const bars = (closes: number[], symbol = 'X'): Bars =>
  barsFromRows(symbol, 60_000, closes.map((c, i) => ({time: i * 60_000, open: c, high: c, low: c, close: c})))
const base: EnvelopeInput = {spec: {symbols: ['X'], broker}, strategy: SMA_CROSS, bars: [bars([10, 11, 12])]}
const reason = (o: Partial<EnvelopeInput> & {broker?: Partial<BrokerSpec>}) => {
  const p = sweepPath({...base, ...o, spec: {...base.spec, ...o.spec, broker: {...broker, ...o.broker}}})
  return p.kind === 'engine' ? p.reason : 'vector'
}

describe('sweepPath (the vector envelope)', () => {
  it('takes the vector path for the shipped sma-cross on one symbol with next-open fills', () => {
    assert.deepEqual(sweepPath(base), {kind: 'vector', strategy: 'sma-cross'})
    assert.equal(reason({broker: {slippageBps: 5, commission: {perShare: 0.01, percent: 0.1, fixed: 1, minimum: 2}}}), 'vector')
    assert.equal(reason({broker: {instruments: {X: {multiplier: 50, tickSize: 0.25}}}}), 'vector')
    assert.equal(reason({broker: {instruments: {Y: {margin: 100, lotSize: 10}}}}), 'vector') // another symbol's terms
  })

  it('takes the engine for anything it does not reproduce', () => {
    assert.match(reason({force: 'engine'}), /forced/)
    assert.match(reason({strategy: {name: 'rules', source: 'built-in'}}), /no vector form for strategy "rules"/)
    assert.match(reason({strategy: {name: 'sma-cross', source: '/home/me/strategies/sma-cross.ts'}}), /no vector form/) // a user's plugin of the same name
    assert.match(reason({spec: {symbols: ['X', 'Y'], broker}, bars: [bars([1, 2]), bars([1, 2], 'Y')]}), /more than one symbol/)
    assert.match(reason({broker: {fillPrice: 'close'}}), /fill_price close/)
    assert.match(reason({broker: {maxVolumeShare: 0.1}}), /max_volume_share/)
    assert.match(reason({broker: {instruments: {X: {margin: 500}}}}), /margin/)
    assert.match(reason({broker: {instruments: {X: {lotSize: 10}}}}), /lot size/)
    assert.match(reason({broker: {slippageBps: NaN}}), /broker figures/)
    assert.match(reason({bars: [bars([])]}), /no bars/)
    assert.match(reason({bars: [bars([10, NaN, 12])]}), /bar 1 has a price/)
    assert.match(reason({bars: [bars([10, 0, 12])]}), /bar 1 has a price/)
    assert.match(reason({bars: [bars([10, 11, 1e300])]}), /bar 2 has a price/)
    const long = bars([10, 11, 12])
    assert.match(reason({bars: [{...long, length: 2}]}), /time array longer/)
  })
})

describe('scheduleProblem', () => {
  const schedule = (fillAt: number[], iterations = fillAt.filter((f) => f >= 0).length) => ({fillAt: Int32Array.from(fillAt), seenAt: new Int32Array(fillAt.length), iterations})
  it('accepts a schedule where every order fills by the next iteration', () => {
    assert.equal(scheduleProblem(schedule([1, 2, 3, 4])), undefined) // an iteration per bar, fills at the next open
    assert.equal(scheduleProblem(schedule([-1, 3, -1, 4, 5])), undefined) // sparser iterations
    assert.equal(scheduleProblem(schedule([1, 2, 3])), undefined) // the last order never fills (index 3 = no bar)
  })
  it('refuses one where an order would still be working at the next iteration, or iterations that repeat a bar', () => {
    assert.match(scheduleProblem(schedule([2, 3, 4]))!, /still be pending/)
    assert.match(scheduleProblem(schedule([1, 2], -1))!, /do not each see a new bar/)
  })
})
