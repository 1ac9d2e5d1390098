import {existsSync, statSync, writeSync} from 'node:fs'
import {Args, Flags} from '../cli/oclif.js'
import {backtestSpecFile} from '../backtest/run-spec.js'
import {locateInSpec} from '../backtest/locate-in-spec.js'
import {BaseCommand, EXIT_INVALID, usageError} from '../cli/base-command.js'
import {BotsError, isBotsError, type Diagnostic} from '../core/errors.js'
import {colorEnabled} from '../cli/color.js'
import {checkStrategiesFolder, secondsFlag, strategiesFlag} from '../cli/flags.js'
import {WallClock} from '../core/clock.js'
import {withRunProgress} from '../cli/run-progress.js'
import {marketTimezone} from '../calendar/index.js'
import {EQUITY_RESOLUTIONS, FULL_EQUITY_MAX_BARS, type EquityResolution} from '../results/equity-resolution.js'
import {OutputClosedError, type HeldJson} from '../results/json-stream.js'
import type {Finished} from '../results/finish-run.js'
import {checkOutPath, checkReportPath, displayPath, runsShowCommand} from '../results/report-path.js'
import {resolveStorePath} from '../data/store-path.js'
import {discoverStrategies} from '../strategy/discover.js'
import {loadBotSpec} from '../spec/validate-spec.js'
import {resolveStrategy} from '../strategy/resolve.js'
import {parseRate} from '../sweep/parse-sweep.js'
import {parseDateText} from '../core/dates.js'
import {RANK_KEYS} from '../sweep/rank-key.js'
import {localeNumber} from '../core/fixed-number.js'
import {lazyModule} from '../core/lazy-module.js'
import {BacktestInterrupt, interruptExit, processInterruptOutput} from '../cli/backtest-interrupt.js'
import type {Interfaces} from '@oclif/core'
import type {BacktestRequest} from '../backtest/run-spec.js'

// What a run needs once it is over: loaded while the bars load (run-spec.ts).
const finishRun = lazyModule(() => import('../results/finish-run.js'))
const summaryRender = lazyModule(() => import('../cli/render/backtest.js'))
type FinishModule = typeof import('../results/finish-run.js')
type SummaryRenderModule = typeof import('../cli/render/backtest.js')
const jsonResult = lazyModule(() => import('../results/backtest-json.js'))

export default class Backtest extends BaseCommand {
  static override description = `Run a bot spec over historical bars and print the results.

The spec is validated first (as \`bots validate\` does). Bars come from the DuckDB store; a spec
whose data source is a file imports it on first use, and again only when the file changed.
Daily timeframes run on the Daily runner, shorter ones on the intraday Backtest runner.

Every run is recorded in the store (tables runs, run_trades, run_equity; see \`bots runs\`)
unless --no-record is given, and its HTML report is written beside the store, in
<store folder>/reports/<spec name>-run<id>.html (.bots/reports/ for the default store), unless
--report FILE puts it elsewhere (the folder must exist) or --no-report skips it. The summary
ends with the run id, the store and the report's path.

With --sweep, every combination of the swept parameters runs in parallel (one worker per core)
and the best ones are printed.

Ctrl-C stops a run: it prints how far it got and exits 130. Once the run is over, Ctrl-C lets
its results be recorded and written, then exits 130 (a second Ctrl-C quits at once). An
interrupted sweep keeps (and records) the combinations that finished.

Exit codes: 0 the run finished; 1 an invalid spec, override or data, or a sweep where nothing
ran; 2 usage errors (an unknown flag, a flag value that does not parse, a spec path that does not
exist); 130 interrupted.`

  static override examples = [
    '<%= config.bin %> backtest examples/orcl-sma-cross.yaml',
    '<%= config.bin %> backtest examples/orcl-sma-cross.yaml --start 2010-01-01 --param fast=20 --param slow=50',
    '<%= config.bin %> backtest examples/orcl-sma-cross.yaml --report report.html --out results/',
    '<%= config.bin %> backtest examples/orcl-sma-cross.yaml --sweep fast=5..50:5 --sweep slow=20..200:10 --rank-by sharpe --top 10',
    '<%= config.bin %> backtest examples/orcl-sma-cross.yaml --json > result.json',
    '<%= config.bin %> backtest examples/orcl-sma-cross.yaml --json --equity daily > result.json',
  ]

  static override args = {spec: Args.string({description: 'Bot spec file.', required: true})}

  static override flags = {
    start: Flags.string({description: 'Override backtest.start (YYYY-MM-DD or ISO 8601, market time zone).'}),
    end: Flags.string({description: 'Override backtest.end (inclusive).'}),
    cash: Flags.string({description: 'Override broker.cash.'}),
    param: Flags.string({char: 'p', description: 'Override a strategy parameter (repeatable); NAME=null drops the spec\'s value, so the default applies.', multiple: true, helpValue: 'NAME=VALUE'}),
    db: Flags.string({description: 'DuckDB store file. Default: the spec\'s data.db, BOTS_DB, or .bots/bots.duckdb.', helpValue: 'PATH'}),
    strategies: strategiesFlag,
    record: Flags.boolean({description: 'Record the run in the results store (default). --no-record needs no writable store.', default: true, allowNo: true}),
    report: Flags.string({description: 'Write the self-contained HTML report (charts, metrics, trades, spec) here; the folder must exist. Default: <store folder>/reports/<spec name>-run<id>.html for a recorded run.', helpValue: 'FILE', exclusive: ['sweep', 'no-report']}),
    'no-report': Flags.boolean({description: 'Write no HTML report.', default: false, exclusive: ['report']}),
    'iteration-timeout': secondsFlag('Longest one strategy hook may run before the backtest stops with an error naming the hook and the bar (plugin strategies, which then run in a worker thread).', undefined),
    out: Flags.string({description: 'Write trades and equity as CSV and Parquet into this folder.', helpValue: 'DIR', exclusive: ['sweep']}),
    'risk-free': Flags.string({description: 'Annual risk-free rate for Sharpe and Sortino: 0.02 or 2%. Default 0.', helpValue: 'RATE'}),
    sweep: Flags.string({description: 'Sweep a parameter (repeatable): NAME=FROM..TO:STEP or NAME=A,B,C.', multiple: true, helpValue: 'NAME=RANGE'}),
    'rank-by': Flags.string({description: 'Sweep ranking metric.', options: [...RANK_KEYS], default: 'sharpe'}),
    top: Flags.integer({description: 'Sweep: how many of the best runs to print (and keep equity curves of); --json lists every run, ranked (its `top` says N).', default: 10, min: 1}),
    workers: Flags.integer({description: 'Sweep: worker threads. Default: one per core.', min: 1}),
    'walk-forward': Flags.string({description: 'Walk-forward test with --sweep: optimise on each training window, run the best parameters on the test window after it, stitch the out-of-sample results. train=LEN,test=LEN[,step=LEN], lengths like 3y, 6m, 8w, 90d; step defaults to test.', helpValue: 'train=3y,test=1y'}),
    equity: Flags.string({
      description: `The equity curve's resolution wherever it is written: the recorded run (run_equity; with --sweep, the top runs' curves), the --out files and --json. full: every bar; daily: the last point of each calendar day in the market's time zone; none: no curve. Default: full up to ${localeNumber(FULL_EQUITY_MAX_BARS)} bars, else daily (the summary, \`bots runs show\` and the JSON's equity.resolution say which). The report always draws every bar.`,
      options: [...EQUITY_RESOLUTIONS],
    }),
  }

  async run(): Promise<Record<string, unknown> | undefined> {
    const {args, flags} = await this.parse(Backtest)
    // A spec path that does not exist is a usage error (exit 2), as in `bots validate`.
    if (!existsSync(args.spec)) usageError(`no such file: ${args.spec}`)
    if (statSync(args.spec).isDirectory()) usageError(`${args.spec} is a folder; give one spec file (\`bots validate ${args.spec}\` checks a folder)`)
    // A --strategies folder that does not exist would be skipped without a word: refused as `bots validate` refuses it.
    for (const folder of flags.strategies ?? []) checkStrategiesFolder(folder)
    if (flags.report !== undefined) checkReportPath(flags.report) // before any work, not after the run
    if (flags.out !== undefined) checkOutPath(flags.out)
    const cash = flags.cash === undefined ? undefined : Number(flags.cash)
    if (cash !== undefined && !(Number.isFinite(cash) && cash > 0)) usageError(`--cash ${flags.cash}: expected a positive number`)
    // A flag value that does not parse is a usage error (exit 2), as --cash's: found by an audit,
    // --risk-free and the dates exited 1, as an invalid spec does.
    const riskFreeRate = asUsage(() => parseRate(flags['risk-free']))
    for (const [flag, value] of [['--start', flags.start], ['--end', flags.end]] as const) {
      if (value !== undefined && !parseDateText(value)) usageError(`${flag} ${value}: not a valid date`, 'write YYYY-MM-DD or an ISO 8601 date-time such as 2006-01-02T09:30:00')
    }
    const request = {
      file: args.spec,
      overrides: {start: flags.start, end: flags.end, cash, params: flags.param},
      db: flags.db,
      strategies: flags.strategies,
    }
    if (flags['walk-forward'] !== undefined) {
      if (!flags.sweep?.length) usageError('--walk-forward needs --sweep NAME=RANGE: the parameters to optimise on each training window')
      const {walkForward} = await import('../sweep/walk-forward.js')
      const {renderWalkForward, walkForwardToJson} = await import('../cli/render/walk-forward.js')
      const stop = new AbortController()
      const onSigint = () => (stop.signal.aborted ? interruptExit('interrupted again: quitting') : stop.abort())
      process.on('SIGINT', onSigint)
      let outcome
      try {
        outcome = await withRunProgress(`Walk forward ${args.spec}`, !this.jsonEnabled(), (progress) =>
          walkForward({...request, walkForward: flags['walk-forward']!, sweeps: flags.sweep!, rankBy: flags['rank-by'] as (typeof RANK_KEYS)[number], riskFreeRate, signal: stop.signal, onStage: (text) => progress.stage(text)}),
        )
      } finally {
        process.off('SIGINT', onSigint)
      }
      if (!this.jsonEnabled()) this.log(renderWalkForward(outcome))
      if (outcome.interrupted) process.exitCode = 130
      return walkForwardToJson(outcome)
    }
    if (flags.sweep?.length) {
      const {sweepSpecFile} = await import('../sweep/run-sweep.js')
      const {renderSweep, sweepToJson} = await import('../cli/render/sweep.js')
      // Ctrl-C stops the sweep and keeps what finished; a second Ctrl-C quits at once.
      const stop = new AbortController()
      const onSigint = () => {
        if (stop.signal.aborted) interruptExit('interrupted again: quitting without recording')
        stop.abort()
      }
      process.on('SIGINT', onSigint)
      let sweep
      try {
        sweep = await withRunProgress(`Sweep ${args.spec}`, !this.jsonEnabled(), (progress) =>
          this.withParamNames(args.spec, flags.strategies, flags.param, () =>
            sweepSpecFile({...request, sweeps: flags.sweep!, rankBy: flags['rank-by'] as (typeof RANK_KEYS)[number], top: flags.top, workers: flags.workers, record: flags.record, equity: flags.equity as EquityResolution | undefined, riskFreeRate, signal: stop.signal, onStage: (text) => progress.stage(text)}),
          ),
        )
      } finally {
        process.off('SIGINT', onSigint)
      }
      if (!this.jsonEnabled()) this.log(renderSweep(sweep, colorEnabled()))
      if (sweep.interrupted || stop.signal.aborted) {
        const {finished, of} = sweep.interrupted ?? {finished: sweep.runs.length, of: sweep.runs.length}
        const kept = sweep.sweepId === undefined ? (flags.record ? 'nothing recorded' : 'not recorded (--no-record)') : `recorded as sweep ${sweep.sweepId}`
        writeSync(2, `interrupted: kept the ${finished} of ${of} combinations that finished; ${kept}\n`)
        process.exitCode = 130
        return sweepToJson(sweep)
      }
      // A sweep that ran nothing is a failed command, not an empty success (CI must notice), and says
      // so where errors go (a terminal's progress line had just ended with a ✔).
      if (sweep.runs.length === 0) {
        process.exitCode = EXIT_INVALID
        if (!this.jsonEnabled()) {
          const why = sweep.skipped.length === sweep.combinations ? `every one of the ${sweep.combinations} combinations is invalid for the strategy` : 'no combination ran'
          writeSync(2, `error: the sweep ran nothing: ${why}\n  hint: change the ranges (--sweep NAME=FROM..TO:STEP) so that some combinations pass the strategy's checks (the reason of one is above)\n`)
        }
      }
      return sweepToJson(sweep)
    }
    // Ctrl-C: during the run, say how far it got and exit 130; after it, finish the results first.
    const at = {done: 0, total: 0}
    let barsSeen: (() => number) | undefined // a strategy in a worker: where it is right now
    const interrupt = new BacktestInterrupt(() => ({done: Math.max(at.done, barsSeen?.() ?? 0), total: at.total}), processInterruptOutput)
    process.on('SIGINT', interrupt.onSigint)
    try {
      const finished = await this.runAndFinish(args.spec, flags, request, riskFreeRate, interrupt, at, (read) => (barsSeen = read))
      if (interrupt.interrupted) {
        const kept = finished.runId === undefined ? 'its results are written, not recorded (--no-record)' : `its results are recorded as run ${finished.runId} (${runsShowCommand(finished.runId, finished.store, resolveStorePath())})`
        writeSync(2, `interrupted after the run: ${kept}\n`)
        process.exitCode = 130
      }
      return undefined
    } finally {
      process.off('SIGINT', interrupt.onSigint)
    }
  }

  /** One run (not a sweep): run it, then record, report and print or stream its results. */
  private async runAndFinish(
    specFile: string,
    flags: Interfaces.InferredFlags<typeof Backtest.flags>,
    request: Pick<BacktestRequest, 'file' | 'overrides' | 'db' | 'strategies'>,
    riskFreeRate: number | undefined,
    interrupt: BacktestInterrupt,
    at: {done: number; total: number},
    watch: (read: () => number) => void,
  ): Promise<Finished> {
    let outcome
    try {
      outcome = await withRunProgress(`Backtest ${specFile}`, !this.jsonEnabled(), (progress) =>
        this.withParamNames(specFile, flags.strategies, flags.param, () =>
          backtestSpecFile({
            ...request,
            deferSettle: true, // finishBacktest settles a first use's import once the results are computed
            keepOrders: this.jsonEnabled(), // only the JSON result lists the orders; the rest needs their counts
            // Users' plugins run in a worker so Ctrl-C (and the timeout) can always stop them.
            isolate: {clock: new WallClock(), iterationTimeoutMs: flags['iteration-timeout'], watch},
            onStage: (stage, detail) => {
              // The bars are being read: the modules for after the run load in the waits for them.
              if (stage === 'load') for (const m of [finishRun, this.jsonEnabled() ? jsonResult : summaryRender]) m.start()
              progress.stage(detail ? `${stage}: ${detail}` : stage)
            },
            onProgress: (done, total) => {
              at.done = done
              at.total = total
              progress.bars(done, total)
            },
          }),
        ),
      )
    } finally {
      interrupt.ended()
    }
    const liveStart = outcome.spec.live?.feed?.start
    // Said only when the two differ: the backtest starting where the replay does needs no word.
    if (liveStart !== undefined && !sameDate(liveStart, outcome.spec.backtest.start)) outcome.warnings.push({...liveStartWarning(liveStart, outcome.spec.backtest.start), ...(await locateInSpec(specFile, '/live/feed/start'))})
    // --json: the document (with fills, trades and the equity curve) is streamed to stdout, never
    // built as one string, while DuckDB commits the run; its last block is written only once the
    // run is recorded and its report written, so a failure leaves a document that does not parse,
    // then the error object, and exit 1. Returning nothing keeps oclif from printing it again.
    let json: HeldJson | undefined
    let finishBacktest: FinishModule['finishBacktest']
    let renderBacktestSummary: SummaryRenderModule['renderBacktestSummary'] | undefined
    try {
      ;({finishBacktest} = await finishRun())
      if (this.jsonEnabled()) await jsonResult()
      else ({renderBacktestSummary} = await summaryRender())
    } catch (error) {
      await outcome.settle?.().catch(() => {}) // a first use's import still being stored: let it finish and close
      throw error
    }
    const whileRecording = async (f: Finished): Promise<void> => {
      const {backtestJsonHead, writeBacktestJsonHeld} = await jsonResult()
      json = await closedOutputIgnored(writeBacktestJsonHeld(backtestJsonHead(outcome, f), outcome.result, {equity: flags.equity as EquityResolution | undefined, timeZone: marketTimezone(outcome.spec.market)}))
    }
    let finished: Finished
    try {
      finished = await finishBacktest(outcome, {record: flags.record, db: flags.db, out: flags.out, report: flags.report, defaultReport: !flags['no-report'], riskFreeRate, overrides: overridesText(flags), equity: flags.equity as EquityResolution | undefined, whileRecording: this.jsonEnabled() ? whileRecording : undefined})
    } catch (error) {
      if (json) {
        json.abandon()
        // The error object (printed next, to stdout with --json) then starts on a line of its own.
        process.stdout.write('\n')
      }
      throw error
    }
    if (renderBacktestSummary) this.log(renderBacktestSummary(outcome, finished, colorEnabled()))
    else await closedOutputIgnored(json?.end())
    return finished
  }

  /**
   * Run `work`; when it fails on a `--param` naming no parameter of the strategy (ajv's raw "must
   * NOT have additional properties"), say which name is unknown and list the valid ones.
   */
  private async withParamNames<T>(file: string, strategies: string[] | undefined, params: string[] | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      if (!isBotsError(error) || error.diagnostic.code !== 'flag.param' || !/additional properties/.test(error.message)) throw error
      const discovery = await discoverStrategies({extra: strategies})
      const loaded = await loadBotSpec(file, {discovery})
      const {definition} = await resolveStrategy(loaded.spec, discovery)
      const known = Object.keys((definition.params as {properties?: object}).properties ?? {})
      const names = (params ?? []).map((p) => p.slice(0, Math.max(0, p.indexOf('='))).trim()).filter((n) => n && !known.includes(n))
      const unknown = names[0] ?? '?'
      throw new BotsError(`--param ${unknown}: strategy "${definition.name}" has no parameter \`${unknown}\``, {
        code: 'flag.param',
        hint: `its parameters: ${known.join(', ')} (bots strategies show ${definition.name})`,
      })
    }
  }
}

/** `work`'s value, or undefined when stdout's reader went away (`| head`): nothing more to say, and nowhere to say it. */
async function closedOutputIgnored<T>(work: Promise<T> | undefined): Promise<T | undefined> {
  try {
    return await work
  } catch (error) {
    if (!(error instanceof OutputClosedError)) throw error
    return undefined
  }
}

/** Located in the spec (file as given, line, column) by the caller, as the run's other warnings are. */
function liveStartWarning(liveStart: string, start: string | undefined): Diagnostic {
  return {
    severity: 'warning',
    path: '/live/feed/start',
    code: 'backtest.live_start',
    message: `live.feed.start (${liveStart}) applies to \`bots live\` only; the backtest ${start ? `starts at backtest.start (${start})` : 'uses the whole data (no backtest.start)'}`,
    hint: 'set backtest.start (or --start) to backtest from the same day',
  }
}

/** Whether two date texts name the same moment (`2014-01-02` and `2014-01-02T00:00:00` do: only `dateOnly` differs). */
function sameDate(a: string, b: string | undefined): boolean {
  if (b === undefined) return false
  const x = parseDateText(a)
  const y = parseDateText(b)
  if (x === undefined || y === undefined) return false
  const {dateOnly: _x, ...xs} = x
  const {dateOnly: _y, ...ys} = y
  return JSON.stringify(xs) === JSON.stringify(ys)
}

function overridesText(f: {start?: string; end?: string; cash?: string; param?: string[]}): string[] {
  return [
    ...(f.start ? [`--start ${f.start}`] : []),
    ...(f.end ? [`--end ${f.end}`] : []),
    ...(f.cash ? [`--cash ${f.cash}`] : []),
    ...(f.param ?? []).map((p) => `--param ${p}`),
  ]
}

/** `parse()`, its BotsError (a flag value it refused) thrown again as a usage error with the same words. */
function asUsage<T>(parse: () => T): T {
  try {
    return parse()
  } catch (error) {
    if (!isBotsError(error)) throw error
    return usageError(error.message, error.hint)
  }
}
