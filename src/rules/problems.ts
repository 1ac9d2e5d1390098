import {didYouMeanHint} from '../core/suggest.js'
import type {PathSegment} from '../document/locate.js'

/**
 * A problem in a rules block, located by its path inside the block (and, for expressions, the
 * character offset inside the string). `validate-rules.ts` turns these into file:line:column.
 */
export interface RuleProblem {
  path: PathSegment[]
  /** Character offset inside the string at `path` (expression errors). */
  offset?: number
  /** Point at the key rather than the value (unknown or missing keys). */
  at?: 'key' | 'value'
  severity?: 'error' | 'warning'
  code: string
  message: string
  hint?: string
}

/** Collects problems; `n()` resolves numbers that may be `${param}` placeholders. */
export class Problems {
  readonly list: RuleProblem[] = []

  constructor(readonly params: ReadonlyMap<string, unknown>) {}

  add(p: RuleProblem): undefined {
    this.list.push(p)
    return undefined
  }

  get hasErrors(): boolean {
    return this.list.some((p) => p.severity !== 'warning')
  }

  /** A number, or the value of the `${name}` parameter it names. */
  number(value: unknown, path: PathSegment[], what: string): number | undefined {
    const resolved = this.placeholder(value, path)
    if (resolved === PLACEHOLDER_FAILED) return undefined
    if (typeof resolved !== 'number' || !Number.isFinite(resolved)) {
      return this.add({path, code: 'rules.type', message: `${what} must be a number, not ${JSON.stringify(resolved)}`, hint: typeof value === 'string' ? `parameter ${value} must be a number` : undefined})
    }
    return resolved
  }

  /** A text value, or the value of the `${name}` parameter it names. */
  text(value: unknown, path: PathSegment[], what: string): string | undefined {
    const resolved = this.placeholder(value, path)
    if (resolved === PLACEHOLDER_FAILED) return undefined
    if (typeof resolved !== 'string') return this.add({path, code: 'rules.type', message: `${what} must be text, not ${JSON.stringify(resolved)}`})
    return resolved
  }

  private placeholder(value: unknown, path: PathSegment[]): unknown {
    if (typeof value !== 'string') return value
    const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value.trim())
    if (!m) return value
    if (!this.params.has(m[1])) {
      this.add({path, code: 'rules.unknown_param', message: `unknown parameter \`${m[1]}\``, hint: hintFor(m[1], this.params)})
      return PLACEHOLDER_FAILED
    }
    return this.params.get(m[1])
  }
}

const PLACEHOLDER_FAILED = Symbol('placeholder failed')

function hintFor(name: string, params: ReadonlyMap<string, unknown>): string {
  const known = [...params.keys()]
  return known.length === 0 ? 'declare it under `params:` in the strategy spec' : (didYouMeanHint(name, known) ?? `declared parameters: ${known.join(', ')}`)
}
