import {buildSimulation, type SimulationOptions} from './build-simulation.js'
import type {BacktestResult, OpenPosition} from './result.js'

export type RunBacktestOptions = SimulationOptions

/**
 * Runs one backtest, start to finish, with no CLI around it. Throws a BotsError (code
 * `strategy.crash`) when the strategy throws; bad bars (unsorted, a symbol missing) are a
 * BotsError too.
 */
export async function runBacktest(o: RunBacktestOptions): Promise<BacktestResult> {
  const {kind, runner, view, broker, log, equity} = buildSimulation(o)
  await runner.run()

  const n = view.length
  const p = broker.portfolio
  const positions: OpenPosition[] = []
  view.symbols.forEach((symbol, k) => {
    if (p.quantity[k] !== 0) {
      positions.push({symbol, quantity: p.quantity[k], averagePrice: p.averagePrice[k], lastPrice: p.lastPrice[k], unrealizedPnl: p.unrealized(k)})
    }
  })
  const orders = broker.book.all
  // One pass, no arrays: a run may hold tens of thousands of orders.
  let canceled = 0
  let rejected = 0
  for (let j = 0; j < orders.length; j++) {
    const status = orders[j].status
    if (status === 'canceled') canceled++
    else if (status === 'rejected') rejected++
  }
  return {
    strategy: o.definition.name,
    runner: kind,
    symbols: [...view.symbols],
    start: n > 0 ? view.time[0] : NaN,
    end: n > 0 ? view.closeOf(n - 1) : NaN,
    initialCash: o.spec.broker.cash,
    finalCash: p.cash,
    finalValue: p.value(),
    fills: broker.fills,
    trades: broker.ledger.trades,
    orders,
    positions,
    equity: {time: view.time, value: equity},
    counts: {
      bars: n,
      iterations: runner.iterations,
      orders: orders.length,
      fills: broker.fills.length,
      canceled,
      rejected,
      trades: broker.ledger.trades.length,
      // Only when some OCO pair was decided by broker.same_bar: results without one keep their shape.
      ...(broker.sameBarDecisions > 0 ? {sameBar: broker.sameBarDecisions} : {}),
    },
    logs: log.entries,
    logsDropped: log.dropped,
  }
}
