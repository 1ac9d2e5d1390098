/**
 * DuckDB's errors in words a user can act on. The one that matters most: another process holds
 * the file (DuckDB allows one writer, or many readers and no writer, per file).
 */
import {existsSync} from 'node:fs'
import {BotsError} from '../core/errors.js'
import {displayPath} from '../core/shown-path.js'
import {resolveStorePath} from './store-path.js'

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

/** What a command that only reads would find in the store: named when there is no store yet. */
export type StoreContent = 'runs' | 'data' | 'bots'

const NOTHING_YET: Record<StoreContent, {nothing: string; creates: string}> = {
  runs: {nothing: 'no runs recorded yet', creates: '`bots backtest SPEC` records a run and creates the store (so does `bots data import`)'},
  data: {nothing: 'no data imported yet', creates: '`bots data import FILE --symbol S` imports bars and creates the store'},
  bots: {nothing: 'no bots added yet', creates: '`bots add SPEC --user-id N` adds a bot and creates the store'},
}

/**
 * The store a reading command is about to open (`flag`: its --db) must exist: reading never
 * creates a store, with --db, with BOTS_DB or with the default `.bots/bots.duckdb` alike (a read
 * of a mistyped --db made an empty store there and reported no runs, as if the store were empty;
 * without --db, a read left a 1.3 MB empty store behind in any folder it ran in). Without --db,
 * the error says that nothing was recorded, imported or added yet, and which command creates the
 * store; with --db, that the path may be wrong and which store a command reads without it.
 */
export function assertStoreExists(flag: string | undefined, content: StoreContent, env: NodeJS.ProcessEnv = process.env): void {
  if (flag === ':memory:') return
  const file = resolveStorePath(flag, env)
  if (existsSync(file)) return
  const {nothing, creates} = NOTHING_YET[content]
  const byEnv = env.BOTS_DB !== undefined && env.BOTS_DB.trim() !== ''
  if (flag !== undefined && flag.trim() !== '') {
    const fallback = resolveStorePath(undefined, env)
    throw new BotsError(`no store at ${displayPath(file)}`, {
      code: 'store.missing',
      file,
      hint:
        `check the path given with --db; without --db the store is ${displayPath(fallback)} (${byEnv ? 'BOTS_DB' : 'the default'}${existsSync(fallback) ? '' : ', not created yet'}). ` +
        `This command never creates a store: ${creates}`,
    })
  }
  throw new BotsError(byEnv ? `${nothing}: there is no store at ${displayPath(file)} (BOTS_DB)` : `${nothing}: this folder has no store (${displayPath(file)})`, {
    code: 'store.missing',
    file,
    hint: `${creates}; this command never creates one. ${byEnv ? 'Check BOTS_DB if it should name an existing store' : 'To read a store elsewhere, give --db PATH or set BOTS_DB'}`,
  })
}
