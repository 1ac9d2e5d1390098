/**
 * DuckDB's errors in words a user can act on. The one that matters most: another process holds
 * the file (DuckDB allows one writer, or many readers and no writer, per file).
 */
import {BotsError} from '../core/errors.js'

const LOCK_RE = /Could not set lock on file/i
const PID_RE = /\(PID (\d+)\)/

export function isLockError(e: unknown): boolean {
  return e instanceof Error && LOCK_RE.test(e.message)
}

/** Turn an error from opening `file` into a BotsError when it is the user's to fix; else return it unchanged. */
export function storeOpenError(e: unknown, file: string, readOnly: boolean): unknown {
  if (!(e instanceof Error)) return e
  if (isLockError(e)) {
    const pid = PID_RE.exec(e.message)?.[1]
    const who = pid ? `another bots process (PID ${pid})` : 'another process'
    return new BotsError(`${who} holds the store ${file}${readOnly ? '' : ' and it cannot be opened for writing'}`, {
      code: 'store.locked',
      file,
      hint:
        'wait for that process to finish (an import, a backtest, `bots live`), stop it, ' +
        'or point this command at another store with --db PATH or BOTS_DB',
    })
  }
  if (/not a valid DuckDB database file|Unable to open database|database does not exist|Permission denied/i.test(e.message)) {
    return new BotsError(`cannot open the store ${file}: ${firstLine(e.message)}`, {
      code: 'store.open',
      file,
      hint: 'check the path given with --db or BOTS_DB (it must be a DuckDB file, or not exist yet)',
    })
  }
  return e
}

function firstLine(s: string): string {
  return s.split('\n')[0].replace(/^[A-Za-z ]+Error: /, '')
}
