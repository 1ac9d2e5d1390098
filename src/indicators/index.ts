/** Indicators shipped with bots: exact running sums, the SMA Backtrader computes, crossovers. */
export {ExactSum, fsum} from './exact-sum.js'
export {SMA} from './sma.js'
export {CrossDetector, crossover, CROSS_UP, CROSS_DOWN, NO_CROSS} from './crossover.js'
