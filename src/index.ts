/**
 * The public API of `bots`: what strategy plugins and library users import. Plugins import
 * from `bots` and nothing deeper.
 */
export {defineStrategy, isStrategyDefinition} from './strategy/definition.js'
export type * from './model/strategy.js'
export type * from './model/orders.js'
export type {Bars, BarHistory} from './model/bars.js'
export {BotsError} from './core/errors.js'
export type {Diagnostic} from './core/errors.js'
/** The closest of some names to a misspelt one, for a `check()` hint (`did you mean …?`); undefined when none is close. */
export {didYouMean} from './core/suggest.js'
export {SMA, ExactSum, fsum, CrossDetector, crossover, CROSS_UP, CROSS_DOWN, NO_CROSS} from './indicators/index.js'
