/**
 * Specs that name their data file (`data: {source: file, …}`): import each symbol's file into
 * the store on first use, and again only when the file changed. "Changed" means: the latest
 * import of that (symbol, timeframe) was not this file, or the options that shape the bars
 * (columns, time zone, time label…) differ, or its size differs, or its mtime moved and its
 * content hash differs (rsync's quick check: an edit that keeps size and mtime goes unnoticed;
 * hashing every file at every run would cost ~30 ms per 50 MB). A file whose mtime moved but
 * whose bytes did not is not re-imported (its log entry is updated).
 *
 * Each file is kept as its own series (`ORCL@orcl.csv#1f3a9c2e`, see file-series.ts): a re-import
 * replaces that series only, so bars the file no longer has do not linger, and nothing stored from
 * another source (a `bots data import`, another spec's file) is ever touched.
 * Rows breaking the data rules are dropped and returned (`--on-error reject`); the caller
 * (`bots backtest`) decides how loudly to warn. A file whose rows are spaced unlike the
 * timeframe is an error (path `/timeframe`) and nothing is stored (see file-spacing.ts).
 */
import path from 'node:path'
import type {DuckDBConnection} from '@duckdb/node-api'
import {BotsError} from '../core/errors.js'
import type {DataSpec} from '../model/bot-spec.js'
import {checkFileSpacing} from './file-spacing.js'
import {fileSeries} from './file-series.js'
import {hashFile} from './file-hash.js'
import {importFiles, optionsKey, type ImportOptions, type ImportResult} from './import.js'
import {checkFile} from './source.js'
import {withConnection, type Store} from './store.js'
import {toTimeframe} from './timeframe.js'
import {checkTimezone} from './timezone.js'

export interface EnsureResult {
  symbol: string
  /** Where its bars are stored. */
  series: string
  file: string
  action: 'imported' | 'unchanged'
  /** Present when the file was imported (after `written`, when there is one). */
  import?: ImportResult
  /**
   * With `early`, for its symbol's import: settles when the bars are stored and the import is
   * logged (`import` is set then); ensureFileData has returned as soon as they were staged.
   */
  written?: Promise<ImportResult>
  /** When unchanged: rows the earlier import of this file rejected (the store logs the total only). */
  rejected?: number
}

/** See ensureFileData. */
export interface EarlyBars {
  /** The one symbol, the last to import. */
  symbol: string
  /** Reads its bars from the staged rows (`loadStagedBars`), on the import's connection. */
  read: (conn: DuckDBConnection, good: string) => Promise<void>
  /** Reads them before the duplicate and order check, which it may spare (ImportOptions.readStaged). */
  readFirst?: (conn: DuckDBConnection, good: string) => Promise<boolean>
}

/**
 * `early`: when the last symbol's file must be imported, return once it is staged and checked
 * and `early.read` has read it, and let DuckDB store it meanwhile (its result's `written`). The
 * caller must await `written` before it uses the store again or closes it.
 */
export async function ensureFileData(
  store: Store,
  data: DataSpec,
  symbols: string[],
  timeframe: string | number,
  tz: string,
  early?: EarlyBars,
): Promise<EnsureResult[]> {
  if (data.source !== 'file') return []
  const tf = toTimeframe(timeframe)
  // Check every symbol's file before importing any.
  const files = symbols.map((symbol) => {
    const file = data.files[symbol]
    if (file === undefined) {
      throw new BotsError(`the spec's data files name no file for ${symbol}`, {
        code: 'data.file-missing',
        hint: `add it under data.files, e.g. files: {${symbol}: data/${symbol.toLowerCase()}.csv}`,
      })
    }
    const abs = path.resolve(file)
    return {symbol, abs, series: fileSeries(symbol, abs), stat: checkFile(abs)}
  })
  const timezone = await withConnection(store, (conn) => checkTimezone(conn, data.timezone ?? tz))
  // Rows spaced unlike the spec's timeframe (a daily file under `timeframe: 1H`) would be stored
  // and run as bars of the wrong length: an error, for every file before any is stored (and for
  // files already imported too, so a series stored before this check existed is caught).
  for (const {symbol, abs} of files) await checkFileSpacing(store, symbol, abs, data, tf, timezone)
  const out: EnsureResult[] = []
  for (const {symbol, abs, series, stat} of files) {
    const opts: ImportOptions = {
      symbol: series, timeframe: tf.text, timezone, format: data.format, columns: data.columns, timeLabel: data.timeLabel, onError: 'reject',
      replace: true, spacingChecked: true,
    }
    const key = optionsKey(opts, tf.text, timezone)
    const last = await withConnection(store, (conn) => latestImport(conn, series, tf.text))
    if (last && last.path === abs && last.options === key && last.size === stat.size) {
      if (last.mtime === stat.mtimeMs) {
        out.push({symbol, series, file: abs, action: 'unchanged', rejected: last.rejected})
        continue
      }
      const sha = await hashFile(abs)
      if (sha === last.sha256) {
        writable(store, abs)
        await withConnection(store, (conn) => conn.run(`UPDATE imports SET mtime_ms = $m WHERE id = $id`, {m: stat.mtimeMs, id: last.id}))
        out.push({symbol, series, file: abs, action: 'unchanged', rejected: last.rejected})
        continue
      }
    }
    writable(store, abs)
    if (early?.symbol === symbol && symbol === files[files.length - 1].symbol) {
      out.push(await importEarly(store, abs, opts, early, {symbol, series, file: abs, action: 'imported'}))
      continue
    }
    out.push({symbol, series, file: abs, action: 'imported', import: await importFiles(store, [abs], opts)})
  }
  return out
}

async function importEarly(store: Store, file: string, opts: ImportOptions, early: EarlyBars, entry: EnsureResult): Promise<EnsureResult> {
  let staged!: () => void
  const read = new Promise<void>((resolve) => (staged = resolve))
  entry.written = importFiles(store, [file], {
    ...opts,
    readStaged: early.readFirst,
    onStaged: async (conn, good) => {
      await early.read(conn, good[0])
      staged()
    },
  }).then((r) => (entry.import = r))
  entry.written.catch(() => {}) // the caller awaits it; a failure must not go unhandled meanwhile
  // A failure while staging or reading rejects `written` before `read` resolves.
  await Promise.race([read, entry.written])
  return entry
}

interface LastImport {
  id: number
  path: string
  size: number
  mtime: number
  sha256: string
  options: string
  rejected: number
}

async function latestImport(conn: DuckDBConnection, symbol: string, timeframe: string): Promise<LastImport | undefined> {
  const r = await conn.runAndReadAll(
    `SELECT id::DOUBLE AS id, path, size::DOUBLE AS size, mtime_ms AS mtime, sha256, options, rows_rejected::DOUBLE AS rejected FROM imports
     WHERE symbol = $symbol AND timeframe = $timeframe ORDER BY id DESC LIMIT 1`,
    {symbol, timeframe},
  )
  const row = r.getRowObjectsJS()[0]
  return row && {id: Number(row.id), path: String(row.path), size: Number(row.size), mtime: Number(row.mtime), sha256: String(row.sha256), options: String(row.options), rejected: Number(row.rejected)}
}

function writable(store: Store, file: string): void {
  if (store.readOnly) throw new Error(`bug: ${file} must be (re)imported, but the store was opened read-only; open it read-write for ensureFileData`)
}
