/**
 * The whole check of one spec file, as `bots validate` and every command that reads a spec run
 * it: YAML → schema (bot or strategy, by `kind`) → semantic checks → the named strategy exists
 * and its params pass its own schema and rules. Never throws for bad input.
 */
import path from 'node:path'
import {BotsError, formatLocation, isBotsError, type Diagnostic} from '../core/errors.js'
import {StrategyRegistry} from '../strategy/registry.js'
import type {Discovery} from '../strategy/discover.js'
import {checkBot} from './bot-checks.js'
import {loadExchangeCatalog, needsExchangeCatalog} from './exchange-checks.js'
import {toBotSpec, toStrategyBot} from './bot-spec.js'
import type {BotSpec} from '../model/bot-spec.js'
import {loadYamlFile, type LoadedYaml} from '../document/load-yaml.js'
import {locate, pathToPointer, pointerToPath} from '../document/locate.js'
import {strategyShowCommand} from '../strategy/show-hint.js'
import type {Located} from '../document/schema-validator.js'
import {schemaProblems} from './precompiled-schemas.js'

export type SpecKind = 'bot' | 'strategy'

export interface SpecReport {
  file: string
  kind?: SpecKind
  valid: boolean
  diagnostics: Diagnostic[]
  /** The typed spec, when a bot spec is valid. */
  spec?: BotSpec
}

export interface ValidateOptions {
  discovery: Discovery
}

export async function validateSpecFile(file: string, opts: ValidateOptions): Promise<SpecReport> {
  const absolute = path.resolve(file)
  let loaded: Awaited<ReturnType<typeof loadYamlFile>>
  try {
    loaded = await loadYamlFile(absolute)
  } catch (error) {
    if (!isBotsError(error)) throw error
    return report(file, undefined, error.diagnostics.map((d) => ({...d, file, line: d.line ?? 1, column: d.column ?? 1})))
  }
  if (!loaded.ok) return report(file, undefined, loaded.diagnostics.map((d) => ({...d, file})))
  return validateLoaded({...loaded.yaml, file}, absolute, opts)
}

/**
 * Never throws a BotsError: a check that throws one (a value the schema accepts but a semantic
 * check rejects, a plugin whose params schema does not compile…) becomes a located diagnostic of
 * this file, so a batch (`bots validate a.yaml b.yaml`) still reports every file. Anything else
 * thrown is a bug and propagates.
 */
export async function validateLoaded(yaml: LoadedYaml, absolute: string, opts: ValidateOptions): Promise<SpecReport> {
  try {
    return await validateLoadedUnguarded(yaml, absolute, opts)
  } catch (error) {
    if (!isBotsError(error)) throw error
    const where: Located = {file: yaml.file, doc: yaml.doc, lineCounter: yaml.lineCounter}
    const kind: SpecKind = yaml.value.kind === 'strategy' ? 'strategy' : 'bot'
    return report(yaml.file, kind, error.diagnostics.map((d) => locateThrown(d, where)))
  }
}

/**
 * A diagnostic thrown from a check, placed in the spec: at its own position when it has one in
 * this file, else at its JSON path (when the error names one), else at the top of the document.
 * One from another file (a plugin) keeps that file's location in its message.
 */
export function locateThrown(d: Diagnostic, where: Located): Diagnostic {
  if (d.file === where.file && d.line !== undefined && d.column !== undefined) return d
  const elsewhere = d.file !== undefined && d.file !== where.file ? `${formatLocation(d)}: ` : ''
  const at = d.path ? pointerToPath(d.path) : []
  const pos = locate(where.doc, where.lineCounter, at)
  return {severity: d.severity, file: where.file, line: pos.line, column: pos.column, path: d.path, code: d.code, message: elsewhere + d.message, hint: d.hint}
}

async function validateLoadedUnguarded(yaml: LoadedYaml, absolute: string, opts: ValidateOptions): Promise<SpecReport> {
  const where: Located = {file: yaml.file, doc: yaml.doc, lineCounter: yaml.lineCounter}
  const kind: SpecKind = yaml.value.kind === 'strategy' ? 'strategy' : 'bot'
  const structural = await schemaProblems(kind, yaml.value, where)
  if (structural.length > 0) return report(yaml.file, kind, structural)
  if (kind === 'strategy') {
    const {checkStrategySpec} = await import('../rules/strategy-spec.js')
    return report(yaml.file, kind, checkStrategySpec(yaml.value, where))
  }

  if (needsExchangeCatalog(yaml.value)) await loadExchangeCatalog() // ccxt (slow to load) only for specs with live.exchange
  const diagnostics = checkBot(yaml.value, where)
  const strategy = await strategyFor(yaml.value, absolute, where, opts.discovery, diagnostics)
  if (strategy) diagnostics.push(...(await checkStrategy(yaml.value, where, strategy, opts.discovery)))
  if (strategy) diagnostics.push(...(await strategySpecStops(yaml.value, where, strategy)))
  const result = report(yaml.file, kind, diagnostics)
  if (result.valid && strategy && strategy.registry.has(strategy.name)) result.spec = withValidatedParams(toBotSpec(yaml.value, absolute), strategy)
  return result
}

/** A strategy name and the registry that validates its params. */
interface NamedStrategy {
  name: string
  registry: StrategyRegistry
}

/**
 * The bot's strategy: by `name` from discovery; by `path`, the strategy spec that path names, in
 * a registry of its own (the spec's own errors are reported at /strategy/path).
 */
async function strategyFor(raw: Record<string, any>, absolute: string, where: Located, discovery: Discovery, out: Diagnostic[]): Promise<NamedStrategy | undefined> {
  const strategyPath = raw.strategy?.path
  if (typeof strategyPath !== 'string') return typeof raw.strategy?.name === 'string' ? {name: raw.strategy.name, registry: discovery.registry} : undefined
  if (out.some((d) => d.path === '/strategy/path' || d.path === '/strategy')) return undefined
  const {loadStrategySpec} = await import('../rules/strategy-spec.js')
  const file = path.resolve(path.dirname(absolute), strategyPath)
  const loaded = await loadStrategySpec(file)
  if (!loaded.definition) {
    const first = loaded.diagnostics.find((d) => d.severity === 'error')
    const pos = locate(where.doc, where.lineCounter, ['strategy', 'path'])
    const count = loaded.diagnostics.filter((d) => d.severity === 'error').length
    out.push({
      severity: 'error', file: where.file, line: pos.line, column: pos.column, path: '/strategy/path', code: 'strategy.spec_invalid',
      message: `strategy spec ${strategyPath} is invalid (${count} problem${count === 1 ? '' : 's'}): ${first ? `${formatLocation(first)} ${first.message}` : 'see its errors'}`,
      hint: `run \`bots validate ${strategyPath}\``,
    })
    return undefined
  }
  const registry = new StrategyRegistry()
  registry.register(loaded.definition, file)
  return {name: loaded.definition.name, registry}
}

/**
 * An exchange bot whose strategy spec (by name or path) has a stop: the warning inline `rules`
 * params get from checkExchange (`exchange.watched_stop`), for the rules the bot's params make.
 */
async function strategySpecStops(raw: Record<string, any>, where: Located, {name, registry}: NamedStrategy): Promise<Diagnostic[]> {
  if (raw.live?.broker?.type !== 'exchange' || raw.strategy?.name === 'rules' || !registry.has(name)) return []
  const {rulesResolver} = await import('../rules/rules-definition.js')
  const resolve = rulesResolver(registry.get(name).definition)
  if (resolve === undefined) return []
  const {strategySpecWatchedStops} = await import('./exchange-checks.js')
  const out: Diagnostic[] = []
  strategySpecWatchedStops(raw, resolve((raw.strategy.params ?? {}) as Record<string, unknown>).rules as unknown as Record<string, unknown>, (severity, p, code, message, hint) => {
    const pos = locate(where.doc, where.lineCounter, p)
    out.push({severity, file: where.file, line: pos.line, column: pos.column, path: pathToPointer(p), code, message, hint})
  })
  return out
}

/** Validate a file and return its typed spec, or throw a BotsError carrying every problem. */
export async function loadBotSpec(file: string, opts: ValidateOptions): Promise<{spec: BotSpec; warnings: Diagnostic[]}> {
  const r = await validateSpecFile(file, opts)
  if (r.kind === 'strategy') throw new BotsError('this is a strategy spec; commands that run a bot need a bot spec', {file, code: 'spec.kind', hint: 'name this strategy from a bot spec with `strategy: {path: …}`'})
  if (!r.valid || !r.spec) throw new SpecInvalidError(r)
  return {spec: r.spec, warnings: r.diagnostics.filter((d) => d.severity === 'warning')}
}

/** A spec with errors: the first one is the headline, all of them are kept for rendering. */
export class SpecInvalidError extends BotsError {
  constructor(readonly report: SpecReport) {
    const errors = report.diagnostics.filter((d) => d.severity === 'error')
    super(errors.length > 1 ? `${errors[0].message} (and ${errors.length - 1} more problems)` : errors[0].message, errors[0], report.diagnostics)
  }
}

async function checkStrategy(raw: Record<string, any>, where: Located, {name, registry}: NamedStrategy, discovery: Discovery): Promise<Diagnostic[]> {
  const {problems} = discovery
  if (!registry.has(name)) {
    const pos = locate(where.doc, where.lineCounter, ['strategy', 'name'])
    if (discovery.skipped !== undefined && registry === discovery.registry) return [uncheckedStrategy(name, where, discovery)]
    const failed = problems.find((p) => p.kind === 'load' && path.parse(p.file).name === name)
    return [{
      severity: 'error', file: where.file, line: pos.line, column: pos.column, path: '/strategy/name', code: 'strategy.unknown',
      message: failed ? `strategy "${name}" failed to load from ${failed.file}: ${failed.message}` : `unknown strategy "${name}"`,
      hint: failed ? 'fix the plugin file; `bots strategies list` shows every load failure' : registry.unknownHint(name),
    }]
  }
  const params = (raw.strategy.params ?? {}) as Record<string, unknown>
  let paramProblems: ReturnType<StrategyRegistry['validateParams']>['problems']
  try {
    paramProblems = registry.validateParams(name, params, toStrategyBot(raw)).problems
  } catch (error) {
    // E.g. a plugin whose params schema ajv cannot compile: a problem of this spec's strategy.
    if (!isBotsError(error)) throw error
    const at = raw.strategy.path === undefined ? ['strategy', 'name'] : ['strategy', 'path']
    const pos = locate(where.doc, where.lineCounter, at)
    const source = registry.get(name).source
    const hint = error.hint ?? `fix the strategy's definition${source === 'built-in' ? '' : ` in ${source}`}; \`bots strategies list\` shows what was found`
    return [{severity: 'error', file: where.file, line: pos.line, column: pos.column, path: pathToPointer(at), code: error.diagnostic.code, message: error.message, hint}]
  }
  const out: Diagnostic[] = []
  const fromAjv = paramProblems.filter((p) => p.ajv).map((p) => p.ajv!)
  if (fromAjv.length > 0) {
    // Loaded only for params that fail: it brings ajv, which a valid spec never needs.
    const {ajvErrorsToDiagnostics} = await import('../document/schema-validator.js')
    const show = strategyShowCommand(name, raw.strategy.path === undefined ? undefined : path.resolve(path.dirname(where.file), raw.strategy.path))
    out.push(...ajvErrorsToDiagnostics(fromAjv, where, ['strategy', 'params'], params).map((d) => ({...d, hint: d.hint ?? `see \`${show}\``})))
  }
  if (fromAjv.length === 0 && name === 'rules') {
    // The inline rules strategy: locate each problem inside its expression string. Run even when
    // check() found nothing: it also checks higher timeframes against the bot's own `timeframe:`,
    // which params alone cannot know.
    const {validateRules} = await import('../rules/validate-rules.js')
    out.push(...validateRules(params, where, ['strategy', 'params']))
    return out
  }
  for (const p of paramProblems.filter((q) => !q.ajv)) {
    const at = p.param ? ['strategy', 'params', p.param] : ['strategy', 'params']
    const pos = locate(where.doc, where.lineCounter, at)
    out.push({severity: 'error', file: where.file, line: pos.line, column: pos.column, path: pathToPointer(at), code: 'strategy.params', message: p.message, hint: p.hint})
  }
  return out
}

/**
 * `bots validate --no-plugins`: a strategy that is neither built in nor shipped with bots may come
 * from a plugin that was not loaded, so its params are unchecked: a warning, not an error (and not
 * one `--strict` fails on). Whether the name exists at all is unknown too, and the hint says so.
 */
function uncheckedStrategy(name: string, where: Located, discovery: Discovery): Diagnostic {
  const pos = locate(where.doc, where.lineCounter, ['strategy', 'name'])
  const file = discovery.skipped!.find((f) => path.parse(f).name === name)
  return {
    severity: 'warning', file: where.file, line: pos.line, column: pos.column, path: '/strategy/name', code: UNCHECKED_STRATEGY,
    message: `strategy "${name}" is unchecked (plugins not loaded, --no-plugins): its params are not validated`,
    hint: file
      ? `it likely comes from the plugin ${file}; \`bots validate\` without --no-plugins (on a trusted branch) checks its params`
      : `it is not built in and no plugin file is named ${name}, so it may also be unknown or misspelt (${discovery.registry.unknownHint(name)}); \`bots validate\` without --no-plugins (on a trusted branch) checks it`,
  }
}

/** The code of the --no-plugins notice; `--strict` does not fail on it. */
export const UNCHECKED_STRATEGY = 'strategy.unchecked'

function withValidatedParams(spec: BotSpec, {name, registry}: NamedStrategy): BotSpec {
  const {params} = registry.validateParams(name, spec.strategy.params, spec)
  return {...spec, strategy: {...spec.strategy, params}}
}

function report(file: string, kind: SpecKind | undefined, diagnostics: Diagnostic[]): SpecReport {
  return {file, kind, valid: !diagnostics.some((d) => d.severity === 'error'), diagnostics}
}
