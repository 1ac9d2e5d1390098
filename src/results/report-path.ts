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

/** A path as the user would type it: relative to the working folder when inside it. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, file)
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file
}
