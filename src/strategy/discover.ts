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
}

export interface FolderOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** From `--strategies` flags. */
  extra?: string[]
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
  const registry = new StrategyRegistry()
  registerBuiltIns(registry)
  const problems: DiscoveryProblem[] = []
  for (const folder of folders) {
    let entries: string[]
    try {
      entries = readdirSync(folder).sort()
    } catch (error) {
      problems.push({file: folder, kind: 'folder', message: `cannot read strategy folder (${(error as NodeJS.ErrnoException).code ?? error})`})
      continue
    }
    const files = entries.filter((f) => PLUGIN_FILE.test(f) && !NOT_PLUGIN.test(f)).map((f) => path.join(folder, f))
    const load = (f: string) => {
      const compiled = folder === SHIPPED_STRATEGIES_DIR ? path.join(SHIPPED_COMPILED_DIR, path.basename(f).replace(/\.m?ts$/, '.js')) : undefined
      return compiled && existsSync(compiled) ? loadPluginFile(compiled, true) : loadPluginFile(f)
    }
    const loaded = await Promise.all(files.filter((f) => statSync(f).isFile()).map((f) => load(f).then((d) => ({f, d}), (e: unknown) => ({f, e}))))
    const specFiles = entries.filter((f) => STRATEGY_SPEC_FILE.test(f)).map((f) => path.join(folder, f))
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
  return {registry, folders, problems}
}

function loadErrorMessage(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0]
  return String(error)
}
