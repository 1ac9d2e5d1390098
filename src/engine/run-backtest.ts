import type {MarketCalendar} from '../calendar/calendar.js'
import type {Bars} from '../core/bars.js'
import {SimulatedClock} from '../core/clock.js'
import {SimulatedBroker} from '../broker/simulated-broker.js'
import type {BotSpec} from '../spec/bot-spec.js'
import type {Logger} from '../strategy/context.js'
import type {StrategyDefinition} from '../strategy/definition.js'
import {BacktestRunner} from './backtest-runner.js'
import {DailyRunner} from './daily-runner.js'
import {HookInvoker} from './hook-invoker.js'
import {alignBars} from './market-view.js'
import {pickRunner} from './pick-runner.js'
import type {BacktestResult, OpenPosition} from './result.js'
import {RunLog} from './run-log.js'
import {StrategyApi} from './strategy-api.js'

export interface RunBacktestOptions {
  spec: Pick<BotSpec, 'symbols' | 'timeframeMs' | 'sleeptimeMs' | 'broker'> & Partial<Pick<BotSpec, 'strategy'>>
  /** One series per symbol of `spec.symbols` (matched by `symbol`; a lone series serves a lone symbol). Already cut to the backtest's date range. */
  bars: Bars | readonly Bars[]
  definition: StrategyDefinition
  /** Validated params with defaults applied; defaults to `spec.strategy.params`. */
  params?: Record<string, unknown>
  calendar: MarketCalendar
  /** Called every ~1% of the bars; the run then yields to the event loop once so progress can render. */
  onProgress?: (barsDone: number, barsTotal: number) => void
  /** Receives the strategy's `ctx.log` lines as they happen (they are also kept in the result). */
  logger?: Logger
  /** Force a runner (tests compare both on daily bars); default `pickRunner(spec, 'backtest')`. */
  runner?: 'daily' | 'backtest'
}

/** Runs one backtest, start to finish, with no CLI around it. Throws a BotsError when the strategy crashes. */
export async function runBacktest(o: RunBacktestOptions): Promise<BacktestResult> {
  const spec = o.spec
  const view = alignBars(spec.symbols, Array.isArray(o.bars) ? o.bars : [o.bars as Bars], spec.timeframeMs)
  const n = view.length
  const clock = new SimulatedClock(n > 0 ? view.time[0] : 0)
  const equity = new Float64Array(n)
  const broker = new SimulatedBroker({broker: spec.broker, market: view, clock, calendar: o.calendar, equity})
  const log = new RunLog(clock, o.logger)
  const api = new StrategyApi(clock, view, broker, log, spec.sleeptimeMs)
  const hooks = o.definition.create((o.params ?? spec.strategy?.params ?? {}) as never)
  const invoker = new HookInvoker(hooks, api, o.definition.name, clock, view, broker)
  broker.listener = invoker
  const kind = o.runner ?? (pickRunner(spec, 'backtest') === 'daily' ? 'daily' : 'backtest')
  const parts = {clock, view, broker, api, invoker, calendar: o.calendar, onProgress: o.onProgress}
  const runner = kind === 'daily' ? new DailyRunner(parts) : new BacktestRunner(parts)
  await runner.run()

  const p = broker.portfolio
  const positions: OpenPosition[] = []
  view.symbols.forEach((symbol, k) => {
    if (p.quantity[k] !== 0) {
      positions.push({symbol, quantity: p.quantity[k], averagePrice: p.averagePrice[k], lastPrice: p.lastPrice[k], unrealizedPnl: p.unrealized(k)})
    }
  })
  const orders = broker.book.all
  return {
    strategy: o.definition.name,
    runner: kind,
    symbols: [...view.symbols],
    start: n > 0 ? view.time[0] : NaN,
    end: n > 0 ? view.closeOf(n - 1) : NaN,
    initialCash: spec.broker.cash,
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
      canceled: orders.filter((x) => x.status === 'canceled').length,
      rejected: orders.filter((x) => x.status === 'rejected').length,
      trades: broker.ledger.trades.length,
    },
    logs: log.entries,
    logsDropped: log.dropped,
  }
}
