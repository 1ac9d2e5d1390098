/**
 * What happens after a backtest has run: its metrics, its record in the results store (default;
 * `--no-record` skips it), the `--out` files and the `--report` HTML. Commands and sweeps call this
 * rather than each doing the steps in their own order.
 */
import {readFileSync} from 'node:fs'
import path from 'node:path'
import type {BacktestOutcome} from '../backtest/run-spec.js'
import {BotsError, isBotsError} from '../core/errors.js'
import {nextTurn} from '../core/clock.js'
import {closeStore, openStore, withConnection, type Store} from '../data/store.js'
import {buyAndHoldEquity, computeMetrics, type Metrics} from '../metrics/metrics.js'
import {metricsSettings} from '../metrics/settings.js'
import {prepareReport, prepareReportInTurns, type ReportDraft, type ReportInput} from '../report/render-report.js'
import {writeFileAtomic} from '../report/write-atomic.js'
import {createCalendar, marketTimezone} from '../calendar/index.js'
import {resolveStorePath} from '../data/store-path.js'
import {exportIndicatorFiles, type SymbolIndicators} from './export-indicators.js'
import {exportRunFiles, type ExportedFile} from './export-files.js'
import {checkReportPath, defaultReportPath, displayPath, runsShowCommand} from './report-path.js'
import {barsHash, specHash} from './hash.js'
import {recordedTrades, recordRuns, stageRuns, type RunToRecord} from './record-run.js'
import {dailyLastIndices, equityResolution, recordedEquity, type EquityResolution} from './equity-resolution.js'

export interface FinishOptions {
  /** Record the run in the store (default true). */
  record?: boolean
  /** The store: `--db`, else the spec's `data.db`, BOTS_DB, `.bots/bots.duckdb`. */
  db?: string
  /** Folder for trades and equity as CSV and Parquet. */
  out?: string
  /** Path of the HTML report (its folder must exist). */
  report?: string
  /**
   * Without `report`, write the report to its default place beside the store
   * (`<store folder>/reports/<spec name>-run<id>.html`) when the run is recorded. Default false.
   */
  defaultReport?: boolean
  riskFreeRate?: number
  /** `--param` and other overrides as typed, shown in the report. */
  overrides?: string[]
  /** `--equity`: the recorded curve's resolution (default: full up to 100,000 bars, else daily). */
  equity?: EquityResolution
  /**
   * The caller's own work on the results (`--json`'s document), given them as they will be
   * returned: it runs while DuckDB commits the run, before the report is written. Its failure is
   * thrown once the run is recorded (or after the recording's own failure, which wins); either
   * way it has settled before finishBacktest does.
   */
  whileRecording?: (finished: Finished) => Promise<void>
}

export interface Finished {
  metrics: Metrics
  /** The recorded equity curve's resolution (when the run was recorded or written to --out). */
  equityResolution: EquityResolution
  runId?: number
  /** The results store the run was recorded in (absolute path), when it was. */
  store?: string
  specHash: string
  barsHash: string
  files: ExportedFile[]
  report?: string
}

export async function finishBacktest(outcome: BacktestOutcome, opts: FinishOptions = {}): Promise<Finished> {
  // A plain recorded run overlaps DuckDB's work with this thread's: the store opens while the
  // metrics are computed, and the commit runs while the report is rendered. (With --out the files
  // are exported from the committed run, so that path stays sequential.) When the bars' file is
  // still being stored (`outcome.settle`), this handle shares the import's DuckDB instance, so the
  // store is not closed and opened again in between; nothing is written through it before the
  // import has settled.
  const opening = opts.record !== false && !opts.out ? openForRecording(opts.db ?? outcome.spec.data.db) : undefined
  opening?.catch(() => {}) // awaited in finish(); this only keeps an early failure from going unhandled
  try {
    return await finish(outcome, opts, opening)
  } catch (e) {
    // A failure before the store was handed over: close it if it opened, after the import's own
    // handle (a failure before the settle has not waited for it).
    await outcome.settle?.().catch(() => {})
    if (opening) await opening.then((store) => closeStore(store), () => {})
    throw e
  }
}

async function finish(outcome: BacktestOutcome, opts: FinishOptions, opening: Promise<Store> | undefined): Promise<Finished> {
  const {spec, result, bars} = outcome
  // The store's opening is a chain of DuckDB calls, each continued on this thread: a turn of the
  // event loop between the steps below lets it go on while they compute (~40 ms less waiting).
  const letOpeningProceed = () => (opening ? nextTurn() : undefined)
  const benchmark = buyAndHoldEquity(bars, result.equity.time, result.initialCash)
  await letOpeningProceed()
  const settings = metricsSettings(spec, result.start, result.end, {riskFreeRate: opts.riskFreeRate})
  const metrics = computeMetrics({result, bars, settings, benchmark})
  await letOpeningProceed()
  const resolution = equityResolution(opts.equity, result.equity.time.length)
  const tz = marketTimezone(spec.market)
  // Each market day's last point, for the recorded daily curve and the report's daily returns: once.
  let daily: Uint32Array | undefined
  const dailyLast = () => (daily ??= dailyLastIndices(result.equity.time, tz))
  const run: RunToRecord = {
    createdMs: Date.now(), // bookkeeping: when the run was recorded, never read by the engine
    spec,
    specHash: specHash(spec),
    barsHash: barsHash(bars),
    strategy: result.strategy,
    params: spec.strategy.params,
    metrics,
    trades: recordedTrades(result),
    equity: recordedEquity(result.equity.time, result.equity.value, benchmark, resolution, dailyLast),
  }
  let runId: number | undefined
  let files: ExportedFile[] = []
  // The strategy's indicator values, computed once for --out and the report's overlays.
  let computed: SymbolIndicators[] | undefined
  const indicators = () => (computed ??= indicatorTables(outcome))
  const explicitReport = opts.report === undefined ? undefined : checkReportPath(opts.report)
  const storePath = opts.record === false ? undefined : resolveStorePath(opts.db ?? spec.data.db)
  const reportOverlays = () => {
    const overlay = spec.report?.overlay ?? []
    return overlay.length > 0 ? indicators().map((s) => overlay.flatMap((name) => s.series.filter((c) => c.column === name).map((c) => ({name, values: c.values})))) : undefined
  }
  // The report's work but its run id, done once: while the commit runs, or, when the bars' file
  // is still being stored, before that has finished (nothing of it needs the store).
  let draft: ReportDraft | undefined
  const reportInput = (): ReportInput => ({
    title: spec.name,
    description: spec.description,
    strategy: result.strategy,
    params: spec.strategy.params,
    symbols: spec.symbols,
    timeframe: spec.timeframe,
    timeframeMs: spec.timeframeMs,
    timezone: tz,
    specText: spec.file ? readFileSync(spec.file, 'utf8') : JSON.stringify(spec, null, 2),
    specFile: spec.file,
    overrides: opts.overrides,
    result,
    benchmark,
    bars,
    metrics,
    overlays: reportOverlays(),
    dailyLast: dailyLast(),
  })
  const drafted = () => (draft ??= prepareReport(reportInput()))
  if (outcome.settle) {
    // While DuckDB still stores the bars, render the report here, a step at a time, so that each
    // of the import's last statements is sent as soon as the one before is done (they wait for
    // this thread), not all after the report; once it is done, the report is better rendered
    // during the commit, as for stored bars.
    if (outcome.storing?.() && (explicitReport !== undefined || (opts.defaultReport && opts.record !== false))) draft = await prepareReportInTurns(reportInput(), nextTurn)
    await outcome.settle()
  }
  let commit: (() => Promise<void>) | undefined
  let staged: Store | undefined
  if (opening) {
    const store = await opening
    try {
      const s = await stageRuns(store, [run])
      runId = s.ids[0]
      commit = s.commit
      staged = store
    } catch (e) {
      await closeStore(store)
      throw e
    }
  } else if (opts.record !== false || opts.out) {
    const store = opts.record === false ? await openStore({path: ':memory:'}) : await openForRecording(opts.db ?? spec.data.db)
    try {
      ;[runId] = await recordRuns(store, [run])
      if (opts.out) {
        files = await withConnection(store, (conn) => exportRunFiles(conn, runId!, opts.out!))
        const series = indicators()
        if (series.length > 0) files.push(...(await withConnection(store, (conn) => exportIndicatorFiles(conn, series, opts.out!))))
      }
    } finally {
      await closeStore(store)
    }
    if (opts.record === false) runId = undefined
  }
  const reportFile = explicitReport ?? (opts.defaultReport && runId !== undefined && storePath ? defaultReportPath(storePath, spec.name, runId) : undefined)
  const finished = (report: string | undefined): Finished =>
    ({metrics, equityResolution: resolution, runId, store: runId === undefined ? undefined : storePath, specHash: run.specHash, barsHash: run.barsHash, files, report})
  // The commit runs on DuckDB's threads while the report renders here, and then the caller's
  // work; the report, which names the run, is written only once the run is committed.
  // Committed, then the store closed whatever the commit gave (`commit` exists when `staged` does).
  const recorded = staged && commit!().finally(() => closeStore(staged))
  recorded?.catch(() => {}) // awaited below
  let page: string[] | undefined
  let caller: Promise<{error: unknown} | undefined> | undefined // never rejects
  try {
    if (reportFile) page = drafted()(runId)
    caller = opts.whileRecording?.(finished(reportFile && path.resolve(reportFile))).then(() => undefined, (error: unknown) => ({error}))
  } finally {
    await caller
    await recorded
  }
  const report = reportFile && page !== undefined ? writeReport(reportFile, page, runId, storePath) : undefined
  const failed = await caller
  if (failed) throw failed.error
  return finished(report)
}

/** Why a report could not be written, in words, by Node's error code. */
const REPORT_WRITE_ERRORS: Record<string, string> = {
  EISDIR: 'a folder is in its place', ENOTEMPTY: 'a folder is in its place', EEXIST: 'a folder is in its place',
  EACCES: 'permission denied', EPERM: 'permission denied', ENOSPC: 'the disk is full',
}

/** The report written (temp file + rename), or an error that says why not and that the run itself is recorded. */
function writeReport(file: string, page: readonly string[], runId: number | undefined, store: string | undefined): string {
  try {
    return writeFileAtomic(file, page)
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    const why = REPORT_WRITE_ERRORS[err.code ?? ''] ?? err.message
    const recorded = runId !== undefined && store ? `; the run itself is recorded as run ${runId} in ${displayPath(store)} (${runsShowCommand(runId, store, resolveStorePath())})` : ''
    throw new BotsError(`cannot write the report ${displayPath(path.resolve(file))}: ${why}${recorded}`, {
      code: 'report.write',
      file: path.resolve(file),
      hint: 'free that path, or give --report FILE elsewhere, or --no-report',
    })
  }
}

/** Open the store for writing, saying how to run without it when that fails. */
export async function openForRecording(db: string | undefined): Promise<Store> {
  try {
    return await openStore({path: db})
  } catch (e) {
    if (isBotsError(e) && (e.diagnostic.code === 'store.locked' || e.diagnostic.code === 'store.open')) {
      throw new BotsError(`cannot record the run: ${e.message}`, {code: e.diagnostic.code, file: e.diagnostic.file, hint: `${e.hint ?? ''}; or run with --no-record to skip the results store`.replace(/^; /, '')})
    }
    throw e
  }
}

/** The strategy's indicator values per symbol, when it can say them (`rules` does). */
function indicatorTables(outcome: BacktestOutcome): SymbolIndicators[] {
  const d = outcome.definition
  if (!d?.indicatorSeries) return []
  const tz = marketTimezone(outcome.spec.market)
  const calendar = createCalendar(outcome.spec.market)
  return outcome.bars.map((bars) => ({bars, series: d.indicatorSeries!(outcome.spec.strategy.params as never, bars, tz, calendar)}))
}
