/**
 * Harness for the linked-order tests (brackets, OCO, trailing stops, partial fills): rows are
 * [open, high, low, close] with an optional volume per bar, a script of what the strategy does at
 * which bar, the whole engine on a 24/7 market, commission 1 per fill unless told otherwise.
 */
import {barsFromRows} from '../../src/core/bars.js'
import {createCalendar} from '../../src/calendar/index.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {BacktestResult} from '../../src/engine/result.js'
import type {BrokerSpec} from '../../src/model/bot-spec.js'
import type {Fill, Order} from '../../src/model/orders.js'
import type {StrategyContext} from '../../src/model/strategy.js'
import {strategyOf} from '../engine/engine-fixtures.js'
import {MINUTE, T0, type Row} from './candles.js'

export interface Run extends BacktestResult {
  events: string[]
  got: Record<string, unknown>
}

/** `script[i]` runs in the iteration that sees bar i. `volume`: per bar (default 0). */
export async function run(o: {
  rows: Row[]
  volume?: number[]
  broker?: Partial<BrokerSpec>
  script: Record<number, (ctx: StrategyContext, got: Record<string, any>) => void>
}): Promise<Run> {
  const events: string[] = []
  const got: Record<string, unknown> = {}
  const bars = barsFromRows('X', MINUTE, o.rows.map(([open, high, low, close], i) => ({time: T0 + i * MINUTE, open, high, low, close, volume: o.volume?.[i] ?? 0})))
  const definition = strategyOf('script', () => ({
    onTradingIteration(ctx) {
      o.script[ctx.barCount() - 1]?.(ctx, got)
    },
    onFilledOrder(_ctx, order: Order, fill: Fill) {
      events.push(`filled #${order.id} ${fill.side} ${fill.quantity} @ ${fill.price}`)
    },
    onCanceledOrder(_ctx, order: Order) {
      events.push(`${order.status} #${order.id}: ${order.reason}`)
    },
  }))
  const broker: BrokerSpec = {cash: 100_000, commission: {perShare: 0, percent: 0, fixed: 1, minimum: 0}, slippageBps: 0, allowShort: true, fillPrice: 'next_open', ...o.broker}
  const spec = {symbols: ['X'], timeframeMs: MINUTE, sleeptimeMs: MINUTE, broker}
  const result = await runBacktest({spec, bars: [bars], definition, calendar: createCalendar('24/7'), runner: 'backtest'})
  return {...result, events, got}
}

