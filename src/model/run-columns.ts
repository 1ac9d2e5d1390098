/**
 * A finished run's fills and trades as the broker kept them, in columns (fill-log.ts,
 * trade-log.ts), beside the result whose `fills` and `trades` are made from them only when read.
 * The metrics, the results store and the report read the columns, so a run that trades every few
 * bars holds no object per fill or trade on the way to its figures. Kept apart from the result
 * (not a property of it): the result reads, clones and serialises as it always has, and a result
 * that crossed a thread, or was copied, simply has no columns, and its readers use the objects.
 */
import type {FillLog} from './fill-log.js'
import type {TradeLog} from './trade-log.js'

export interface RunColumns {
  /** The run's symbols: the logs' symbol indices index this list. */
  readonly symbols: readonly string[]
  /** Undefined once the result's `fills` (or `trades`) was set to something else. */
  fills?: FillLog
  trades?: TradeLog
}

const attached = new WeakMap<object, RunColumns>()

export function attachRunColumns(result: object, columns: RunColumns): void {
  attached.set(result, columns)
}

/** The fills of `result` as columns, when it has them and its `fills` still are those. */
export function fillColumns(result: object): {log: FillLog; symbols: readonly string[]} | undefined {
  const c = attached.get(result)
  return c?.fills ? {log: c.fills, symbols: c.symbols} : undefined
}

/** The trades of `result` as columns, when it has them and its `trades` still are those. */
export function tradeColumns(result: object): {log: TradeLog; symbols: readonly string[]} | undefined {
  const c = attached.get(result)
  return c?.trades ? {log: c.trades, symbols: c.symbols} : undefined
}
