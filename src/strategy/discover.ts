/**
 * Plugin discovery. Folders, in order: the strategies shipped with bots, `./strategies` in the
 * working folder, `BOTS_STRATEGIES` (a path list), `strategies:` in bots.config.yaml, and
 * `--strategies` flags. Every plugin file (.ts/.js) and strategy spec (.yaml) in them is loaded; a
 * file that fails to load is reported, not thrown, so one broken plugin does not hide the others.
 */
import {existsSync, readdirSync, statSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {isBotsError} from '../core/errors.js'
import {loadProjectConfig} from '../core/config.js'
import {loadPluginFile} from './load-plugin.js'
import {StrategyRegistry} from './registry.js'
import {registerBuiltIns} from './built-ins.js'
import type {StrategyDefinition} from '../model/strategy.js'

export const SHIPPED_STRATEGIES_DIR = fileURLToPath(new URL('../../strategies/', import.meta.url))
/** The shipped strategies as compiled by the build (dist/strategies); absent when running from src. */
const SHIPPED_COMPILED_DIR = fileURLToPath(new URL('../strategies/', import.meta.url))

const PLUGIN_FILE = /^[^._].*\.(ts|mts|js|mjs)$/
/** Strategy specs (`kind: strategy` YAML) found beside plugins. */
const STRATEGY_SPEC_FILE = /^[^._].*\.ya?ml$/
const NOT_PLUGIN = /\.(d\.ts|d\.mts|test\.[mc]?[tj]s|spec\.[mc]?[tj]s)$/

export interface DiscoveryProblem {
  file: string
  message: string
  /** `load` when the file could not be imported; `duplicate` when its name was taken. */
  kind: 'load' | 'duplicate' | 'folder'
}

export interface Discovery {
  registry: StrategyRegistry
  folders: string[]
  problems: DiscoveryProblem[]
  /** Plugin files found but not loaded (`plugins: 'none'`): their strategies are unknown here. */
  skipped?: string[]
}

/** The outcome of loading one plugin file: its definition, or why it could not be loaded. */
export type PluginLoad = {f: string; d: StrategyDefinition} | {f: string; e: unknown}

/**
 * How users' plugin files (not the strategies shipped with bots) are loaded: imported in this
 * process (the default; commands that run strategies need their factories), by a given loader
 * (discover-isolated.ts: a worker with a time limit), or not at all (`none`: no plugin code runs).
 */
export type PluginMode = 'in-process' | 'none' | ((files: string[]) => Promise<PluginLoad[]>)

export interface FolderOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** From `--strategies` flags. */
  extra?: string[]
  plugins?: PluginMode
}

export function strategyFolders(opts: FolderOptions = {}): string[] {
  const cwd = opts.cwd ?? process.cwd()
  const env = opts.env ?? process.env
  const folders = [SHIPPED_STRATEGIES_DIR]
  const local = path.join(cwd, 'strategies')
  if (existsSync(local)) folders.push(local)
  for (const p of (env.BOTS_STRATEGIES ?? '').split(path.delimiter).filter(Boolean)) folders.push(path.resolve(cwd, p))
  folders.push(...loadProjectConfig(cwd).strategies)
  for (const p of opts.extra ?? []) folders.push(path.resolve(cwd, p))
  // The same folder reached twice (e.g. running inside the bots repo) is loaded once.
  return [...new Set(folders.map((f) => path.resolve(f) + path.sep))]
}

export async function discoverStrategies(opts: FolderOptions = {}): Promise<Discovery> {
  const folders = strategyFolders(opts)
  const mode = opts.plugins ?? 'in-process'
  const registry = new StrategyRegistry()
  registerBuiltIns(registry)
  const problems: DiscoveryProblem[] = []
  // First every folder's files, then the users' plugins loaded in one go (one worker when
  // isolated), then registration in folder order, so the first of two equal names wins as before.
  const listed: Array<{folder: string; plugins: string[]; specs: string[]}> = []
  for (const folder of folders) {
    let entries: string[]
    try {
      entries = readdirSync(folder).sort()
    } catch (error) {
      problems.push({file: folder, kind: 'folder', message: `cannot read strategy folder (${(error as NodeJS.ErrnoException).code ?? error})`})
      continue
    }
    const plugins = entries.filter((f) => PLUGIN_FILE.test(f) && !NOT_PLUGIN.test(f)).map((f) => path.join(folder, f)).filter((f) => statSync(f).isFile())
    listed.push({folder, plugins, specs: entries.filter((f) => STRATEGY_SPEC_FILE.test(f)).map((f) => path.join(folder, f))})
  }
  const shipped = (folder: string) => folder === SHIPPED_STRATEGIES_DIR
  const userFiles = listed.filter((l) => !shipped(l.folder)).flatMap((l) => l.plugins)
  const loadInProcess = (f: string): Promise<PluginLoad> => loadPluginFile(f).then((d) => ({f, d}), (e: unknown) => ({f, e}))
  const userLoads = new Map<string, PluginLoad>()
  if (mode === 'in-process') for (const l of await Promise.all(userFiles.map(loadInProcess))) userLoads.set(l.f, l)
  else if (mode !== 'none') for (const l of await mode(userFiles)) userLoads.set(l.f, l)

  for (const {folder, plugins, specs: specFiles} of listed) {
    const loadShipped = (f: string): Promise<PluginLoad> => {
      const t = pluginLoadTarget(f) ?? {file: f, native: false, shipped: true}
      return loadPluginFile(t.file, t.native).then((d) => ({f, d}), (e: unknown) => ({f, e}))
    }
    const loaded = shipped(folder) ? await Promise.all(plugins.map(loadShipped)) : plugins.flatMap((f) => userLoads.get(f) ?? [])
    // The YAML and rules machinery loads only for a folder that holds a strategy spec.
    const specs = specFiles.length > 0 ? await (await import('./discover-specs.js')).loadStrategySpecs(specFiles) : {found: [], problems: []}
    for (const p of specs.problems) problems.push({file: p.file, kind: 'load', message: p.message})
    for (const item of [...loaded, ...specs.found.map(({file, definition}) => ({f: file, d: definition}))]) {
      if ('e' in item) {
        problems.push({file: item.f, kind: 'load', message: loadErrorMessage(item.e)})
        continue
      }
      try {
        registry.register(item.d, item.f)
      } catch (error) {
        if (!isBotsError(error)) throw error
        problems.push({file: item.f, kind: 'duplicate', message: error.message})
      }
    }
  }
  return mode === 'none' ? {registry, folders, problems, skipped: userFiles} : {registry, folders, problems}
}

/**
 * How to load the plugin a registry entry came from (`source`), again, elsewhere (a strategy
 * worker): a shipped strategy from its compiled file when there is one, else the file itself.
 * Undefined for sources that are not plugin code (built-ins, strategy specs).
 */
export function pluginLoadTarget(source: string): {file: string; native: boolean; shipped: boolean} | undefined {
  if (!PLUGIN_FILE.test(path.basename(source)) || !path.isAbsolute(source)) return undefined
  const shipped = path.resolve(path.dirname(source)) + path.sep === SHIPPED_STRATEGIES_DIR
  if (shipped) {
    const compiled = path.join(SHIPPED_COMPILED_DIR, path.basename(source).replace(/\.m?ts$/, '.js'))
    if (existsSync(compiled)) return {file: compiled, native: true, shipped}
  }
  return {file: source, native: false, shipped}
}

function loadErrorMessage(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0]
  return String(error)
}
