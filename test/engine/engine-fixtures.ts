/** Small builders shared by the engine, broker and strategy tests. */
import type {BrokerSpec, CommissionSpec} from '../../src/model/bot-spec.js'
import type {StrategyDefinition, StrategyHooks} from '../../src/model/strategy.js'

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
