/**
 * Declarative strategies: the built-in `rules` strategy, strategy specs (`kind: strategy`), their
 * located validation, and the indicator catalog. See README.md in this folder for the language.
 */
export {rulesStrategy} from './rules-strategy.js'
export {validateRules} from './validate-rules.js'
export {loadStrategySpec, validateStrategySpec, checkStrategySpec, strategySpecFromValue, definitionFromSpec, type StrategySpec, type LoadedStrategySpec} from './strategy-spec.js'
export {planRules, type RulesPlan} from './plan.js'
export {INDICATORS, INDICATOR_TYPES} from './indicators/catalog.js'
export {computeIndicator} from './indicators/compute.js'
export {FUNCTIONS} from './expr/functions.js'
