import {paramChecksOf, type ParamCheckText} from '../rules/rules-definition.js'
import type {RegisteredStrategy} from './registry.js'

export interface ParamInfo {
  name: string
  type: string
  required: boolean
  default?: unknown
  description?: string
  /** Human-readable bounds, e.g. `1 ≤ x ≤ 500`. */
  constraints?: string
}

export interface StrategyInfo {
  name: string
  description: string
  source: string
  params: ParamInfo[]
  /** Conditions on the params together (a strategy spec's `checks:`). */
  checks: ParamCheckText[]
}

export function describeStrategy({definition, source}: RegisteredStrategy): StrategyInfo {
  const props = definition.params.properties ?? {}
  const required = new Set(definition.params.required ?? [])
  return {
    name: definition.name,
    description: definition.description,
    source,
    params: Object.entries(props).map(([name, schema]) => ({
      name,
      type: Array.isArray(schema.enum) ? schema.enum.map((v) => JSON.stringify(v)).join(' | ') : String(schema.type ?? 'any'),
      required: required.has(name),
      default: schema.default,
      description: typeof schema.description === 'string' ? schema.description : undefined,
      constraints: bounds(schema),
    })),
    checks: [...paramChecksOf(definition)],
  }
}

function bounds(schema: Record<string, unknown>): string | undefined {
  const lo = schema.minimum ?? schema.exclusiveMinimum
  const hi = schema.maximum ?? schema.exclusiveMaximum
  if (lo === undefined && hi === undefined) return undefined
  const left = lo === undefined ? '' : `${lo} ${schema.exclusiveMinimum !== undefined ? '<' : '≤'} `
  const right = hi === undefined ? '' : ` ${schema.exclusiveMaximum !== undefined ? '<' : '≤'} ${hi}`
  return `${left}x${right}`
}
