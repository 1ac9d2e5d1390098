import type {LocalClock} from '../runtime/local-clock.js'
import type {Ring} from '../runtime/ring.js'

/** What one indicator instance reads and writes, for one symbol. */
export interface IndicatorIO {
  /** The series it is computed on (`source:`), for indicators that take one. */
  source: Ring
  /** Bar fields, for indicators that read OHLCV directly (ATR, stochastic, OBV, VWAP). */
  field(name: 'open' | 'high' | 'low' | 'close' | 'volume'): Ring
  /** One ring per output, in the order of `IndicatorKind.outputs`. */
  out: Ring[]
  /** The bar's local time (VWAP restarts each session day). */
  clock: LocalClock
}

export interface IndicatorParam {
  /** Undefined: the parameter must be given. */
  default?: number
  /** Smallest value; periods are whole numbers of at least 1. */
  min: number
  integer: boolean
  description: string
}

/**
 * One indicator type of the `rules` strategy. `update` is called once per bar of the symbol,
 * after the rings it reads were pushed, and must push exactly one value (NaN while warming up)
 * to every output ring, so all series stay aligned bar for bar.
 */
export interface IndicatorKind {
  description: string
  /** Output names; the first is what the bare indicator name means. `['value']` for one output. */
  outputs: readonly string[]
  params: Readonly<Record<string, IndicatorParam>>
  /** Whether `source:` applies (false: reads the bar fields in `fields`). */
  usesSource: boolean
  fields: readonly ('open' | 'high' | 'low' | 'close' | 'volume')[]
  /** Bars of defined input before the first value (1: the first bar already has one). */
  warmup(p: Readonly<Record<string, number>>): number
  /** Where its numbers come from, for the docs and `bots strategies show rules`. */
  reference: string
  create(p: Readonly<Record<string, number>>, io: IndicatorIO): Updater
}

/**
 * What `create` gives: a function called once per bar, or an object whose `step()` is. A class's
 * `step` can be inlined where the runtime calls every symbol's updaters; a closure cannot (the
 * call site sees many closures), which cost the most used indicator, SMA, a call per bar.
 */
export type Updater = (() => void) | {step(): void}

/** An updater as an object with `step()`. */
export function asStep(u: Updater): {step(): void} {
  return typeof u === 'function' ? new ClosureStep(u) : u
}

class ClosureStep {
  constructor(readonly step: () => void) {}
}
