/** A strategy that throws stops the run once, cleanly, with a message that says where. */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {barsFromRows} from '../../src/core/bars.js'
import {isBotsError} from '../../src/core/errors.js'
import {SimulatedClock} from '../../src/core/clock.js'
import {createCalendar} from '../../src/calendar/index.js'
import {buildSimulation} from '../../src/engine/build-simulation.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import {SessionManager} from '../../src/engine/session-manager.js'
import type {StrategyHooks} from '../../src/model/strategy.js'
import {brokerSpec, strategyOf} from './engine-fixtures.js'

const MIN = 60_000
const T0 = Date.UTC(2024, 2, 4, 14, 30)
const bars = barsFromRows('X', MIN, Array.from({length: 20}, (_, i) => ({time: T0 + i * MIN, open: 10, high: 11, low: 9, close: 10})))
const spec = {symbols: ['X'], timeframeMs: MIN, sleeptimeMs: MIN, broker: brokerSpec()}

async function crashOf(hooks: StrategyHooks) {
  try {
    await runBacktest({spec, bars, definition: strategyOf('boom', () => hooks), calendar: createCalendar('24/7')})
  } catch (error) {
    return error
  }
  assert.fail('the run should have thrown')
}

test('a throwing iteration: onBotCrash once, no further iterations, a BotsError naming strategy, hook and bar', async () => {
  let iterations = 0
  const crashes: unknown[] = []
  const error = await crashOf({
    onTradingIteration(ctx) {
      iterations++
      if (ctx.barCount() === 5) throw new Error('division by zero')
    },
    onBotCrash(_ctx, e) {
      crashes.push(e)
    },
    onStop() {
      assert.fail('onStop does not run after a crash')
    },
  })
  assert.ok(isBotsError(error))
  assert.equal(error.diagnostic.code, 'strategy.crash')
  assert.equal(
    error.message,
    'strategy "boom" crashed in onTradingIteration at 2024-03-04 14:35 UTC (current bar opened 2024-03-04 14:34 UTC): division by zero',
  )
  assert.equal(iterations, 5)
  assert.equal(crashes.length, 1)
  assert.equal((crashes[0] as Error).message, 'division by zero')
  assert.equal((error as Error & {cause?: unknown}).cause, crashes[0])
})

test('a throw in initialize or in an order callback is a crash too; a failing onBotCrash does not hide it', async () => {
  const init = await crashOf({
    initialize() {
      throw new TypeError('bad params')
    },
  })
  assert.match((init as Error).message, /crashed in initialize at 2024-03-04 14:30 UTC \(before the first bar\): bad params/)
  const fill = await crashOf({
    onTradingIteration(ctx) {
      if (ctx.barCount() === 1) ctx.buy(1)
    },
    onFilledOrder() {
      throw 'not even an Error'
    },
    onBotCrash() {
      throw new Error('crash handler broken')
    },
  })
  assert.match((fill as Error).message, /crashed in onFilledOrder .*: not even an Error$/)
})

test('reading an unknown symbol is a crash with the symbols of the run in the hint', async () => {
  const error = await crashOf({onTradingIteration: (ctx) => void ctx.close('NOPE')})
  assert.ok(isBotsError(error))
  assert.match(error.message, /unknown symbol "NOPE"/)
  assert.equal(error.hint, 'this run trades X')
})

test('a runaway callback loop (an order per fill, at the same close) is stopped, not looped forever', async () => {
  const error = await runBacktest({
    spec: {...spec, broker: brokerSpec({fillPrice: 'close', cash: 1e12})},
    bars,
    definition: strategyOf('runaway', () => ({
      onTradingIteration: (ctx) => void ctx.buy(1),
      onFilledOrder: (ctx) => void ctx.buy(1),
    })),
    calendar: createCalendar('24/7'),
  }).catch((e: unknown) => e)
  assert.match((error as Error).message, /more than 100000 order events at one moment/)
})

test('a session that ends where it started moves the clock forward (no bars at all)', async () => {
  const sim = buildSimulation({spec, bars: barsFromRows('X', MIN, []), definition: strategyOf('idle', () => ({})), calendar: createCalendar('24/7')})
  const start = sim.clock.now()
  await sim.runner.run()
  assert.ok(sim.clock.now() > start)
})

test('advanceTimeIfNeeded runs in a finally, even when the loop throws', async () => {
  class Stuck extends SessionManager {
    readonly clock = new SimulatedClock(1000)
    protected setup(): void {}
    protected runLoop(): void {
      throw new Error('stuck')
    }
    protected cleanup(): void {}
    protected override advanceTimeIfNeeded(start: number): void {
      if (this.clock.now() === start) this.clock.advanceTo(start + 1)
    }
  }
  const s = new Stuck()
  await assert.rejects(s.run(), /stuck/)
  assert.equal(s.clock.now(), 1001)
})
