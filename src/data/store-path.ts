/**
 * Where the store lives: `--db PATH`, else the `BOTS_DB` environment variable, else
 * `.bots/bots.duckdb` under the working folder. Relative paths resolve against the working folder.
 */
import path from 'node:path'

export const DEFAULT_STORE_FILE = path.join('.bots', 'bots.duckdb')

export function resolveStorePath(flag?: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const chosen = nonEmpty(flag) ?? nonEmpty(env.BOTS_DB) ?? DEFAULT_STORE_FILE
  return path.resolve(cwd, chosen)
}

function nonEmpty(s: string | undefined): string | undefined {
  return s !== undefined && s.trim() !== '' ? s : undefined
}
