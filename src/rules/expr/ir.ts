/**
 * The checked, resolved form of an expression: names are bound to series, constants or time
 * fields, types are known, offsets are constants. Booleans are numbers at run time (1 true,
 * 0 false, NaN unknown), so the compiled closures all return a number and never allocate.
 */
export const BAR_FIELDS = ['open', 'high', 'low', 'close', 'volume', 'hl2', 'hlc3', 'ohlc4'] as const
export type BarFieldName = (typeof BAR_FIELDS)[number]

/** Calendar fields of the bar's open time, in the market's time zone. */
export const TIME_FIELDS = ['hour', 'minute', 'weekday', 'day', 'month'] as const
export type TimeField = (typeof TIME_FIELDS)[number]

export type ValueType = 'number' | 'boolean'

export type UnaryOp = 'neg' | 'not' | 'abs' | 'sqrt' | 'log'
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'mod' | 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne' | 'and' | 'or'

export type IR =
  | {op: 'const'; value: number}
  /** `key` is a bar field (`close`) or an indicator output (`fast_ma`, `macd.signal`). */
  | {op: 'series'; key: string; ago: number}
  | {op: 'time'; field: TimeField}
  | {op: 'unary'; fn: UnaryOp; arg: IR}
  | {op: 'binary'; fn: BinaryOp; left: IR; right: IR}
  | {op: 'minmax'; fn: 'min' | 'max'; args: IR[]}
  | {op: 'if'; test: IR; then: IR; otherwise: IR}
  /** A crossover detector slot shared by every call site with the same two arguments. */
  | {op: 'cross'; dir: 1 | -1; slot: number}
  /** Minutes since local midnight, [from, to); wraps past midnight when from > to. */
  | {op: 'between'; from: number; to: number}
  /** `of("SYM", x)`: `arg` evaluated on another symbol's runtime (its rings, clock, ranks). */
  | {op: 'of'; symbol: string; arg: IR}
  /** `rank(x)`: this symbol's rank for rank slot `slot` (computed across every symbol before the conditions are judged). */
  | {op: 'rank'; slot: number}

export interface CrossSlot {
  a: IR
  b: IR
  /** Structural key of the two arguments, for sharing. */
  key: string
}
