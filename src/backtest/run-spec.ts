/**
 * `bots backtest` as a library call: spec file → validated BotSpec (+ flag overrides) → bars
 * from the store (importing a file source first when needed) → the engine → result and summary.
 * Commands, sweeps and the live parity check all go through here.
 */
import {loadBars} from '../data/load-bars.js'
import {ensureFileData, type EnsureResult} from '../data/ensure-file-data.js'
import {closeStore, openStore} from '../data/store.js'
import {createCalendar} from '../calendar/index.js'
import type {Bars} from '../core/bars.js'
import type {Diagnostic} from '../core/errors.js'
import {runBacktest} from '../engine/run-backtest.js'
import type {BacktestResult} from '../engine/result.js'
import {summarize, type Summary} from '../metrics/summary.js'
import {marketTimezone, type BotSpec} from '../spec/bot-spec.js'
import {loadBotSpec} from '../spec/validate-spec.js'
import {discoverStrategies, type Discovery} from '../strategy/discover.js'
import {resolveStrategy} from '../strategy/resolve.js'
import {applyOverrides, type Overrides} from './overrides.js'
import {resolveWindow} from './window.js'

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
}

export interface BacktestOutcome {
  spec: BotSpec
  warnings: Diagnostic[]
  imports: EnsureResult[]
  bars: Bars[]
  result: BacktestResult
  summary: Summary
}

export async function backtestSpecFile(req: BacktestRequest): Promise<BacktestOutcome> {
  req.onStage?.('validate')
  const discovery = req.discovery ?? (await discoverStrategies({extra: req.strategies}))
  const loaded = await loadBotSpec(req.file, {discovery})
  const strategy = await resolveStrategy(loaded.spec, discovery)
  const spec = applyOverrides(loaded.spec, req.overrides ?? {}, strategy.registry, strategy.definition.name)
  const timezone = marketTimezone(spec.market)
  const window = resolveWindow(spec.backtest.start, spec.backtest.end, timezone)

  const fileSource = spec.data.source === 'file'
  const store = await openStore({path: req.db ?? spec.data.db, readOnly: !fileSource})
  let imports: EnsureResult[] = []
  let bars: Bars[]
  try {
    if (fileSource) {
      req.onStage?.('import')
      imports = await ensureFileData(store, spec.data, spec.symbols, spec.timeframe, timezone)
    }
    req.onStage?.('load')
    bars = await Promise.all(spec.symbols.map((symbol) => loadBars(store, {symbol, timeframe: spec.timeframeMs, start: window.startMs, end: window.endMs})))
  } finally {
    await closeStore(store)
  }

  req.onStage?.('run', `${bars.reduce((n, b) => n + b.length, 0)} bars`)
  const result = await runBacktest({
    spec,
    bars,
    definition: strategy.definition,
    params: spec.strategy.params,
    calendar: createCalendar(spec.market),
    onProgress: req.onProgress,
  })
  return {spec, warnings: loaded.warnings, imports, bars, result, summary: summarize(result)}
}
