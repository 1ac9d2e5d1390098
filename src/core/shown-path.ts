/** Paths in messages and hints: as the user would type them, and as one word a shell can take. */
import path from 'node:path'

/** A path as the user would type it: relative to the working folder when inside it. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, file)
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file
}

/** `word` as one shell word: as it is when it holds only safe characters, else in single quotes. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`
}
