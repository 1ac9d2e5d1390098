/** Which path a sweep takes: the vector evaluator only inside its envelope, the engine for everything else. */
import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, it} from 'node:test'
import {barsFromRows} from '../../src/core/bars.js'
import type {BrokerSpec} from '../../src/model/bot-spec.js'
import type {Bars} from '../../src/model/bars.js'
import {planRules, type RulesPlan} from '../../src/rules/plan.js'
import type {RulesSpec} from '../../src/rules/rules-types.js'
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

describe('sweepPath for rules (the built-in `rules` or a strategy spec)', () => {
  const plan = (rules: Partial<RulesSpec>): RulesPlan => planRules({indicators: {fast: {type: 'sma', period: 3}, slow: {type: 'sma', period: 5}}, entry: {long: 'crosses_above(fast, slow)'}, ...rules} as RulesSpec).plan!
  const golden = plan({})
  const rules = (...plans: RulesPlan[]) => reason({strategy: {name: 'golden-cross', source: '/home/me/strategies/golden-cross.yaml'}, rulesPlans: plans})

  it('takes the vector path for one-symbol rules without stops, whatever the sizing, reversals and conditions', () => {
    assert.deepEqual(sweepPath({...base, strategy: {name: 'rules', source: 'built-in'}, rulesPlans: [golden]}), {kind: 'vector', strategy: 'rules'})
    assert.equal(rules(golden, plan({entry: {long: 'rsi < 30', short: 'rsi > 70'}, indicators: {rsi: {type: 'rsi', period: 14}}, sizing: {type: 'percent_equity', value: 95}})), 'vector')
    assert.equal(rules(plan({exit: {long: 'hour >= 15 or close < fast[2]'}, sizing: {type: 'volatility_target', value: 0.15}})), 'vector')
    assert.equal(rules(plan({indicators: {v: {type: 'vwap'}, fast: {type: 'sma', period: 3}, slow: {type: 'sma', period: 5}}, sizing: {type: 'cash', value: 1000}})), 'vector')
  })

  it('takes the engine for higher timeframes, other symbols, ranks and stops (each combination is checked), and the broker limits', () => {
    assert.match(rules(golden, plan({entry: {long: 'close > close@1D'}})), /higher timeframe \(1D\)/)
    assert.match(rules(plan({indicators: {d: {type: 'sma', period: 5, timeframe: '1H'}}, entry: {long: 'close > d'}})), /higher timeframe \(1H\)/)
    assert.match(rules(plan({entry: {long: 'close > close_of("QQQ")'}})), /other symbols/)
    assert.match(rules(plan({entry: {long: 'of("QQQ", close) > 1'}})), /other symbols/)
    assert.match(rules(plan({entry: {long: 'rank(close) == 1'}})), /other symbols \(of, close_of, rank\)/)
    assert.match(rules(plan({stop_loss: {percent: 5}})), /stop_loss \(stop and limit orders\)/)
    assert.match(rules(plan({take_profit: {percent: 5}})), /take_profit/)
    assert.match(rules(plan({trailing_stop: {atr: 3}})), /trailing_stop/)
    assert.match(reason({strategy: {name: 'rules', source: 'built-in'}, rulesPlans: [golden], broker: {fillPrice: 'close'}}), /fill_price close/)
    assert.match(reason({strategy: {name: 'rules', source: 'built-in'}, rulesPlans: [golden], broker: {instruments: {X: {lotSize: 10}}}}), /lot size/)
    assert.match(reason({strategy: {name: 'rules', source: 'built-in'}, rulesPlans: [golden], force: 'engine'}), /forced/)
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
