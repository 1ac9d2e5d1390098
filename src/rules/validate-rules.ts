/**
 * Located diagnostics for a rules block: every problem `planRules` finds, at file:line:column —
 * inside the expression string for expression errors. Called for a strategy spec's `rules:`
 * (prefix ['rules']) and for a bot's inline `strategy: {name: rules, params: …}` (prefix
 * ['strategy', 'params']).
 *
 * Higher timeframes (`close@1D`, `timeframe: 1D`) are checked against the bot's timeframe: the one
 * given, else — for inline rules — the `timeframe:` of the bot spec the rules are in. Likewise the
 * symbols named by `of("SYM", …)` are checked against the bot's `symbols:` (inline rules only; a
 * strategy spec's are checked when a bot runs it).
 */
import {parseDuration} from '../core/duration.js'
import type {Diagnostic} from '../core/errors.js'
import {locate, locateInScalar, pathToPointer, type PathSegment} from '../document/locate.js'
import type {Located} from '../document/schema-validator.js'
import {planRules} from './plan.js'
import type {RuleProblem} from './problems.js'
import type {RulesSpec} from './rules-types.js'

export function validateRules(rules: unknown, where: Located, pathPrefix: readonly PathSegment[], params: ReadonlyMap<string, unknown> = new Map(), timeframeMs?: number): Diagnostic[] {
  if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) {
    const pos = locate(where.doc, where.lineCounter, pathPrefix)
    return [{severity: 'error', file: where.file, line: pos.line, column: pos.column, path: pathToPointer(pathPrefix), code: 'rules.shape', message: 'the rules must be a mapping with `entry:` and optionally `indicators:`, `exit:`, `sizing:` and stops'}]
  }
  const inline = pathPrefix[0] === 'strategy'
  const tf = timeframeMs ?? (inline ? botTimeframe(where) : undefined)
  const symbols = inline ? botSymbols(where) : undefined
  return planRules(rules as RulesSpec, params, {timeframeMs: tf, symbols}).problems.map((p) => locateProblem(p, where, pathPrefix))
}

/** The `timeframe:` of the bot spec in `where` (undefined when absent or not a duration: the schema reports that). */
export function botTimeframe(where: Located): number | undefined {
  const raw = where.doc.get('timeframe')
  if (typeof raw !== 'string') return undefined
  try {
    return parseDuration(raw.trim())
  } catch {
    return undefined
  }
}

/** The `symbols:` of the bot spec in `where` (undefined when it is not a list of text: the schema reports that). */
export function botSymbols(where: Located): string[] | undefined {
  const raw = where.doc.toJS()?.symbols as unknown
  return Array.isArray(raw) && raw.every((s) => typeof s === 'string') ? raw : undefined
}

export function locateProblem(p: RuleProblem, where: Located, pathPrefix: readonly PathSegment[]): Diagnostic {
  const path = [...pathPrefix, ...p.path]
  const pos = p.offset !== undefined ? locateInScalar(where.doc, where.lineCounter, path, p.offset) : locate(where.doc, where.lineCounter, path, p.at ?? 'value')
  return {severity: p.severity ?? 'error', file: where.file, line: pos.line, column: pos.column, path: pathToPointer(path), code: p.code, message: p.message, hint: p.hint}
}
