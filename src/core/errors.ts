/**
 * One error type for every problem a user can fix: bad input, missing files, locked databases.
 * Commands print it as `file:line:col  path  message` plus a hint, never with a stack trace.
 * Anything that is not a BotsError is a bug in bots and is shown with its stack.
 */
export interface Location {
  file?: string
  /** 1-based */
  line?: number
  /** 1-based */
  column?: number
  /** JSON pointer-like path inside the spec, e.g. `/strategy/params/fast` */
  path?: string
}

export type Severity = 'error' | 'warning'

export interface Diagnostic extends Location {
  severity: Severity
  /** Stable machine-readable code, e.g. `schema.required`, `yaml.syntax`, `strategy.unknown`. */
  code: string
  message: string
  hint?: string
}

export class BotsError extends Error {
  readonly diagnostic: Diagnostic
  /** Every problem, when there are several (an invalid spec); `diagnostic` is the headline. */
  readonly diagnostics: Diagnostic[]

  constructor(message: string, opts: Partial<Omit<Diagnostic, 'message'>> = {}, all?: Diagnostic[]) {
    super(message)
    this.name = 'BotsError'
    this.diagnostic = {severity: 'error', code: opts.code ?? 'error', message, ...opts}
    this.diagnostics = all && all.length > 0 ? all : [this.diagnostic]
  }

  static from(diagnostic: Diagnostic): BotsError {
    return new BotsError(diagnostic.message, diagnostic)
  }

  get hint(): string | undefined {
    return this.diagnostic.hint
  }
}

export function isBotsError(e: unknown): e is BotsError {
  return e instanceof BotsError
}

/** `file:line:col` (or as much of it as is known). */
export function formatLocation(d: Location): string {
  if (!d.file) return ''
  if (d.line === undefined) return d.file
  return d.column === undefined ? `${d.file}:${d.line}` : `${d.file}:${d.line}:${d.column}`
}

/** The one-line-plus-hint form used in plain terminal output. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = formatLocation(d)
  const path = d.path ? ` ${d.path}:` : ''
  const head = `${where ? where + ' ' : ''}${d.severity}${path} ${d.message}`
  return d.hint ? `${head}\n  hint: ${d.hint}` : head
}
