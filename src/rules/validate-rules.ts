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
  const problems = planRules(rules as RulesSpec, params, {timeframeMs: tf, symbols}).problems
  if (inline) problems.push(...botFitProblems(rules as RulesSpec, where.doc.toJS() as Record<string, unknown>))
  return problems.map((p) => locateProblem(p, where, pathPrefix))
}

/**
 * Rules that the bot around them cannot carry out, found by an audit to run without a word:
 * short entries on a broker that refuses shorts (every one rejected), and a fixed size under one
 * unit where no lot that small is set (every entry rounds to 0).
 */
function botFitProblems(rules: RulesSpec, bot: Record<string, unknown> | null): RuleProblem[] {
  const out: RuleProblem[] = []
  const broker = (bot?.broker ?? {}) as {allow_short?: unknown}
  if (rules.entry?.short !== undefined && broker.allow_short === false) {
    out.push({path: ['entry', 'short'], at: 'key', severity: 'warning', code: 'rules.short', message: '`entry.short` can never be carried out: `broker.allow_short` is false, so the broker rejects every short entry', hint: 'set broker.allow_short: true, or drop entry.short'})
  }
  const sizing = rules.sizing as {type?: unknown; value?: unknown} | undefined
  const size = sizing?.value
  if (sizing !== undefined && sizing.type === 'quantity' && typeof size === 'number' && size > 0 && size < 1) {
    const instruments = (bot?.instruments ?? {}) as Record<string, {lot_size?: unknown} | undefined>
    const symbols = Array.isArray(bot?.symbols) ? (bot.symbols as unknown[]).filter((x): x is string => typeof x === 'string') : []
    const unfit = symbols.filter((sym) => {
      const lot = instruments[sym]?.lot_size
      return !(typeof lot === 'number' && lot > 0 && lot <= size)
    })
    if (unfit.length > 0) {
      out.push({
        path: ['sizing', 'value'], severity: 'warning', code: 'rules.sizing',
        message: `a size of ${size} is under one unit: entries are sized in whole units, or in lots of instruments.SYMBOL.lot_size, and ${unfit.join(', ')} ${unfit.length === 1 ? 'has' : 'have'} no lot that small, so every entry rounds to 0`,
        hint: `set instruments: {${unfit[0]}: {lot_size: ${size}}} (any lot up to the size), or a size of 1 or more`,
      })
    }
  }
  return out
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
