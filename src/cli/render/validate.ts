/**
 * Renderings of `bots validate` results. The JSON shape is a documented contract (README,
 * "Validate output"): bump `version` on any incompatible change.
 */
import type {Diagnostic} from '../../core/errors.js'
import {formatLocation} from '../../core/errors.js'
import type {SpecReport} from '../../spec/validate-spec.js'
import {paint} from '../color.js'

export type ValidateFormat = 'text' | 'json' | 'github' | 'junit'

export interface ValidateSummary {
  files: number
  valid: number
  invalid: number
  errors: number
  warnings: number
}

export interface ValidateJson {
  version: 1
  valid: boolean
  summary: ValidateSummary
  files: Array<{file: string; kind: string | null; valid: boolean; diagnostics: Array<Omit<Diagnostic, 'file'>>}>
}

export function summarize(reports: SpecReport[]): ValidateSummary {
  const all = reports.flatMap((r) => r.diagnostics)
  const invalid = reports.filter((r) => !r.valid).length
  return {
    files: reports.length,
    valid: reports.length - invalid,
    invalid,
    errors: all.filter((d) => d.severity === 'error').length,
    warnings: all.filter((d) => d.severity === 'warning').length,
  }
}

export function toJson(reports: SpecReport[]): ValidateJson {
  const summary = summarize(reports)
  return {
    version: 1,
    valid: summary.invalid === 0,
    summary,
    files: reports.map((r) => ({
      file: r.file,
      kind: r.kind ?? null,
      valid: r.valid,
      diagnostics: r.diagnostics.map(({file: _file, ...d}) => d),
    })),
  }
}

export function renderText(reports: SpecReport[], color: boolean): string {
  const c = paint(color)
  const lines: string[] = []
  for (const r of reports) {
    if (r.diagnostics.length === 0) {
      lines.push(`${c('green', '✓')} ${r.file}`)
      continue
    }
    lines.push(`${r.valid ? c('yellow', '!') : c('red', '✗')} ${r.file}`)
    for (const d of r.diagnostics) {
      const sev = d.severity === 'error' ? c('red', 'error') : c('yellow', 'warning')
      const where = formatLocation({...d, file: d.file ?? r.file})
      lines.push(`  ${c('bold', where)} ${sev}${d.path ? ' ' + c('cyan', d.path) : ''} ${d.message}`)
      if (d.hint) lines.push(`    ${c('dim', 'hint:')} ${d.hint}`)
    }
  }
  const s = summarize(reports)
  const counts = `${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}`
  lines.push('', `${plural(s.files, 'file')}: ${s.valid} valid, ${s.invalid} invalid (${counts})`)
  return lines.join('\n')
}

/** GitHub Actions workflow commands: one annotation per diagnostic. */
export function renderGithub(reports: SpecReport[]): string {
  const lines: string[] = []
  for (const r of reports) {
    for (const d of r.diagnostics) lines.push(annotation(d, d.file ?? r.file))
  }
  const s = summarize(reports)
  lines.push(`${plural(s.files, 'file')}: ${s.valid} valid, ${s.invalid} invalid`)
  return lines.join('\n')
}

/** One workflow command; `file` (and so line and column) only when the problem has a file. */
function annotation(d: Diagnostic, file: string | undefined): string {
  const props = file === undefined ? [] : [`file=${ghProp(file)}`]
  if (file !== undefined && d.line !== undefined) props.push(`line=${d.line}`)
  if (file !== undefined && d.column !== undefined) props.push(`col=${d.column}`)
  props.push(`title=${ghProp(`bots validate: ${d.code}`)}`)
  const text = `${d.path ? d.path + ': ' : ''}${d.message}${d.hint ? ` (hint: ${d.hint})` : ''}`
  return `::${d.severity === 'error' ? 'error' : 'warning'} ${props.join(',')}::${ghData(text)}`
}

const ghData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
const ghProp = (s: string) => ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C')

/** JUnit XML: one test case per file, a failure per error, warnings in system-out. */
export function renderJunit(reports: SpecReport[]): string {
  const s = summarize(reports)
  const cases = reports.map((r) => {
    const errors = r.diagnostics.filter((d) => d.severity === 'error')
    const warnings = r.diagnostics.filter((d) => d.severity === 'warning')
    const body = [
      ...errors.map((d) => `      <failure type="${xml(d.code)}" message="${xml(d.message)}">${xml(describe(d, r.file))}</failure>`),
      ...(warnings.length ? [`      <system-out>${xml(warnings.map((d) => describe(d, r.file)).join('\n'))}</system-out>`] : []),
    ]
    const open = `    <testcase classname="bots.validate" name="${xml(r.file)}"`
    return body.length ? `${open}>\n${body.join('\n')}\n    </testcase>` : `${open}/>`
  })
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="bots validate" tests="${s.files}" failures="${s.invalid}">`,
    `  <testsuite name="bots validate" tests="${s.files}" failures="${s.invalid}" errors="0" skipped="0">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
  ].join('\n')
}

/**
 * What BaseCommand prints on stdout under --json when a command fails before it has a result: a
 * usage error (exit 2: a path that does not exist, no spec files, a bad flag) or a BotsError such
 * as a bots.config.yaml that does not load (exit 1), as `{error, diagnostics?}`. `--format json`
 * prints that object as every command does; these render it for the other CI formats, so a step
 * that reads stdout gets an annotation or a JUnit document saying why instead of nothing.
 */
export interface ValidateFailure {
  error: Partial<Diagnostic>
  diagnostics?: Diagnostic[]
}

/** `::error title=bots validate: usage::message (hint: …)`, one line per problem, no summary line. */
export function renderGithubFailure(failure: ValidateFailure): string {
  return failureDiagnostics(failure).map((d) => annotation(d, d.file)).join('\n')
}

/**
 * A JUnit document with one test case in error (not a failure: no spec was checked), so a CI
 * report shows the step as broken with its reason instead of "0 tests".
 */
export function renderJunitFailure(failure: ValidateFailure): string {
  const diagnostics = failureDiagnostics(failure)
  const name = diagnostics.find((d) => d.file)?.file ?? 'bots validate'
  const errors = diagnostics.map((d) => `      <error type="${xml(d.code)}" message="${xml(d.message)}">${xml(describe(d, '').trimStart())}</error>`)
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<testsuites name="bots validate" tests="1" failures="0" errors="1">',
    '  <testsuite name="bots validate" tests="1" failures="0" errors="1" skipped="0">',
    `    <testcase classname="bots.validate" name="${xml(name)}">`,
    ...errors,
    '    </testcase>',
    '  </testsuite>',
    '</testsuites>',
  ].join('\n')
}

/** Every problem of a failure, complete: a bug's error (oclif's `{error: {message, name…}}`) has no code. */
function failureDiagnostics(failure: ValidateFailure): Diagnostic[] {
  const all: Array<Partial<Diagnostic>> = failure.diagnostics?.length ? failure.diagnostics : [failure.error ?? {}]
  return all.map((d) => ({
    ...d,
    severity: d.severity === 'warning' ? 'warning' : 'error',
    code: typeof d.code === 'string' ? d.code : 'internal',
    message: String(d.message ?? 'unknown error'),
    hint: typeof d.hint === 'string' ? d.hint : undefined,
  }))
}

function describe(d: Diagnostic, file: string): string {
  return `${formatLocation({...d, file: d.file ?? file})} ${d.path ?? ''} ${d.message}${d.hint ? `\nhint: ${d.hint}` : ''}`.replace(/  +/g, ' ')
}

function xml(s: string): string {
  // Characters XML 1.0 forbids outright are dropped; the five specials are escaped.
  return s
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
