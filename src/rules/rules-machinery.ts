/**
 * What running or checking a rules block needs: the planner (expression parser, indicator
 * catalog) and the runtime. `rules-definition.ts` loads it on first use, so the many commands that
 * only list the built-in `rules` strategy never load it (~25 ms of every start-up).
 */
export {planRules} from './plan.js'
export {createRulesHooks} from './runtime/rules-hooks.js'
export {rulesIndicatorSeries} from './indicator-series.js'
