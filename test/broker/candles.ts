/**
 * Candle-table harness: a few OHLC rows, a script of what the strategy does at which bar, and the
 * whole engine runs it (24/7 market, one iteration per bar unless told otherwise).
 */
import {barsFromRows} from '../../src/core/bars.js'
import type {Bars} from '../../src/model/bars.js'
import {createCalendar} from '../../src/calendar/index.js'
import type {MarketCalendar} from '../../src/calendar/calendar.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {BacktestResult} from '../../src/engine/result.js'
import type {BrokerSpec} from '../../src/model/bot-spec.js'
import type {Fill, Order} from '../../src/model/orders.js'
import type {StrategyContext} from '../../src/model/strategy.js'
import {brokerSpec, strategyOf} from '../engine/engine-fixtures.js'

export const T0 = Date.UTC(2024, 0, 1) // a Monday, 00:00 UTC
export const MINUTE = 60_000

/** [open, high, low, close] */
export type Row = [number, number, number, number]

export function candles(rows: Row[], tf = MINUTE, t0 = T0, symbol = 'X'): Bars {
  return barsFromRows(symbol, tf, rows.map(([open, high, low, close], i) => ({time: t0 + i * tf, open, high, low, close})))
}

export interface CandleRun extends BacktestResult {
  events: string[]
  /** Orders as the strategy got them back from submitOrder, in submission order. */
  submitted: Order[]
}

/** `script[i]` runs in the iteration that sees bar i as its current bar. */
export async function runCandles(o: {
  rows?: Row[]
  bars?: Bars[]
  broker?: Partial<Omit<BrokerSpec, 'commission'>> & {commission?: Partial<BrokerSpec['commission']>}
  script: Record<number, (ctx: StrategyContext, submitted: Order[]) => void>
  calendar?: MarketCalendar
  tf?: number
}): Promise<CandleRun> {
  const events: string[] = []
  const submitted: Order[] = []
  const tf = o.tf ?? MINUTE
  const bars = o.bars ?? [candles(o.rows!, tf)]
  const track = (ctx: StrategyContext) =>
    new Proxy(ctx, {
      get(target, key) {
        const v = Reflect.get(target, key, target)
        if (key !== 'submitOrder' && key !== 'buy' && key !== 'sell' && key !== 'closePosition') return typeof v === 'function' ? v.bind(target) : v
        return (...args: unknown[]) => {
          const order = (v as (...a: unknown[]) => Order | undefined).apply(target, args)
          if (order) submitted.push(order)
          return order
        }
      },
    })
  const definition = strategyOf('script', () => ({
    onTradingIteration(ctx) {
      o.script[ctx.barCount() - 1]?.(track(ctx), submitted)
    },
    onFilledOrder(_ctx, order: Order, fill: Fill) {
      events.push(`filled #${order.id} ${fill.side} ${fill.quantity} @ ${fill.price}`)
    },
    onCanceledOrder(_ctx, order: Order) {
      events.push(`${order.status} #${order.id}: ${order.reason}`)
    },
  }))
  const spec = {symbols: bars.map((b) => b.symbol), timeframeMs: tf, sleeptimeMs: tf, broker: brokerSpec(o.broker)}
  const result = await runBacktest({spec, bars, definition, calendar: o.calendar ?? createCalendar('24/7'), runner: 'backtest'})
  return {...result, events, submitted}
}
