/**
 * `importFiles`: CSV or Parquet files → checked bars in the store, for one symbol and timeframe.
 * All files go in one transaction: an import that fails (or is killed) leaves the store as it was.
 * Re-importing overlapping data replaces the stored bars (upsert). The work is SQL inside DuckDB.
 */
import path from 'node:path'
import type {DuckDBConnection, DuckDBValue} from '@duckdb/node-api'
import {BotsError} from '../core/errors.js'
import {findSeries} from './bar-series.js'
import {resolveColumns, type ColumnRoles} from './columns.js'
import {detectSpacing, SAMPLE_ROWS} from './detect-timeframe.js'
import {goodRows, goodRowsInFileOrder, OutOfOrder, settleOrder, stageFile, writeStaged, type ImportContext, type StagedFile} from './import-file.js'
import {OrderChecks} from './order-checks.js'
import {attachStage, stageTables} from './stage.js'
import {StagedReader} from './staged-reader.js'
import type {FileImportResult, ImportOptions, ImportResult} from './import-types.js'
import {checkFile, compactDateFormat, describeSource, detectFormat, sourceSql, type FileFormat, type SourceInfo} from './source.js'
import {inTransaction, releaseConnection, type Store} from './store.js'
import {gridPhase, phasedGrid, timeSql, type TimeParseOptions} from './time-expr.js'
import {appendingInOrder, type SeriesSlot} from './upsert.js'
import {toTimeframe, type Timeframe} from './timeframe.js'
import {checkTimezone} from './timezone.js'

export * from './import-types.js'

/** A spacing shown by at least this share of the sampled steps is the file's (import.ts, the overlap check). */
const CLEAR_SPACING = 0.5

export interface FilePlan {
  file: string
  format: FileFormat
  info: SourceInfo
  roles: ColumnRoles
  /** strptime format for this file's times: --datetime-format, or one recognised from the data. */
  timeFormat?: string
  size: number
  mtimeMs: number
}

export async function importFiles(store: Store, files: string[], opts: ImportOptions): Promise<ImportResult> {
  const started = performance.now()
  if (store.readOnly) throw new Error('bug: importFiles needs a store opened read-write')
  if (files.length === 0) throw new BotsError('no files to import', {code: 'data.no-files'})
  const symbol = checkSymbol(opts.symbol)
  const onError = opts.onError ?? 'reject'
  const timeLabel = opts.timeLabel ?? 'open'
  const conn = await store.connect()
  const tables = stageTables(files.length)
  let checks: OrderChecks | undefined
  let checkConn: DuckDBConnection | undefined
  let reader: StagedReader | undefined
  try {
    await attachStage(conn)
    const timezone = await checkTimezone(conn, opts.timezone ?? 'UTC')
    // Session zone = import zone: DuckDB then reads naive times as local wall-clock time.
    // The name was checked against DuckDB's own list, so it holds no quote.
    await conn.run(`SET TimeZone = '${timezone}'`)
    const plans: FilePlan[] = []
    for (const f of files) plans.push(await planFile(conn, path.resolve(f), opts))
    const params = (p: FilePlan): Record<string, DuckDBValue> =>
      p.timeFormat === undefined ? {file: p.file} : {file: p.file, fmt: p.timeFormat}
    const timeOpts = {epochUnit: opts.epochUnit, timeLabel}
    const warnings: string[] = []
    for (const p of plans) {
      const volumeLike = p.roles.volume ? [] : p.info.columns.filter((c) => /vol/i.test(c.name)).map((c) => c.name)
      // A missing volume is stored as 0, which a volume-weighted indicator reads as no trading: say it when the file has a likely one.
      if (volumeLike.length > 0) warnings.push(`${path.basename(p.file)}: no column is named volume (the file has ${volumeLike.join(', ')}), so every bar's volume is stored as 0; name one with --column volume=NAME`)
    }
    const p0 = plans[0]
    const detectSpacingOf = () => {
      const time = timeSql(p0.roles, toTimeframe('1M'), {...timeOpts, format: p0.timeFormat, timeLabel: 'open'}, timezone)
      return detectSpacing(conn, sourceSql(p0.format, p0.info, p0.roles, SAMPLE_ROWS), time, params(p0), p0.file)
    }
    let tf: Timeframe
    if (opts.timeframe === undefined) tf = (await detectSpacingOf()).timeframe
    else {
      tf = toTimeframe(opts.timeframe)
      // Bars much further apart than the timeframe all pass the checks; say so.
      const spacing = opts.spacingChecked ? undefined : await detectSpacingOf().catch(() => undefined)
      const seen = spacing?.timeframe
      if (seen && seen.ms > tf.ms) warnings.push(`${path.basename(p0.file)}: its bars are mostly ${seen.text} apart, but are stored as ${tf.text} bars`)
      // Bars closer than their length overlap: daily rows stored as 1W bars ran a backtest on
      // five "weeks" a week (CAGR 17 times too low, found by an audit). Only when most of the
      // sample's steps say so: a few odd rows (each a step of its own) prove nothing.
      if (seen && seen.ms < tf.ms && spacing.share >= CLEAR_SPACING) {
        throw new BotsError(`${path.basename(p0.file)}: its bars are mostly ${seen.text} apart, closer than the ${tf.text} timeframe: stored as ${tf.text} bars they would overlap`, {
          code: 'data.timeframe_mismatch',
          file: p0.file,
          hint: `import them as ${seen.text} bars (--timeframe ${seen.text}, or leave it out), then make ${tf.text} bars: bots data resample ${symbol} --from ${seen.text} --to ${tf.text}`,
        })
      }
    }
    const gridPhaseMs = phasedGrid(tf) ? await gridPhaseOf(conn, p0, tf, timezone, timeOpts, params(p0)) : 0
    const ctx: ImportContext = {
      symbol, tf, timezone, onError, timeOpts: gridPhaseMs === 0 ? timeOpts : {...timeOpts, gridPhaseMs},
      optionsKey: optionsKey(opts, tf.text, timezone),
      maxReported: opts.maxReported ?? 1000,
      onProgress: opts.onProgress,
      readStaged: plans.length === 1 ? opts.readStaged : undefined,
    }
    // One file's duplicate and order check runs on a connection of its own while this one writes
    // (order-checks.ts). When `readStaged` reads the rows, that read is the check: it runs there
    // too, so DuckDB writes the rows while a first use reads its bars. Not for `--on-error fail`,
    // whose error names the first bad row whatever rule it breaks; not when only `onStaged` reads
    // the rows to be stored before the write (they must be checked and marked by then: a first use
    // with a window read a file's repeated rows as bars); not for several files, as each file's
    // staging clears the CSV rejects of the last, which a file found out of order would need to be
    // counted again (settleOrder).
    const single = plans.length === 1 && onError !== 'fail'
    const readStaged = ctx.readStaged
    const checkBeside = single && (readStaged !== undefined || opts.onStaged === undefined)
    if (checkBeside) {
      checkConn = await store.connect()
      checks = readStaged === undefined ? new OrderChecks(checkConn) : new OrderChecks(checkConn, (c, table) => readStaged(c, goodRowsInFileOrder(table)))
    }
    // Stage and check every file first (stage tables only), then write them all in one transaction.
    const staged: StagedFile[] = []
    for (const [i, plan] of plans.entries()) staged.push(await stageFile(conn, plan, tables[i], params(plan), ctx, checks))
    reader = new StagedReader(store, opts.onStaged, () => staged.map(goodRows))
    // Once the write's insert is under way (staged-reader.ts), and only once the rows it reads are
    // known to be the stored ones: a file found out of order is marked and written again first.
    // The plain order checks start then too (import-file.ts, stageFile).
    const startReading = () => {
      for (const s of staged) s.startCheck?.()
      const ordering = staged.find((s) => s.ordering !== undefined)?.ordering
      if (ordering === undefined) reader?.start()
      else ordering.then((inOrder) => inOrder && reader?.start(), () => {})
    }
    let removed = 0
    // The zones the series was imported in before: a merge in another zone is said out loud below.
    const zonesBefore = opts.replace ? [] : await importZones(conn, symbol, tf.text)
    const write = () =>
      appendingInOrder(conn, store.path, () =>
        inTransaction(conn, async () => {
          const series: SeriesSlot = {id: await findSeries(conn, symbol, tf.text)}
          if (opts.replace) removed = await removeStale(conn, series.id, staged.map((s) => s.table))
          const out: FileImportResult[] = []
          for (const s of staged) out.push(await writeStaged(conn, s, ctx, series, startReading))
          return out
        }),
      )
    let results: FileImportResult[]
    try {
      results = await write()
    } catch (e) {
      // Rolled back: a file the write went ahead of was not in order. Mark its rows, write again.
      if (!(e instanceof OutOfOrder)) throw e
      for (const [i, s] of staged.entries()) if (s.ordering !== undefined) staged[i] = await settleOrder(conn, s, ctx)
      results = await write()
    }
    await reader.done()
    const sum = (k: 'rows' | 'new' | 'replaced' | 'rejected' | 'skipped') => results.reduce((s, r) => s + r[k], 0)
    const otherZones = zonesBefore.filter((z) => z !== timezone)
    if (otherZones.length > 0 && sum('new') > 0) warnings.push(zoneChangeWarning(symbol, tf.text, otherZones, timezone, sum('new')))
    return {
      store: store.path, symbol, timeframe: tf.text, timeframeDetected: opts.timeframe === undefined, timezone, timeLabel, onError,
      rows: sum('rows'), new: sum('new'), replaced: sum('replaced'), removed, rejected: sum('rejected'), skipped: sum('skipped'),
      elapsedMs: Math.round(performance.now() - started),
      warnings,
      files: results,
    }
  } finally {
    await reader?.close()
    await checks?.idle() // a check may still stream (a failed write does not wait for it)
    if (checkConn) releaseConnection(store, checkConn)
    for (const table of tables) await conn.run(`DROP TABLE IF EXISTS ${table}`).catch(() => {})
    conn.closeSync()
  }
}

/**
 * The phase of the timeframe's grid most of the first file's sampled bars are on (time-expr.ts
 * gridPhase): hourly stock bars at 09:30, 10:30, … are on a grid from :30, and every one was
 * rejected against a grid from :00. The other files are checked against the same grid.
 */
async function gridPhaseOf(conn: DuckDBConnection, p: FilePlan, tf: Timeframe, timezone: string, opts: TimeParseOptions, params: Record<string, DuckDBValue>): Promise<number> {
  const time = timeSql(p.roles, tf, {...opts, format: p.timeFormat}, timezone)
  const r = await conn.runAndReadAll(`SELECT epoch_ms(${time.local})::DOUBLE AS ms FROM (SELECT ${time.value} AS t0 FROM ${sourceSql(p.format, p.info, p.roles, SAMPLE_ROWS)})`, params)
  return gridPhase((r.getColumnsJS()[0] ?? []) as (number | null)[], tf.ms)
}

/** `replace`: delete the stored bars of the series that none of the staged files has. */
async function removeStale(conn: DuckDBConnection, series: number | undefined, tables: string[]): Promise<number> {
  // A series not stored yet (a first import) has nothing to remove: the delete's anti-join would
  // still hash every staged row (~0.2 s for a million, beside the first run on a 2-core machine).
  if (series === undefined) return 0
  const keep = tables.map((t) => `SELECT ts FROM ${t} WHERE reason IS NULL`).join(' UNION ALL ')
  const r = await conn.run(`DELETE FROM bar_rows WHERE series = $series AND ts NOT IN (${keep})`, {series})
  return r.rowsChanged
}

async function planFile(conn: DuckDBConnection, file: string, opts: ImportOptions): Promise<FilePlan> {
  const {size, mtimeMs} = checkFile(file)
  const format = detectFormat(file, opts.format)
  const described = await describeSource(conn, file, format, size)
  const roles = resolveColumns(described.columns, opts.columns, file)
  // Decimal commas are read in every number column, so only the columns read as numbers decide
  // them: a "1,5" in a column the import ignores (a note) rejected every row of a dot-decimal file.
  const numbers = [roles.open, roles.high, roles.low, roles.close, roles.volume]
  const info = described.decimalComma ? {...described, decimalComma: numbers.some((c) => c?.decimalComma === true)} : described
  const timeFormat = opts.datetimeFormat ?? (roles.time.kind === 'single' ? compactDateFormat(roles.time.column.first) : undefined)
  return {file, format, info, roles, timeFormat, size, mtimeMs}
}

export function checkSymbol(symbol: string): string {
  const s = symbol?.trim() ?? ''
  if (s === '') throw new BotsError('the symbol is empty', {code: 'data.symbol', hint: 'pass --symbol, e.g. --symbol AAPL'})
  return s
}

/** What, besides the file's bytes, decides the bars an import produces: a change means re-import. */
export function optionsKey(opts: ImportOptions, timeframe: string, timezone: string): string {
  return JSON.stringify({
    timeframe, timezone,
    format: opts.format ?? null,
    columns: Object.fromEntries(Object.entries(opts.columns ?? {}).sort()),
    datetimeFormat: opts.datetimeFormat ?? null,
    epochUnit: opts.epochUnit ?? null,
    timeLabel: opts.timeLabel ?? 'open',
  })
}

/** The zones earlier imports of the series (symbol, timeframe) read their times in, per the imports log. */
async function importZones(conn: DuckDBConnection, symbol: string, timeframe: string): Promise<string[]> {
  const r = await conn.runAndReadAll('SELECT DISTINCT timezone FROM imports WHERE symbol = $symbol AND timeframe = $timeframe ORDER BY timezone', {symbol, timeframe})
  return r.getRowObjectsJS().map((row) => String(row.timezone))
}

/**
 * A merge whose times were read in another zone than the series' earlier imports: for a file
 * whose times carry no offset, its bars sit hours away from the stored ones, and both stay (the
 * same data imported in UTC and then in New York gives two bars a day, five hours apart).
 */
function zoneChangeWarning(symbol: string, timeframe: string, before: string[], now: string, added: number): string {
  return `${symbol} ${timeframe} was imported in ${before.join(', ')} before and this import read its times in ${now}: ` +
    `${added.toLocaleString('en-US')} bars were added beside the stored ones. If the file's times have no offset, ` +
    `they may be the same bars shifted by the zones' difference (bots data show ${symbol} lists them); ` +
    `import with the series' --tz, or with --replace to replace the series`
}
