/**
 * One file of an import, in two steps. `stageFile` (before the transaction, touching only the
 * stage tables): stage and check the file in DuckDB and apply the `--on-error` policy.
 * `writeStaged` (inside the caller's transaction): upsert the good rows and log the import.
 * Progress is polled from DuckDB while the file is read, which is most of the time.
 */
import path from 'node:path'
import type {DuckDBConnection, DuckDBValue} from '@duckdb/node-api'
import {BotsError} from '../core/errors.js'
import {hashFile} from './file-hash.js'
import type {FilePlan} from './import.js'
import type {FileImportResult, ImportOptions, OnError} from './import-types.js'
import {collectRejections, type Rejection, type RejectionReport} from './rejections.js'
import {clearCsvRejects, sourceSql} from './source.js'
import {createStage, markOrderProblems, type OrderProblems} from './stage.js'
import {repeatedHourRule} from './repeated-hour.js'
import type {OrderChecks} from './order-checks.js'
import {timeSql, type TimeParseOptions} from './time-expr.js'
import type {Timeframe} from './timeframe.js'
import {upsertBars, type SeriesSlot} from './upsert.js'

export interface ImportContext {
  symbol: string
  tf: Timeframe
  timezone: string
  onError: OnError
  timeOpts: TimeParseOptions
  optionsKey: string
  maxReported: number
  onProgress?: ImportOptions['onProgress']
  readStaged?: ImportOptions['readStaged']
}

export interface StagedFile {
  plan: FilePlan
  table: string
  rejected: RejectionReport
  hash: Promise<string>
  report: Reporter
  /** Its rows run newest first (stage.ts, OrderProblems): they are stored, and read, in time order. */
  newestFirst?: boolean
  /** Rows of a fall-back's repeated hour read as daylight time (repeated-hour.ts). */
  repeatedHour?: number
  /** Rows kept though out of place, in blocks (stage.ts, OrderProblems): stored, and read, in time order. */
  misplaced?: number
  /**
   * Set while the duplicate and order check still runs (`stageFile`'s `checks`): true when the
   * rows came in order, so nothing is marked and `rejected` is complete. False: the caller must not
   * commit what it wrote, and settles the file with `settleOrder` before writing it again.
   */
  ordering?: Promise<boolean>
  /** Starts the check behind `ordering`, and the file's hash, when they wait for the write (stageFile); later calls do nothing. */
  startCheck?: () => void
}

type Reporter = (phase: 'read' | 'check' | 'write' | 'done', rows: number, fraction?: number, total?: number) => void

/** `checks`: where the duplicate and order check runs while the caller writes (the returned file's `ordering`); the caller decides when (import.ts). */
export async function stageFile(
  conn: DuckDBConnection,
  plan: FilePlan,
  table: string,
  params: Record<string, DuckDBValue>,
  ctx: ImportContext,
  checks?: OrderChecks,
): Promise<StagedFile> {
  const started = performance.now()
  // The file's hash (the imports log's) is read on this thread once the file is staged: during the
  // staging it took ~30 ms of CPU from DuckDB's threads reading the file. Beside the write's plain
  // order check it waits for the insert too (startCheck below), as that check does. Not when a
  // first use reads the staged rows (`readStaged`): this thread then runs the backtest on them,
  // and a hash there would delay the run more than it slows the staging.
  let startHash!: () => void
  const hash = new Promise<void>((resolve) => (startHash = resolve)).then(() => hashFile(plan.file))
  hash.catch(() => {}) // awaited when writing; an early failure must not become an unhandled rejection
  if (ctx.readStaged !== undefined) startHash()
  const report: Reporter = (phase, rows, fraction, total) =>
    ctx.onProgress?.({file: plan.file, phase, rows, fraction, total, elapsedMs: performance.now() - started})
  await clearCsvRejects(conn)
  const time = timeSql(plan.roles, ctx.tf, {...ctx.timeOpts, format: plan.timeFormat}, ctx.timezone)
  const stage = () => createStage(conn, table, sourceSql(plan.format, plan.info, plan.roles), plan.roles, ctx.tf, time, params)
  await (ctx.onProgress ? withReadProgress(conn, plan.info.estimatedRows, report, stage) : stage())
  report('check', await rowCount(conn, table))
  if (checks !== undefined) {
    // The plain check streams every staged row through this thread (~0.1 s for a million). Started
    // now, it kept the thread busy while the rejections and the write's first statements (settings,
    // transaction, series, span) each waited for a free moment of it to be sent, and the insert
    // (the longest step) began ~30 ms later: so it starts once the insert is sent (the caller's
    // `startCheck`, at the latest when the write waits for it). A reader's check (`readStaged`: a
    // first use's bars) starts now: the run waits for those bars, not for the insert.
    let startCheck: (() => void) | undefined
    const checkGate = ctx.readStaged !== undefined ? Promise.resolve() : new Promise<void>((resolve) => {
      startCheck = () => {
        startHash()
        resolve()
      }
    })
    const ordering = checkGate.then(() => checks.check(table))
    ordering.catch(() => {}) // awaited by the caller before it commits
    return {plan, table, rejected: await rejections(conn, table, plan, ctx), hash, report, ordering, startCheck}
  }
  startHash()
  // The staged rows read in file order with increasing times: no duplicate, nothing unsorted.
  const ordered = ctx.readStaged !== undefined && (await ctx.readStaged(conn, goodRowsInFileOrder(table)))
  const order = ordered ? undefined : await markOrder(conn, table, plan, ctx, false)
  const rejected = await rejections(conn, table, plan, ctx)
  if (ctx.onError === 'fail' && rejected.total > 0) throw failure(plan.file, rejected.total, rejected.list[0])
  return {plan, table, rejected, hash, report, newestFirst: order?.newestFirst, repeatedHour: order?.repeatedHour, misplaced: order?.misplaced}
}

/** A file whose `ordering` said no: its duplicates and unsorted rows marked, its rejections counted again. */
export async function settleOrder(conn: DuckDBConnection, s: StagedFile, ctx: ImportContext): Promise<StagedFile> {
  const {newestFirst, repeatedHour, misplaced} = await markOrder(conn, s.table, s.plan, ctx, true)
  return {plan: s.plan, table: s.table, rejected: await rejections(conn, s.table, s.plan, ctx), hash: s.hash, report: s.report, newestFirst, repeatedHour, misplaced}
}

function markOrder(conn: DuckDBConnection, table: string, plan: FilePlan, ctx: ImportContext, knownUnordered: boolean): Promise<OrderProblems> {
  const labelShift = ctx.timeOpts.timeLabel === 'close' ? ctx.tf.ms : 0
  return markOrderProblems(conn, table, knownUnordered, repeatedHourRule(plan.format, plan.roles, ctx.timezone, labelShift))
}

function rejections(conn: DuckDBConnection, table: string, plan: FilePlan, ctx: ImportContext): Promise<RejectionReport> {
  const limit = ctx.onError === 'skip' ? 0 : ctx.maxReported
  return collectRejections(conn, table, plan.file, plan.format, ctx.tf, ctx.timezone, limit)
}

/** The staged rows of a file that are stored (those breaking no rule), as a SQL relation in time order (the store keeps them so). */
export function goodRows(s: StagedFile): string {
  // A file in order needs no sort: its rows are read in file order, which is time order then.
  return `(SELECT ts, o, h, l, c, v FROM ${s.table} WHERE reason IS NULL${s.newestFirst || (s.misplaced ?? 0) > 0 ? ' ORDER BY ts' : ''})`
}

/** The rows breaking no per-row rule, with `row`: the place in the file (ImportOptions.readStaged). */
export function goodRowsInFileOrder(table: string): string {
  return `(SELECT ts, o, h, l, c, v, rowid AS row FROM ${table} WHERE reason IS NULL)`
}

/** `series`: the series as the writing transaction has it (upsert.ts, SeriesSlot); `onInsert`: see UpsertHints. */
export async function writeStaged(conn: DuckDBConnection, s: StagedFile, ctx: ImportContext, series: SeriesSlot, onInsert?: () => void): Promise<FileImportResult> {
  const {plan, rejected} = s
  const good = goodRows(s)
  const span = (
    await conn.runAndReadAll(
      `SELECT count(*)::DOUBLE AS n, strftime(min(ts), '%Y-%m-%dT%H:%M:%SZ') AS first, strftime(max(ts), '%Y-%m-%dT%H:%M:%SZ') AS last,
         epoch_us(min(ts))::DOUBLE AS first_us, epoch_us(max(ts))::DOUBLE AS last_us FROM ${good}`,
    )
  ).getRowObjectsJS()[0]
  s.report('write', Number(span.n))
  // Its span, read once here: upsertBars would scan the staged rows twice more for it.
  const known = span.first_us === null || span.last_us === null ? undefined : {firstUs: Number(span.first_us), lastUs: Number(span.last_us)}
  const counts = await upsertBars(conn, ctx.symbol, ctx.tf.text, good, {span: known, series, onInsert})
  // The write went ahead of the order check (stageFile's `checks`): nothing is logged or committed that it has not passed.
  s.startCheck?.()
  if (s.ordering !== undefined && !(await s.ordering)) throw new OutOfOrder(plan.file)
  const dropped = rejected.total
  await conn.run(
    `INSERT INTO imports (symbol, timeframe, path, size, mtime_ms, sha256, options, timezone, rows_new, rows_replaced, rows_rejected)
     VALUES ($symbol, $timeframe, $path, $size, $mtime, $sha, $options, $tz, $new, $replaced, $rejected)`,
    {
      symbol: ctx.symbol, timeframe: ctx.tf.text, path: plan.file, size: plan.size, mtime: plan.mtimeMs, sha: await s.hash,
      options: ctx.optionsKey, tz: ctx.timezone, new: counts.new, replaced: counts.replaced, rejected: dropped,
    },
  )
  s.report('done', counts.new + counts.replaced + dropped)
  return {
    file: plan.file,
    format: plan.format,
    rows: counts.new + counts.replaced + dropped,
    new: counts.new,
    replaced: counts.replaced,
    rejected: ctx.onError === 'skip' ? 0 : dropped,
    skipped: ctx.onError === 'skip' ? dropped : 0,
    rejectedByRule: rejected.counts,
    newestFirst: s.newestFirst === true,
    misplaced: s.misplaced ?? 0,
    repeatedHour: s.repeatedHour ?? 0,
    first: (span.first as string | null) ?? null,
    last: (span.last as string | null) ?? null,
    rejections: rejected.list,
  }
}

/** Thrown inside the write transaction to roll it back: `file`'s rows were not in order after all (settleOrder, then write again). */
export class OutOfOrder extends Error {
  constructor(file: string) {
    super(`bug: ${file} was written before its rows were found out of order, and the write escaped its rollback`)
  }
}

function failure(file: string, total: number, first: Rejection): BotsError {
  const at = first.line === undefined ? `row ${first.row}` : `line ${first.line}`
  const rows = total === 1 ? `1 row of ${path.basename(file)} breaks` : `${total} rows of ${path.basename(file)} break`
  return new BotsError(
    `${rows} the data rules; nothing was imported (first, ${at}: ${first.rule}: ${first.message})`,
    {
      code: `data.${first.rule}`,
      file,
      line: first.line,
      hint: 'fix the file, or import with --on-error reject (drop and list bad rows) or --on-error skip',
    },
  )
}

async function rowCount(conn: DuckDBConnection, table: string): Promise<number> {
  return Number((await conn.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM ${table}`)).getRowObjectsJS()[0].n)
}

/** Poll DuckDB's progress while `work` runs; rows are estimated from the fraction of bytes read. */
async function withReadProgress<T>(conn: DuckDBConnection, estimate: number, report: Reporter, work: () => Promise<T>): Promise<T> {
  report('read', 0, 0, estimate)
  // DuckDB tracks progress only when its progress bar is on; never let it print one itself.
  await conn.run(`SET enable_progress_bar = true; SET enable_progress_bar_print = false; SET progress_bar_time = 0`)
  const timer = setInterval(() => {
    const p = conn.progress
    if (p.percentage >= 0) report('read', Math.round((estimate * p.percentage) / 100), p.percentage / 100, estimate)
  }, 100)
  try {
    return await work()
  } finally {
    clearInterval(timer)
  }
}
