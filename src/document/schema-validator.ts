/**
 * JSON Schema validation (ajv, draft 2020-12) of parsed specs, with ajv's errors turned into
 * located diagnostics a person can act on: the offending key for unknown properties (with
 * did-you-mean), the parent key for missing ones, the value for wrong types and enums.
 */
import {Ajv2020, type ErrorObject, type ValidateFunction} from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import type {Document, LineCounter} from 'yaml'
import type {Diagnostic} from '../core/errors.js'
import {didYouMeanHint} from '../core/suggest.js'
import {locate, pathToPointer, pointerToPath, type PathSegment} from './locate.js'
import {unknownKeyHint} from './unknown-key-hint.js'
import {loadSchema, precompiledValidator, type SchemaName} from './schema-files.js'

// ajv-formats is CommonJS with a default export; under Node16 ESM it arrives wrapped.
const addFormats = ((addFormatsModule as unknown as {default?: unknown}).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void

export function createAjv(extra: Record<string, unknown> = {}): Ajv2020 {
  const instance = new Ajv2020({allErrors: true, strict: true, strictTypes: false, useDefaults: false, verbose: true, ...extra})
  addFormats(instance)
  return instance
}

let ajvInstance: Ajv2020 | undefined
export function ajv(): Ajv2020 {
  ajvInstance ??= createAjv()
  return ajvInstance
}

// The build's validators (spec/compile-schemas.ts); running from src/ (tests under tsx), where
// there are none, the schemas are compiled on first use instead.
const compiled = new Map<SchemaName, ValidateFunction>()

function validatorFor(name: SchemaName): ValidateFunction {
  let fn = precompiledValidator(name) ?? compiled.get(name)
  if (!fn) {
    fn = ajv().compile(loadSchema(name))
    compiled.set(name, fn)
  }
  return fn
}

export interface Located {
  file: string
  doc: Document
  lineCounter: LineCounter
}

/** Validate `value` against a bundled schema; [] when valid. */
export function validateAgainstSchema(name: SchemaName, value: unknown, where: Located): Diagnostic[] {
  const validate = validatorFor(name)
  if (validate(value)) return []
  return ajvErrorsToDiagnostics(validate.errors ?? [], where, [], value)
}

/**
 * Turn ajv errors into diagnostics. `prefix` is prepended to every path, for schemas that
 * validate a sub-tree (a strategy's params live under /strategy/params).
 */
export function ajvErrorsToDiagnostics(errors: ErrorObject[], where: Located, prefix: PathSegment[], root: unknown): Diagnostic[] {
  const out: Diagnostic[] = []
  const seen = new Set<string>()
  for (const e of simplify(errors)) {
    const d = toDiagnostic(e, where, prefix, root)
    const key = `${d.line}:${d.column}:${d.path}:${d.message}`
    if (!seen.has(key)) {
      seen.add(key)
      out.push(d)
    }
  }
  return out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0))
}

/**
 * A `oneOf`/`anyOf` failure makes ajv report every branch. Keep the branch that fits the value's
 * type (its errors are the useful ones); if no branch fits the type, keep one summary error.
 */
function simplify(errors: ErrorObject[]): ErrorObject[] {
  const combinators = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf')
  let kept = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf')
  for (const c of combinators) {
    const base = c.schemaPath.replace(/\/(oneOf|anyOf)$/, `/${c.keyword}/`)
    const branches = kept.filter((e) => e.schemaPath.startsWith(base))
    const typeMismatch = (e: ErrorObject) => e.instancePath === c.instancePath && e.keyword === 'type'
    const fitting = branches.filter((e) => !typeMismatch(e) && !branchHasTypeMismatch(branches, e, base, typeMismatch))
    kept = kept.filter((e) => !branches.includes(e))
    if (fitting.length > 0) kept.push(...fitting)
    else kept.push({...c, keyword: 'type', params: {type: branches.filter(typeMismatch).map((e) => e.params.type).join(' or ')}, message: ''})
  }
  return kept
}

function branchHasTypeMismatch(branches: ErrorObject[], e: ErrorObject, base: string, isMismatch: (e: ErrorObject) => boolean): boolean {
  const branch = e.schemaPath.slice(base.length).split('/')[0]
  return branches.some((b) => b.schemaPath.slice(base.length).split('/')[0] === branch && isMismatch(b))
}

function toDiagnostic(e: ErrorObject, where: Located, prefix: PathSegment[], root: unknown): Diagnostic {
  const path = [...prefix, ...pointerToPath(e.instancePath)]
  const base = {severity: 'error' as const, file: where.file}
  const at = (p: PathSegment[], mode: 'key' | 'value') => {
    const pos = locate(where.doc, where.lineCounter, p, mode)
    return {line: pos.line, column: pos.column, path: pathToPointer(p)}
  }
  const last = path[path.length - 1]
  const field = last === undefined ? 'the spec' : `\`${String(last)}\``
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty)
      return {...base, ...at([...path, key], 'key'), code: 'schema.unknown_key', message: `unknown key \`${key}\``, hint: unknownKeyHint(key, valueAt(root, pointerToPath(e.instancePath)), e.parentSchema)}
    }
    case 'required': {
      const key = String(e.params.missingProperty)
      const desc = describe(e.parentSchema, key)
      return {...base, ...at(path, 'key'), path: pathToPointer([...path, key]), code: 'schema.required', message: `missing required key \`${key}\`${path.length ? ` in ${field}` : ''}`, hint: desc ? `add \`${key}:\` (${desc})` : `add \`${key}:\``}
    }
    case 'enum': {
      const allowed = (e.params.allowedValues as unknown[]).map(String)
      const got = valueAt(root, pointerToPath(e.instancePath))
      return {...base, ...at(path, 'value'), code: 'schema.enum', message: `${field} is ${JSON.stringify(got)}, which is not allowed`, hint: didYouMeanHint(String(got), allowed)}
    }
    case 'const':
      return {...base, ...at(path, 'value'), code: 'schema.const', message: `${field} must be ${JSON.stringify(e.params.allowedValue)}`}
    case 'type': {
      const got = valueAt(root, pointerToPath(e.instancePath))
      return {...base, ...at(path, 'value'), code: 'schema.type', message: `${field} must be ${article(String(e.params.type))}, not ${kindOf(got)}`, hint: typeHint(String(e.params.type), got)}
    }
    case 'pattern':
      return {...base, ...at(path, 'value'), code: 'schema.pattern', message: `${field} has the wrong form`, hint: patternHint(e)}
    case 'format':
      return {...base, ...at(path, 'value'), code: 'schema.format', message: `${field} must be a ${e.params.format}`, hint: e.params.format === 'date' ? 'write dates as YYYY-MM-DD' : undefined}
    case 'uniqueItems': {
      // ajv's "(items ## 1 and 0 are identical)": say which value repeats, and point at the repeat.
      const {i, j} = e.params as {i: number; j: number}
      const list = valueAt(root, pointerToPath(e.instancePath))
      // ajv names the two items i and j: the later one is the repeat.
      const [first, repeat] = [Math.min(i, j), Math.max(i, j)]
      const repeated = Array.isArray(list) ? list[repeat] : undefined
      return {...base, ...at([...path, repeat], 'value'), code: 'schema.uniqueItems', message: `${field} lists ${JSON.stringify(repeated)} twice (items ${first + 1} and ${repeat + 1})`, hint: 'remove the repeat'}
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
      return {...base, ...at(path, 'value'), code: `schema.${e.keyword}`, message: `${field} ${e.message ?? 'is out of range'}`}
    default:
      return {...base, ...at(path, 'value'), code: `schema.${e.keyword}`, message: `${field} ${e.message ?? 'is invalid'}`}
  }
}

function describe(parentSchema: unknown, key: string): string | undefined {
  const prop = (parentSchema as {properties?: Record<string, {description?: string}>})?.properties?.[key]
  const text = prop?.description?.split(/(?<=\.)\s/)[0]
  return text ? text.charAt(0).toLowerCase() + text.slice(1).replace(/\.$/, '') : undefined
}

function patternHint(e: ErrorObject): string | undefined {
  const pattern = String(e.params.pattern)
  if (pattern.includes('SsMmHhDdWw')) return 'write a whole number and a unit: 30S, 1M, 5M, 1H, 1D, 1W (S seconds, M minutes, H hours, D days, W weeks)'
  if (pattern.includes('[0-5][0-9]')) return 'write a time of day as HH:MM, e.g. 09:30'
  if (pattern.includes('._-')) return 'use letters, digits, `-`, `_` and `.`, starting with a letter or digit'
  if (pattern.includes('\\$\\{')) return 'write a number or `${param}`'
  return `must match ${pattern}`
}

function valueAt(root: unknown, path: PathSegment[]): unknown {
  let v: any = root
  for (const s of path) v = v?.[s as any]
  return v
}

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'empty'
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'object') return 'a mapping'
  return `${typeof v === 'string' ? 'text' : typeof v} ${JSON.stringify(v)}`
}

function article(type: string): string {
  return type
    .split(' or ')
    .map((t) => ({object: 'a mapping', array: 'a list', string: 'text', integer: 'a whole number', number: 'a number', boolean: 'true or false', null: 'empty'})[t] ?? t)
    .join(' or ')
}

function typeHint(expected: string, got: unknown): string | undefined {
  if (expected.includes('array') && typeof got === 'string') return `write a list: [${got}]`
  if ((expected === 'number' || expected === 'integer') && typeof got === 'string' && got.trim() !== '' && !Number.isNaN(Number(got))) return 'remove the quotes around the number'
  if (expected === 'object' && (got === null || got === undefined)) return 'indent the keys that belong under this one, or remove it'
  return undefined
}
