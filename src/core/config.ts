/**
 * Project configuration from `bots.config.yaml` in the working folder (optional):
 *
 *   strategies: [./my-strategies, ../shared-strategies]   # extra plugin folders
 *   db: .bots/bots.duckdb                                  # the store
 *   validate: {plugins: false}                             # `bots validate` loads no plugin code
 *
 * Relative paths are relative to the config file.
 */
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {parse} from './yaml.js'
import {BotsError} from './errors.js'

export const CONFIG_FILE = 'bots.config.yaml'

export interface ProjectConfig {
  file?: string
  strategies: string[]
  db?: string
  /** `validate: {plugins: false}`: `bots validate` runs as with --no-plugins unless --plugins is given. */
  validatePlugins?: boolean
}

export function loadProjectConfig(cwd: string = process.cwd()): ProjectConfig {
  const file = path.join(cwd, CONFIG_FILE)
  if (!existsSync(file)) return {strategies: []}
  let raw: unknown
  try {
    raw = parse(readFileSync(file, 'utf8'), {uniqueKeys: true}) ?? {}
  } catch (error) {
    throw new BotsError(`cannot read ${CONFIG_FILE}: ${(error as Error).message.split('\n')[0]}`, {file, code: 'config.invalid'})
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new BotsError(`${CONFIG_FILE} must be a mapping`, {file, code: 'config.invalid'})
  }
  const {strategies = [], db, validate} = raw as {strategies?: unknown; db?: unknown; validate?: unknown}
  const list = typeof strategies === 'string' ? [strategies] : strategies
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) {
    throw new BotsError('`strategies` must be a folder or a list of folders', {file, code: 'config.invalid', path: '/strategies'})
  }
  if (db !== undefined && typeof db !== 'string') throw new BotsError('`db` must be a path', {file, code: 'config.invalid', path: '/db'})
  const validatePlugins = (validate as {plugins?: unknown} | null | undefined)?.plugins
  if ((validate !== undefined && (typeof validate !== 'object' || validate === null || Array.isArray(validate))) || (validatePlugins !== undefined && typeof validatePlugins !== 'boolean')) {
    throw new BotsError('`validate` must be a mapping such as `{plugins: false}`', {file, code: 'config.invalid', path: '/validate'})
  }
  return {
    file,
    validatePlugins,
    strategies: list.map((s) => path.resolve(cwd, s)),
    db: db === undefined ? undefined : path.resolve(cwd, db),
  }
}
