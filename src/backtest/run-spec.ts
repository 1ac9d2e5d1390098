/**
 * `bots backtest` as a library call: spec file → validated BotSpec (+ flag overrides) → bars
 * from the store (importing a file source first when needed) → the engine → result and summary.
 * Commands, sweeps and the live parity check all go through here.
 */
import type {DuckDBConnection} from '@duckdb/node-api'
import {loadBars, loadStagedBars, loadStagedChecked} from '../data/load-bars.js'
import {storedSeries} from '../data/file-series.js'
import type {EnsureResult} from '../data/ensure-file-data.js'
import {closeStore, openStore, type Store} from '../data/store.js'
import {createCalendar, marketTimezone} from '../calendar/index.js'
import type {Bars} from '../model/bars.js'
import type {Diagnostic} from '../core/errors.js'
import type {BacktestResult} from '../engine/result.js'
import {metricsSettings} from '../metrics/settings.js'
import type {Summary} from '../metrics/summary.js'
import type {BotSpec} from '../model/bot-spec.js'
import {loadBotSpec} from '../spec/validate-spec.js'
import type {StrategyDefinition} from '../model/strategy.js'
import {discoverStrategies, pluginLoadTarget, type Discovery} from '../strategy/discover.js'
import type {TimerClock} from '../core/clock.js'
import type {StrategyRegistry} from '../strategy/registry.js'
import {resolveStrategy} from '../strategy/resolve.js'
import {applyOverrides, type Overrides} from './overrides.js'
import {resolveWindow} from './window.js'
import {locatedInSpec} from './locate-in-spec.js'
import {storeHeadStart} from './store-head-start.js'
import {overlayWarnings} from './overlay-check.js'
import {lazyModule} from '../core/lazy-module.js'

// Needed only once the bars are read: they load while DuckDB streams them, in the main thread's
// waits for its chunks (lazy-module.ts). A file source's import modules start with its store.
const engine = lazyModule(() => import('../engine/run-backtest.js'))
const windowCoverage = lazyModule(() => import('./window-coverage.js'))
const summaryModule = lazyModule(() => import('../metrics/summary.js'))
const fileData = lazyModule(() => import('../data/ensure-file-data.js'))
const droppedRows = lazyModule(() => import('./dropped-rows.js'))

export interface BacktestRequest {
  file: string
  overrides?: Overrides
  /** `--db`; else the spec's `data.db`, `BOTS_DB`, `.bots/bots.duckdb`. */
  db?: string
  /** Extra strategy folders (`--strategies`). */
  strategies?: string[]
  discovery?: Discovery
  /** Progress of the stages and of the run itself. */
  onStage?: (stage: 'validate' | 'import' | 'load' | 'run', detail?: string) => void
  onProgress?: (barsDone: number, barsTotal: number) => void
  /** Run users' plugin strategies in a worker (Ctrl-C and the iteration timeout can stop them); see runPrepared. */
  isolate?: IsolateRun
  /** A file source imported now may be run while it is being stored: see PreparedBacktest.settle. */
  overlapImport?: boolean
  /**
   * backtestSpecFile: return as soon as the run is over, with the import still being stored
   * (`BacktestOutcome.settle`), so the results can be computed meanwhile. Default: wait for it.
   */
  deferSettle?: boolean
  /**
   * Keep every order in the result (default true). False: `result.orders` is empty and `counts`
   * say how many there were; a long run is then ~20% quicker (see OrderBook). A run isolated in a
   * worker keeps them regardless.
   */
  keepOrders?: boolean
  /**
   * Load the stored bars into SharedArrayBuffers (`emptyBars`' `shared`): a sweep hands them to its
   * workers so, without a copy. (A first use's early read, which sweeps do not ask for, ignores it.)
   */
  sharedBars?: boolean
}

export interface IsolateRun {
  /** The watchdog's timer. */
  clock: TimerClock
  /** Longest one hook call may take (ms). Given, even the strategies shipped with bots run in a worker. */
  iterationTimeoutMs?: number
  /** Handed a reader of the bars the strategy has seen, when it runs in a worker (for "interrupted at N"). */
  watch?: (barsSeen: () => number) => void
}

export interface BacktestOutcome {
  spec: BotSpec
  warnings: Diagnostic[]
  imports: EnsureResult[]
  bars: Bars[]
  result: BacktestResult
  summary: Summary
  /** The strategy that ran (its `indicatorSeries`, for `--out`). */
  definition?: StrategyDefinition
  /**
   * With `deferSettle`, when the bars' file is still being stored: waits for that, adds the
   * import's warnings to `warnings` and closes the store. Call it (once or more: it runs once)
   * before the store is opened again and before the warnings are shown; a rejection is the
   * import's failure, and then nothing may be recorded.
   */
  settle?: () => Promise<void>
  /** With `settle`: whether DuckDB is still writing the bars' file (as last heard; false once it is done). */
  storing?: () => boolean
}

export async function backtestSpecFile(req: BacktestRequest): Promise<BacktestOutcome> {
  // A spec's data file imported now is run while DuckDB stores it, on the other core.
  const prepared = await prepareBacktest({...req, overlapImport: true})
  let result: BacktestResult
  let summarize: typeof import('../metrics/summary.js').summarize
  try {
    result = await runPrepared(prepared, {onProgress: req.onProgress, onStage: req.onStage, isolate: req.isolate, keepOrders: req.keepOrders})
    ;({summarize} = await summaryModule())
  } catch (e) {
    await prepared.settle?.().catch(() => {})
    throw e
  }
  const settle = prepared.settle
  if (!req.deferSettle) await settle?.()
  const {spec, warnings, imports, bars} = prepared
  let summary: Summary | undefined
  return {
    spec, warnings, imports, bars, result, definition: prepared.definition,
    ...(req.deferSettle && settle ? {settle, storing: prepared.storing} : {}),
    // Computed when read (only --json prints it): two more passes over a long curve otherwise.
    get summary() {
      return (summary ??= summarize(result, {barsPerYear: metricsSettings(spec, result.start, result.end).periodsPerYear}))
    },
  }
}

/** Everything a run needs but the run itself: validated spec, strategy, bars. Sweeps load once and run many. */
export interface PreparedBacktest {
  spec: BotSpec
  warnings: Diagnostic[]
  imports: EnsureResult[]
  bars: Bars[]
  definition: StrategyDefinition
  /** Validates this strategy's params (sweeps check each combination with it). */
  registry: StrategyRegistry
  /** Where the strategy came from: a plugin file, `built-in`, a strategy spec. */
  source: string
  /**
   * With `overlapImport`, when a file source's bars were read while DuckDB still stores them:
   * waits for that, adds its warnings and closes the store. Call it after the run (and after a
   * failed run too; later calls return the first call's promise); the run is not to be recorded
   * before it has settled.
   */
  settle?: () => Promise<void>
  /** With `settle`: whether DuckDB is still writing the bars' file (as last heard). */
  storing?: () => boolean
}

/** The most bars a run starts on while their file is still being stored (see prepareBacktest). */
export const OVERLAP_MAX_ROWS = 2_000_000

export async function prepareBacktest(req: BacktestRequest): Promise<PreparedBacktest> {
  req.onStage?.('validate')
  // The store starts opening on DuckDB's thread while the spec is validated on this one.
  const headStart = storeHeadStart(req.file, req.db)
  const {loaded, strategy, spec, timezone, window, store} = await validatedWithStore(req).finally(() => headStart.release())
  const fileSource = spec.data.source === 'file'
  const warnings = [...loaded.warnings, ...(await overlayWarnings(spec, strategy.definition, req.file))]
  const prepared = (bars: Bars[], settle?: () => Promise<void>, storing?: () => boolean): PreparedBacktest =>
    ({spec, warnings, imports, bars, definition: strategy.definition, registry: strategy.registry, source: strategy.registry.get(strategy.definition.name).source, settle, storing})
  let imports: EnsureResult[] = []
  let open = true
  const loading = () => {
    for (const m of [engine, windowCoverage, summaryModule]) m.start()
    req.onStage?.('load')
  }
  try {
    if (fileSource) {
      req.onStage?.('import')
      // One symbol whose file is imported now: its bars are read as soon as they are staged, and
      // the run goes on while DuckDB stores them (`settle` waits for that). DuckDB then holds the
      // staged rows while the run holds the bars, about twice the memory of one: only up to
      // OVERLAP_MAX_ROWS bars.
      let early: Bars | undefined
      const symbol = spec.symbols[0]
      // Without a window every staged row is a bar: they are read at once, and that read checks
      // their order in place of the import's own pass (loadStagedChecked); read again after the
      // import's checks only when it could not.
      let checked = false
      const readFirst = async (conn: DuckDBConnection, good: string) => {
        loading()
        const r = await loadStagedChecked(conn, good, {symbol, timeframe: spec.timeframeMs, maxRows: OVERLAP_MAX_ROWS})
        checked = r?.ordered === true
        early = checked ? r!.bars : undefined
        return checked
      }
      const read = async (conn: DuckDBConnection, good: string) => {
        if (checked) return
        loading()
        early = await loadStagedBars(conn, good, {symbol, timeframe: spec.timeframeMs, start: window.startMs, end: window.endMs, maxRows: OVERLAP_MAX_ROWS})
      }
      const unwindowed = window.startMs === undefined && window.endMs === undefined
      // Its errors about the spec (rows spaced unlike `timeframe`) are located in the spec file.
      const located = async (e: unknown) => {
        throw await locatedInSpec(e, req.file)
      }
      const wantEarly = req.overlapImport === true && spec.symbols.length === 1
      const {ensureFileData} = await fileData()
      imports = await ensureFileData(store, spec.data, spec.symbols, spec.timeframe, timezone, wantEarly ? {symbol, read, readFirst: unwindowed ? readFirst : undefined} : undefined).catch(located)
      const written = imports.find((r) => r.written !== undefined)?.written
      // No bars in the window: that error is the coverage check's, before any run.
      if (written !== undefined && early !== undefined && early.length > 0) {
        const bars = [early]
        let storing = true
        written.then(() => (storing = false), () => (storing = false))
        let settling: Promise<void> | undefined
        const settle = () => (settling ??= (async () => {
          try {
            await written.catch(located)
            const {droppedRowWarnings} = await droppedRows()
            warnings.push(...(await droppedRowWarnings(imports, req.file, spec.timeframe)))
            warnings.push(...(await coverage(store, bars)))
          } finally {
            await closeStore(store)
          }
        })())
        open = false
        return prepared(bars, settle, () => storing)
      }
      await written?.catch(located)
      // Rows the import dropped (unsorted, off the grid, negative volume…): counted per rule, never silently.
      const {droppedRowWarnings} = await droppedRows()
      warnings.push(...(await droppedRowWarnings(imports, req.file, spec.timeframe)))
    }
    loading()
    const bars = await Promise.all(spec.symbols.map((symbol) => loadBars(store, {symbol, series: storedSeries(spec.data, symbol), timeframe: spec.timeframeMs, start: window.startMs, end: window.endMs, shared: req.sharedBars}))).catch(async (e: unknown) => {
      // A file whose every row was rejected: say so, not "no bars, import it" under its series name.
      throw (imports.length > 0 ? await (await droppedRows()).allRowsRejected(e, imports, req.file, spec.timeframe) : undefined) ?? e
    })
    warnings.push(...(await coverage(store, bars)))
    return prepared(bars)
  } finally {
    if (open) await closeStore(store)
  }

  /** A window outside the data is an error (located at backtest.start/--start); one reaching past it, a warning. */
  async function coverage(store: Store, bars: Bars[]): Promise<Diagnostic[]> {
    const o = req.overrides ?? {}
    const {checkWindowCoverage, dailyAlignmentWarnings, sessionFitWarnings, volumeFitWarnings} = await windowCoverage()
    const calendar = createCalendar(spec.market)
    const offMidnight = await dailyAlignmentWarnings(bars, spec.timeframeMs, timezone, req.file)
    const unfit = await sessionFitWarnings(bars, spec.timeframeMs, calendar, req.file)
    const noVolume = await volumeFitWarnings(bars, spec.broker.maxVolumeShare, req.file)
    return [...offMidnight, ...unfit, ...noVolume, ...await checkWindowCoverage({
      store, bars, window, series: (symbol) => storedSeries(spec.data, symbol), timeframeMs: spec.timeframeMs, timezone, calendar,
      source: {file: req.file, start: spec.backtest.start, end: spec.backtest.end, overridden: {start: o.start !== undefined, end: o.end !== undefined}},
    })]
  }
}

/** The spec validated, with overrides, its window, and its store open (for writing when a file is imported). */
async function validatedWithStore(req: BacktestRequest) {
  const discovery = req.discovery ?? (await discoverStrategies({extra: req.strategies}))
  const loaded = await loadBotSpec(req.file, {discovery})
  const strategy = await resolveStrategy(loaded.spec, discovery)
  const spec = applyOverrides(loaded.spec, req.overrides ?? {}, strategy.registry, strategy.definition.name)
  const timezone = marketTimezone(spec.market)
  const window = resolveWindow(spec.backtest.start, spec.backtest.end, timezone)
  if (spec.data.source === 'file') for (const m of [fileData, droppedRows]) m.start()
  const store = await openStore({path: req.db ?? spec.data.db, readOnly: spec.data.source !== 'file'})
  return {loaded, strategy, spec, timezone, window, store}
}

/** One run over prepared bars; `params` (already validated) replaces the spec's. */
export async function runPrepared(
  p: Pick<PreparedBacktest, 'spec' | 'bars' | 'definition'> & {source?: string},
  opts: {params?: Record<string, unknown>; onProgress?: BacktestRequest['onProgress']; onStage?: BacktestRequest['onStage']; isolate?: IsolateRun; keepOrders?: boolean} = {},
): Promise<BacktestResult> {
  opts.onStage?.('run', `${p.bars.reduce((n, b) => n + b.length, 0)} bars`)
  // Users' plugin code runs in a worker, so nothing it does can keep Ctrl-C from stopping the run;
  // the strategies shipped with bots (and `rules`) run here, at full speed, unless a timeout is asked for.
  const plugin = opts.isolate && p.source !== undefined ? pluginLoadTarget(p.source) : undefined
  if (opts.isolate && plugin && (!plugin.shipped || opts.isolate.iterationTimeoutMs !== undefined)) {
    const {runBacktestIsolated} = await import('./isolated-run.js')
    return runBacktestIsolated({
      spec: p.spec, bars: p.bars, plugin, name: p.definition.name, params: opts.params ?? p.spec.strategy.params,
      onProgress: opts.onProgress, iterationTimeoutMs: opts.isolate.iterationTimeoutMs, clock: opts.isolate.clock, watch: opts.isolate.watch,
    })
  }
  const {runBacktest} = await engine()
  return runBacktest({
    spec: p.spec,
    bars: p.bars,
    definition: p.definition,
    params: opts.params ?? p.spec.strategy.params,
    calendar: createCalendar(p.spec.market),
    onProgress: opts.onProgress,
    keepOrders: opts.keepOrders,
  })
}
