/**
 * Where a backtest's HTML report goes. By default, beside the results store: `<store folder>/reports/
 * <spec name>-run<id>.html` (`.bots/reports/orcl-sma-cross-run3.html` for the default store), a
 * folder created on first use. A store not named `bots.duckdb` puts its name in too
 * (`reports/orcl-sma-cross-a-run1.html` for `a.duckdb`): run ids are a store's own, so two stores
 * in one folder wrote each other's reports over (found by an audit). A path given with `--report` must be in a folder that exists: a
 * typo must not quietly create a tree of folders.
 */
import {statSync} from 'node:fs'
import path from 'node:path'
import {BotsError} from '../core/errors.js'
import {displayPath, shellWord} from '../core/shown-path.js'

export {displayPath, shellWord}

/** The default report file of recorded run `runId` of spec `name`, in the folder of `storePath`. */
export function defaultReportPath(storePath: string, name: string, runId: number): string {
  const slug = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '')
  const store = path.basename(storePath).replace(/\.duckdb$/i, '')
  const which = store === 'bots' || slug(store) === '' ? '' : `-${slug(store)}`
  return path.join(path.dirname(path.resolve(storePath)), 'reports', `${slug(name) || 'backtest'}${which}-run${runId}.html`)
}

/**
 * Refuse a `--report` path whose folder does not exist (or is not a folder), or that is a folder
 * itself (found only after the run otherwise, when the finished page cannot replace it); returns
 * the absolute path.
 */
export function checkReportPath(file: string): string {
  const target = path.resolve(file)
  const folder = path.dirname(target)
  if (isDirectory(target)) {
    throw new BotsError(`--report ${file}: that is a folder; the report is one HTML file`, {
      code: 'report.folder',
      hint: `give a file path, such as ${JSON.stringify(path.join(file, 'report.html'))}`,
    })
  }
  if (!isDirectory(folder)) {
    throw new BotsError(`--report ${file}: the folder ${folder} does not exist`, {
      code: 'report.folder',
      hint: `create it first (mkdir -p ${JSON.stringify(folder)}) or give a path in an existing folder; without --report the report goes beside the store`,
    })
  }
  return target
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}


/**
 * `bots runs show N`, with `--db` when the store is not the one the command would find by itself
 * (a hint without it answered "no run with id N"), the path quoted for a shell when it needs it
 * (a path with a space pasted as printed split into two arguments). Found by an audit.
 */
export function runsShowCommand(runId: number, store: string | undefined, defaultStore: string): string {
  const db = store !== undefined && path.resolve(store) !== path.resolve(defaultStore) ? ` --db ${shellWord(displayPath(store))}` : ''
  return `bots runs show ${runId}${db}`
}


/**
 * Refuse an `--out` folder path that is a file (found only after the run was recorded otherwise,
 * as a raw EEXIST); returns the absolute path. The folder itself is created when it is written.
 */
export function checkOutPath(dir: string): string {
  const target = path.resolve(dir)
  let isFile = false
  try {
    isFile = !statSync(target).isDirectory()
  } catch {
    return target // not there yet: created with the files
  }
  if (isFile) {
    throw new BotsError(`--out ${dir}: that is a file; --out names a folder for the trades and equity files`, {
      code: 'results.out',
      file: target,
      hint: 'give --out a folder (it is created if it does not exist), e.g. --out results/',
    })
  }
  return target
}
