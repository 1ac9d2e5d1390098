/**
 * Operator table and small helpers shared by the checker: which operators exist and what they
 * take, how types read in messages, how `${name}` placeholders are kept offset-preserving, and
 * how an indicator output is keyed.
 */
import type {BinaryOp, ValueType} from './ir.js'

export const BINARY: Record<string, {fn: BinaryOp; kind: 'arith' | 'compare' | 'equal' | 'logic'}> = {
  '+': {fn: 'add', kind: 'arith'},
  '-': {fn: 'sub', kind: 'arith'},
  '*': {fn: 'mul', kind: 'arith'},
  '/': {fn: 'div', kind: 'arith'},
  '%': {fn: 'mod', kind: 'arith'},
  '<': {fn: 'lt', kind: 'compare'},
  '<=': {fn: 'le', kind: 'compare'},
  '>': {fn: 'gt', kind: 'compare'},
  '>=': {fn: 'ge', kind: 'compare'},
  '==': {fn: 'eq', kind: 'equal'},
  '!=': {fn: 'ne', kind: 'equal'},
  and: {fn: 'and', kind: 'logic'},
  '&&': {fn: 'and', kind: 'logic'},
  or: {fn: 'or', kind: 'logic'},
  '||': {fn: 'or', kind: 'logic'},
}

export const describeType = (t: ValueType) => (t === 'boolean' ? 'true/false' : 'a number')

/** `${name}` → `$name` padded with spaces: same length, so offsets still point into the YAML text. */
export function rewritePlaceholders(text: string): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => `$${name}  `)
}

/** Series key of an indicator output: the bare name for its main output. */
export function outputKey(indicator: string, output: string, outputs: readonly string[]): string {
  return output === outputs[0] ? indicator : `${indicator}.${output}`
}
