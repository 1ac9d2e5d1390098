/**
 * A strategy spec's `params:` declarations: each default must fit its own declaration (type,
 * minimum, maximum, enum), and a parameter may not take a name that rules already mean something
 * by (`close`, `hour`, `crosses_above`…). For checking the rules without a bot, parameters with no
 * default get a stand-in value of their type.
 */
import type {Diagnostic} from '../core/errors.js'
import {locate, pathToPointer} from '../document/locate.js'
import type {Located} from '../document/schema-validator.js'
import {FUNCTIONS} from './expr/functions.js'
import {BAR_FIELDS, TIME_FIELDS} from './expr/ir.js'

export interface ParamDeclaration {
  type: 'integer' | 'number' | 'string' | 'boolean'
  default?: unknown
  minimum?: number
  maximum?: number
  enum?: unknown[]
  description?: string
}

const RESERVED = new Set<string>([...BAR_FIELDS, ...TIME_FIELDS, ...Object.keys(FUNCTIONS), 'true', 'false', 'and', 'or', 'not'])

export function checkParamDeclarations(params: Record<string, ParamDeclaration>, where: Located): Diagnostic[] {
  const out: Diagnostic[] = []
  const problem = (path: (string | number)[], at: 'key' | 'value', code: string, message: string, hint?: string) => {
    const pos = locate(where.doc, where.lineCounter, ['params', ...path], at)
    out.push({severity: 'error', file: where.file, line: pos.line, column: pos.column, path: pathToPointer(['params', ...path]), code, message, hint})
  }
  for (const [name, d] of Object.entries(params)) {
    if (RESERVED.has(name)) problem([name], 'key', 'params.reserved', `\`${name}\` already means something in rules; give the parameter another name`)
    if (d.minimum !== undefined && d.maximum !== undefined && d.minimum > d.maximum) problem([name, 'minimum'], 'value', 'params.range', `minimum (${d.minimum}) is above maximum (${d.maximum})`)
    if (d.default === undefined) continue
    const why = misfit(d.default, d)
    if (why) problem([name, 'default'], 'value', 'params.default', `the default ${JSON.stringify(d.default)} ${why}`)
  }
  return out
}

function misfit(v: unknown, d: ParamDeclaration): string | undefined {
  const ok = d.type === 'integer' ? Number.isInteger(v) : d.type === 'number' ? typeof v === 'number' && Number.isFinite(v) : typeof v === d.type
  if (!ok) return `is not ${d.type === 'integer' ? 'a whole number' : d.type === 'number' ? 'a number' : d.type === 'string' ? 'text' : 'true or false'}`
  if (typeof v === 'number' && d.minimum !== undefined && v < d.minimum) return `is below the minimum ${d.minimum}`
  if (typeof v === 'number' && d.maximum !== undefined && v > d.maximum) return `is above the maximum ${d.maximum}`
  if (d.enum && !d.enum.some((e) => e === v)) return `is not one of ${d.enum.map((e) => JSON.stringify(e)).join(', ')}`
  return undefined
}

/** Defaults, and for parameters without one a plausible value of the declared type. */
export function standInValues(params: Record<string, ParamDeclaration>): Map<string, unknown> {
  const values = new Map<string, unknown>()
  for (const [name, d] of Object.entries(params)) {
    if (d.default !== undefined) values.set(name, d.default)
    else if (d.enum && d.enum.length > 0) values.set(name, d.enum[0])
    else if (d.type === 'boolean') values.set(name, true)
    else if (d.type === 'string') values.set(name, 'close')
    else values.set(name, Math.max(d.minimum ?? 1, 1))
  }
  return values
}
