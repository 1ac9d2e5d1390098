/**
 * `bots strategies show …` for a hint: by name, or for a strategy a bot names by `strategy.path`,
 * by that path (relative to the working folder when under it): its name alone is found in no
 * strategy folder, so the hint failed with "unknown strategy" (found by an audit).
 */
import path from 'node:path'

export function strategyShowCommand(name: string, specPath?: string): string {
  if (specPath === undefined) return `bots strategies show ${name}`
  const rel = path.relative(process.cwd(), specPath)
  const shown = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : specPath
  return `bots strategies show ${/^[A-Za-z0-9_./:@%+=,-]+$/.test(shown) ? shown : `'${shown.replaceAll("'", `'\\''`)}'`}`
}
