import type {MarketCalendar} from '../calendar/calendar.js'
import type {Bars} from '../model/bars.js'
import {SimulatedClock} from '../core/clock.js'
import {SimulatedBroker} from '../broker/simulated-broker.js'
import type {VenueLimits} from '../broker/venue-limits.js'
import type {BotSpec} from '../model/bot-spec.js'
import type {Logger, StrategyDefinition} from '../model/strategy.js'
import {BacktestRunner} from './backtest-runner.js'
import {HookInvoker} from './hook-invoker.js'
import {alignBars, type MarketView} from './market-view.js'
import {pickRunner, type RunnerKind} from './pick-runner.js'
import {RunLog} from './run-log.js'
import {StrategyApi} from './strategy-api.js'

export interface SimulationOptions {
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
  /** Force a runner (tests compare both on daily bars); default `pickRunner(spec)`. */
  runner?: RunnerKind
  /** Keep every order in the result (default true); false: `orders` is empty and only `counts` say how many there were. */
  keepOrders?: boolean
  /** The broker refuses what this venue's broker refuses (see venue-limits.ts); default: nothing more than the simulated broker does. */
  limits?: VenueLimits
}

export interface Simulation {
  kind: RunnerKind
  runner: BacktestRunner
  clock: SimulatedClock
  view: MarketView
  broker: SimulatedBroker
  api: StrategyApi
  log: RunLog
  equity: Float64Array
}

/** Wires one backtest: bars on one index, clock at the first bar, broker, strategy API, runner. */
export function buildSimulation(o: SimulationOptions): Simulation {
  const spec = o.spec
  const view = alignBars(spec.symbols, Array.isArray(o.bars) ? o.bars : [o.bars as Bars], spec.timeframeMs)
  const clock = new SimulatedClock(view.length > 0 ? view.time[0] : 0)
  const equity = new Float64Array(view.length)
  const broker = new SimulatedBroker({broker: spec.broker, market: view, clock, calendar: o.calendar, equity, keepOrders: o.keepOrders, limits: o.limits})
  const log = new RunLog(clock, o.logger)
  const api = new StrategyApi(clock, view, broker, log, spec.sleeptimeMs, {}, o.calendar.timezone)
  api.calendar = o.calendar
  const hooks = o.definition.create((o.params ?? spec.strategy?.params ?? {}) as never)
  const invoker = new HookInvoker(hooks, api, o.definition.name, clock, view, broker)
  broker.listener = invoker
  const kind = o.runner ?? pickRunner(spec)
  const runner = new BacktestRunner({kind, clock, view, broker, api, invoker, calendar: o.calendar, onProgress: o.onProgress})
  return {kind, runner, clock, view, broker, api, log, equity}
}
