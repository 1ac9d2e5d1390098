/** What an import did with a file's rows out of the usual order, as `bots data import` and a backtest's first use say it. */
import type {ImportResult} from '../../data/import-types.js'
import {localeNumber as n} from '../../core/fixed-number.js'

export const NEWEST_FIRST = 'the file runs newest first; stored oldest first'

/** What an import did with a file's rows out of the usual order (blocks out of place, a repeated hour), one line each. */
export function orderNotes(f: ImportResult['files'][number], timezone: string): string[] {
  const notes: string[] = []
  if (f.misplaced > 0) notes.push(`${n(f.misplaced)} row${f.misplaced === 1 ? '' : 's'} came in blocks out of the file's time order: kept, and stored in time order`)
  if (f.repeatedHour > 0) notes.push(`${n(f.repeatedHour)} row${f.repeatedHour === 1 ? '' : 's'} of the hour repeated when the clock fell back in ${timezone}: the file's ${f.newestFirst ? 'second' : 'first'} pass of that hour was read as daylight time`)
  return notes
}

/** The same, with a newest-first file said too (for a summary that does not list the file's rows). */
export function importNotes(f: ImportResult['files'][number], timezone: string): string[] {
  return [...(f.newestFirst ? [NEWEST_FIRST] : []), ...orderNotes(f, timezone)]
}
