/**
 * The built-in `rules` strategy: the rules written inline in a bot spec,
 * `strategy: {name: rules, params: {indicators: …, entry: …, exit: …, sizing: …}}`.
 * For located errors inside the bot spec, validation calls `validateRules` with the prefix
 * ['strategy', 'params']; `check` here gives the same problems without positions.
 */
import type {StrategyDefinition} from '../model/strategy.js'
import {describePath, rulesDefinition} from './rules-definition.js'
import {rulesParamsSchema} from './rules-params-schema.js'
import type {RulesSpec} from './rules-types.js'

let definition: StrategyDefinition | undefined

export function rulesStrategy(): StrategyDefinition {
  definition ??= rulesDefinition({
    name: 'rules',
    description: 'Declarative rules written in the spec: indicators, entry and exit conditions, sizing, stop-loss, take-profit and trailing stop.',
    params: rulesParamsSchema(),
    resolve: (params) => ({rules: params as unknown as RulesSpec, values: new Map()}),
    describe: (p) => ({param: typeof p.path[0] === 'string' ? p.path[0] : undefined, message: `${describePath(p)}: ${p.message}`, hint: p.hint}),
  })
  return definition
}
