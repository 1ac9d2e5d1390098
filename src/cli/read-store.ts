/**
 * `--db` for the commands that only read the store (`data list`, `data show`, `runs …`). Opening
 * a store creates it when it does not exist, which suits the writing commands (an import, a
 * backtest); a read of a mistyped --db then made an empty store file there and reported no runs
 * or no data, as if the store were empty. A path given with --db must name an existing store;
 * so must BOTS_DB's and the default one for the reading commands (`mustExist`, store-errors.ts):
 * they said "no runs" after creating an empty store in a fresh folder (found by an audit).
 */
import {existsSync} from 'node:fs'
import {BotsError} from '../core/errors.js'
import {displayPath} from '../core/shown-path.js'
import {resolveStorePath} from '../data/store-path.js'

/** `db` (the --db flag) as the store to read, once it is known to exist; a BotsError naming it otherwise. */
export function existingStore(db: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (db === undefined || db.trim() === '' || db === ':memory:') return db
  const file = resolveStorePath(db, env)
  if (existsSync(file)) return db
  const fallback = resolveStorePath(undefined, env)
  const which = env.BOTS_DB?.trim() ? 'BOTS_DB' : 'the default'
  throw new BotsError(`no store at ${displayPath(file)}`, {
    code: 'store.missing',
    file,
    hint:
      `check the path given with --db; without --db the store is ${displayPath(fallback)} (${which}${existsSync(fallback) ? '' : ', not created yet'}). ` +
      'Reading never creates a store: `bots data import` and `bots backtest` do',
  })
}
