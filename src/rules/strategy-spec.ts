/**
 * Strategy specs (`kind: strategy` YAML files): their checks and the StrategyDefinition they
 * become. The definition's params schema is built from the spec's `params:` declarations (with
 * their defaults); a bot's params override the defaults and fill the `${name}` placeholders.
 */
import path from 'node:path'
import type {Diagnostic} from '../core/errors.js'
import {formatLocation} from '../core/errors.js'
import {loadYamlFile} from '../document/load-yaml.js'
import {locate} from '../document/locate.js'
import {validateAgainstSchema, type Located} from '../document/schema-validator.js'
import type {ParamsSchema, StrategyDefinition} from '../model/strategy.js'
import {rulesDefinition} from './rules-definition.js'
import type {RulesSpec} from './rules-types.js'
import {checkParamDeclarations, standInValues, type ParamDeclaration} from './param-declarations.js'
import {compileParamChecks, describeFailure, type ParamCheck} from './param-checks.js'
import {locateProblem, validateRules} from './validate-rules.js'

export interface StrategySpec {
  kind: 'strategy'
  name: string
  description?: string
  params?: Record<string, ParamDeclaration>
  /** Conditions on the params together (param-checks.ts). */
  checks?: ParamCheck[]
  rules: RulesSpec
}

export interface LoadedStrategySpec {
  /** Present when the file has no errors. */
  definition?: StrategyDefinition
  diagnostics: Diagnostic[]
}

/** Reads, checks and turns a strategy spec file into a definition; never throws for bad input. */
export async function loadStrategySpec(file: string): Promise<LoadedStrategySpec> {
  const loaded = await loadYamlFile(path.resolve(file))
  if (!loaded.ok) return {diagnostics: loaded.diagnostics.map((d) => ({...d, file}))}
  const where: Located = {file, doc: loaded.yaml.doc, lineCounter: loaded.yaml.lineCounter}
  const value = loaded.yaml.value
  if (value.kind !== 'strategy') {
    const pos = locate(where.doc, where.lineCounter, ['kind'], 'key')
    return {diagnostics: [{severity: 'error', file, line: pos.line, column: pos.column, path: '/kind', code: 'spec.kind', message: 'this is not a strategy spec (`kind: strategy` is missing)', hint: 'strategy specs start with `kind: strategy`'}]}
  }
  return strategySpecFromValue(value, where)
}

/** The checks of a parsed strategy spec: schema, parameter declarations, rules with the defaults. */
export function validateStrategySpec(value: Record<string, unknown>, where: Located): Diagnostic[] {
  const schema = validateAgainstSchema('strategy', value, where)
  return schema.length > 0 ? schema : checkStrategySpec(value, where)
}

/** The checks beyond the schema, for a spec that already passed it (what `bots validate` adds). */
export function checkStrategySpec(value: Record<string, unknown>, where: Located): Diagnostic[] {
  const spec = value as unknown as StrategySpec
  const declared = checkParamDeclarations(spec.params ?? {}, where)
  if (declared.some((d) => d.severity === 'error')) return declared
  return [...declared, ...checkChecks(spec, where), ...validateRules(spec.rules, where, ['rules'], standInValues(spec.params ?? {}))]
}

/** Each check compiles, and the defaults meet it (when every parameter it reads has one). */
function checkChecks(spec: StrategySpec, where: Located): Diagnostic[] {
  const declarations = spec.params ?? {}
  const {compiled, problems} = compileParamChecks(spec.checks ?? [], declarations)
  const out = problems.map((p) => locateProblem({path: ['checks', p.index, 'condition'], offset: p.offset, code: 'checks.expression', message: p.message, hint: p.hint}, where, []))
  const defaults = new Map(Object.entries(declarations).map(([k, d]) => [k, d.default]))
  compiled.forEach((c) => {
    if (c.names.some((n) => declarations[n].default === undefined) || c.holds(defaults)) return
    const index = (spec.checks ?? []).indexOf(c.check)
    out.push(locateProblem({path: ['checks', index, 'condition'], code: 'checks.defaults', message: `the parameters' defaults break this check: ${describeFailure(c, defaults)}`, hint: 'change a default or the check'}, where, []))
  })
  return out
}

export function strategySpecFromValue(value: Record<string, unknown>, where: Located): LoadedStrategySpec {
  const diagnostics = validateStrategySpec(value, where)
  if (diagnostics.some((d) => d.severity === 'error')) return {diagnostics}
  return {definition: definitionFromSpec(value as unknown as StrategySpec, where), diagnostics}
}

export function definitionFromSpec(spec: StrategySpec, where: Located): StrategyDefinition {
  const declarations = spec.params ?? {}
  const checks = compileParamChecks(spec.checks ?? [], declarations).compiled
  return rulesDefinition({
    name: spec.name,
    description: spec.description ?? `Rules from ${path.basename(where.file)}.`,
    params: paramsSchema(declarations),
    resolve: (params) => ({rules: spec.rules, values: new Map(Object.keys(declarations).map((k) => [k, params[k] ?? declarations[k].default]))}),
    checks: (spec.checks ?? []).map((c) => (c.message === undefined ? {condition: c.condition} : {condition: c.condition, message: c.message})),
    checkParams: (values) => checks.filter((c) => !c.holds(values)).map((c) => ({param: c.names[0], message: describeFailure(c, values), hint: c.check.hint})),
    describe: (p, rules) => {
      const d = locateProblem(p, where, ['rules'])
      return {param: placeholderAt(rules, p.path), message: `${p.message} (${formatLocation(d)})`, hint: p.hint}
    },
  })
}

function paramsSchema(declarations: Record<string, ParamDeclaration>): ParamsSchema {
  const properties: Record<string, Record<string, unknown>> = {}
  for (const [name, d] of Object.entries(declarations)) properties[name] = structuredClone(d) as unknown as Record<string, unknown>
  const required = Object.keys(declarations).filter((k) => declarations[k].default === undefined)
  return {type: 'object', additionalProperties: false, properties, ...(required.length > 0 ? {required} : {})}
}

/** The parameter a problem is about, when the value at its path is exactly `${name}`. */
function placeholderAt(rules: RulesSpec, at: (string | number)[]): string | undefined {
  let v: unknown = rules
  for (const s of at) v = (v as Record<string, unknown> | undefined)?.[s]
  const m = typeof v === 'string' ? /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(v) : null
  return m?.[1]
}
