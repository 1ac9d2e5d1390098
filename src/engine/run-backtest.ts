import {buildSimulation, type Simulation, type SimulationOptions} from './build-simulation.js'
import type {BacktestResult, OpenPosition} from './result.js'
import {attachRunColumns} from '../model/run-columns.js'

export type RunBacktestOptions = SimulationOptions

/**
 * The last finished run's simulation, kept until the next run replaces it. V8 drops a hidden class
 * (an object shape) once no object of that shape is alive, and throws away all the optimised code
 * built on it. A process that runs backtest after backtest and lets each one go (a sweep's worker,
 * the engine bench) would otherwise re-learn the engine's and the strategy's shapes, and
 * re-optimise the per-bar loop, at every run: measured, about a fifth of the CPU time of a 1M-bar
 * run. What it holds beyond the run's result is small (the strategy, the broker's and kernel's own
 * objects) apart from the bars the caller passed (and their aligned copies when several symbols do
 * not share one time index), until the next run.
 */
let lastRun: Simulation | undefined

/**
 * Runs one backtest, start to finish, with no CLI around it. Throws a BotsError (code
 * `strategy.crash`) when the strategy throws; bad bars (unsorted, a symbol missing) are a
 * BotsError too.
 */
export async function runBacktest(o: RunBacktestOptions): Promise<BacktestResult> {
  const sim = buildSimulation(o)
  const {kind, runner, view, broker, log, equity} = sim
  await runner.run()
  lastRun = sim

  const n = view.length
  const p = broker.portfolio
  const positions: OpenPosition[] = []
  view.symbols.forEach((symbol, k) => {
    if (p.quantity[k] !== 0) {
      const m = broker.instruments.multiplier[k]
      positions.push({symbol, quantity: p.quantity[k], averagePrice: p.averagePrice[k], lastPrice: p.lastPrice[k], unrealizedPnl: p.unrealized(k), ...(m === 1 ? {} : {multiplier: m})})
    }
  })
  const multipliers = Object.fromEntries(view.symbols.map((symbol, k) => [symbol, broker.instruments.multiplier[k]]).filter(([, m]) => m !== 1))
  const {orders, canceled, rejected, open} = broker.book.counts()
  broker.book.logPending()
  const symbols = [...view.symbols]
  const result: BacktestResult = {
    strategy: o.definition.name,
    runner: kind,
    symbols,
    start: n > 0 ? view.time[0] : NaN,
    end: n > 0 ? view.closeOf(n - 1) : NaN,
    initialCash: o.spec.broker.cash,
    finalCash: p.cash,
    finalValue: p.value(),
    // Made from the broker's columns when first read (run-columns.ts).
    fills: [],
    trades: [],
    orders: [],
    positions,
    // Only with a multiplier: results without one keep their shape.
    ...(Object.keys(multipliers).length > 0 ? {multipliers} : {}),
    equity: {time: view.time, value: equity},
    counts: {
      bars: n,
      iterations: runner.iterations,
      orders,
      fills: broker.fillLog.count,
      canceled,
      rejected,
      trades: broker.ledger.log.count,
      // Only when some order is still working: results without one keep their shape.
      ...(open > 0 ? {open} : {}),
      // Only when some OCO pair was decided by broker.same_bar: results without one keep their shape.
      ...(broker.sameBarDecisions > 0 ? {sameBar: broker.sameBarDecisions} : {}),
    },
    logs: log.entries,
    logsDropped: log.dropped,
  }
  attachRunColumns(result, [...symbols], broker.fillLog, broker.ledger.log, broker.book.log)
  return result
}
