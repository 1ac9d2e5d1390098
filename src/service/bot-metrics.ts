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
    // Marked at the last price seen; before any price, at cost.
    value += p.quantity * (p.lastPrice ?? p.averagePrice ?? 0)
  }
  const equity = state.cash + value
  return {equity, cash: state.cash, positions, pnl: equity - state.initialCash}
}
