/** Small builders shared by the engine, broker and strategy tests. */
import type {BrokerSpec, CommissionSpec} from '../../src/model/bot-spec.js'
import type {StrategyDefinition, StrategyHooks} from '../../src/model/strategy.js'
import type {Bars} from '../../src/model/bars.js'
import {barsFromRows} from '../../src/core/bars.js'

export function brokerSpec(o: Partial<Omit<BrokerSpec, 'commission'>> & {commission?: Partial<CommissionSpec>} = {}): BrokerSpec {
  return {
    cash: o.cash ?? 100_000,
    commission: {perShare: 0, percent: 0, fixed: 0, minimum: 0, ...o.commission},
    slippageBps: o.slippageBps ?? 0,
    allowShort: o.allowShort ?? true,
    fillPrice: o.fillPrice ?? 'next_open',
  }
}

/** A definition around hooks built per run by `make`. */
export function strategyOf(name: string, make: () => StrategyHooks): StrategyDefinition {
  return {name, description: name, params: {type: 'object'}, create: () => make()}
}

/**
 * Minute bars of several symbols from one list of moves (each bar's close moves the price by that
 * fraction; every other symbol the opposite way), from 100, 110, 120…; `volume` per bar when given.
 */
export function movingBars(symbols: readonly string[], moves: readonly number[], t0: number, volume?: number): Bars[] {
  return symbols.map((symbol, s) => {
    let p = 100 + 10 * s
    return barsFromRows(symbol, 60_000, moves.map((m, i) => {
      const open = p
      p = Math.max(1, p * (1 + (s % 2 ? -m : m)))
      return {time: t0 + i * 60_000, open, high: Math.max(open, p) + 0.1, low: Math.min(open, p) - 0.1, close: p, ...(volume === undefined ? {} : {volume})}
    }))
  })
}
