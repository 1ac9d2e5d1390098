/**
 * A live bot's account value, as its metrics and `bots status` show it (`accountFigures` of its
 * saved state), is the backtest's equity on the same bars, for futures too: a multiplier counts,
 * and a margined symbol is worth its margin plus what is not settled yet, not its notional.
 * (Regression: the figures priced every position as quantity × last close.)
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import smaCross from '../../strategies/sma-cross.js'
import type {BotState} from '../../src/live/runtime-types.js'
import {accountFigures} from '../../src/service/bot-metrics.js'
import {orclSpec, orclStore, runBacktestFromStore, runLive} from './live-fixtures.js'

for (const [label, instrument] of [['a multiplier', {multiplier: 50}], ['a multiplier and a margin', {multiplier: 50, margin: 3_000}]] as const) {
  test(`ORCL as a contract with ${label}: every checkpoint's account value is the backtest's equity at that bar`, async () => {
    const db = await orclStore()
    const spec = orclSpec({broker: {cash: 1_000_000, commission: {percent: 0.1}}, instruments: {ORCL: instrument}})
    const live = await runLive(spec, smaCross, db)
    const {bars, result} = await runBacktestFromStore(spec, smaCross, db)
    const index = new Map<number, number>()
    result.equity.time.forEach((t, i) => index.set(t, i))
    assert.equal(result.equity.time.length, bars[0].time.length)

    let open = 0
    for (const state of live.checkpoints) {
      const at = state.lastBarTime.ORCL
      if (at === null) continue
      const i = index.get(at)!
      const shown = accountFigures(state).equity
      assert.ok(Math.abs(shown - result.equity.value[i]) < 1e-6, `${new Date(at).toISOString()}: ${shown} against ${result.equity.value[i]}`)
      if (state.positions.some((p) => p.quantity !== 0)) {
        open++
        // The old valuation (a state without its equity) is wrong with an open contract: the test can tell.
        const legacy: BotState = {...state, equity: undefined}
        assert.ok(Math.abs(accountFigures(legacy).equity - shown) > 1, 'quantity × close is not a contract\'s value')
      }
    }
    assert.ok(open > 100, `checkpoints with an open position: ${open}`)
    assert.ok(Math.abs(accountFigures(live.outcome.state).equity - result.finalValue) < 1e-6)
  })
}
