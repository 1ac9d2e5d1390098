import {loadSchema} from '../document/schema-files.js'
import type {ParamsSchema} from '../model/strategy.js'

/**
 * The params schema of the built-in `rules` strategy: the `rules` block of the strategy spec
 * schema (one source of truth), with the definitions it refers to and no `$id`, so it can be
 * compiled next to the strategy schema in one ajv instance.
 */
export function rulesParamsSchema(): ParamsSchema {
  const strategy = loadSchema('strategy') as {$defs: Record<string, Record<string, unknown>>}
  const {$defs} = strategy
  return {...structuredClone($defs.rules), type: 'object', $defs: structuredClone($defs)} as ParamsSchema
}
