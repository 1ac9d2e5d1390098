/**
 * Validation of a bot spec as the service sees it: YAML text (from a file or from the `bots`
 * table) → the schema → the strategy and its params, exactly as `bots validate` checks a file.
 * The text is validated as if it still lived at `file`, so relative paths in it (data files,
 * strategy specs) resolve against the folder the spec was added from.
 */
import path from 'node:path'
import type {Diagnostic} from '../core/errors.js'
import type {BotSpec} from '../model/bot-spec.js'
import {parseYamlText} from '../document/load-yaml.js'
import {validateLoaded} from '../spec/validate-spec.js'
import type {Discovery} from '../strategy/discover.js'

export interface SpecCheck {
  valid: boolean
  /** Which check failed: the YAML itself, the bot schema, or the strategy and its params. */
  stage?: 'yaml' | 'schema' | 'strategy'
  diagnostics: Diagnostic[]
  spec?: BotSpec
}

export async function checkSpecText(text: string, file: string, discovery: Discovery): Promise<SpecCheck> {
  const absolute = path.resolve(file)
  const loaded = parseYamlText(file, Buffer.from(text, 'utf8'))
  if (!loaded.ok) return {valid: false, stage: 'yaml', diagnostics: loaded.diagnostics}
  if (loaded.yaml.value.kind === 'strategy') {
    return {valid: false, stage: 'schema', diagnostics: [{severity: 'error', file, line: 1, column: 1, code: 'spec.kind', message: 'this is a strategy spec; a bot needs a bot spec', hint: 'name this strategy from a bot spec with `strategy: {path: …}`'}]}
  }
  const report = await validateLoaded(loaded.yaml, absolute, {discovery})
  const errors = report.diagnostics.filter((d) => d.severity === 'error')
  if (report.valid && report.spec) return {valid: true, diagnostics: report.diagnostics, spec: report.spec}
  // The validator checks the bot schema first and stops there; param problems mean it passed.
  const isParams = (d: Diagnostic) => d.code === 'strategy.unknown' || d.code === 'strategy.params' || (d.path ?? '').startsWith('/strategy/params')
  const stage = errors.some(isParams) ? 'strategy' : 'schema'
  return {valid: false, stage, diagnostics: report.diagnostics}
}

/** The first error as one line, for the `error` column and logs. */
export function firstError(check: SpecCheck): string {
  const d = check.diagnostics.find((x) => x.severity === 'error')
  if (!d) return 'invalid spec'
  const where = d.line === undefined ? '' : `line ${d.line}${d.column === undefined ? '' : `:${d.column}`} `
  const more = check.diagnostics.filter((x) => x.severity === 'error').length - 1
  return `${check.stage ?? 'spec'}: ${where}${d.path ? `${d.path}: ` : ''}${d.message}${more > 0 ? ` (and ${more} more)` : ''}`
}
