/** Figures of a bot's account from its state: what a metrics snapshot and `bots status` show. */
import type {BotState} from '../live/runtime-types.js'

export interface AccountFigures {
  equity: number
  cash: number
  /** Signed quantity per symbol, open positions only. */
  positions: Record<string, number>
  /** Equity against the initial cash: realised and unrealised, after commissions. */
  pnl: number
}

export function accountFigures(state: BotState): AccountFigures {
  let value = 0
  const positions: Record<string, number> = {}
  for (const p of state.positions) {
    if (p.quantity === 0) continue
    positions[p.symbol] = p.quantity
    // A state saved before it carried its equity: marked at the last price seen (before any, at
    // cost), as plain units; such a state does not say the symbol's multiplier or margin.
    value += p.quantity * (p.lastPrice ?? p.averagePrice ?? 0)
  }
  // The broker's own valuation, multipliers and margins included, when the state has it.
  const equity = typeof state.equity === 'number' ? state.equity : state.cash + value
  return {equity, cash: state.cash, positions, pnl: equity - state.initialCash}
}
