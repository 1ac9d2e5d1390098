import {Args, Flags} from '@oclif/core'
import {backtestSpecFile} from '../backtest/run-spec.js'
import {BaseCommand, EXIT_INVALID, usageError} from '../cli/base-command.js'
import {colorEnabled} from '../cli/color.js'
import {strategiesFlag} from '../cli/flags.js'
import {renderBacktestSummary} from '../cli/render/backtest.js'
import {withRunProgress} from '../cli/run-progress.js'
import {resultToJson} from '../engine/result.js'
import {finishBacktest} from '../results/finish-run.js'
import {parseRate} from '../sweep/parse-sweep.js'
import {RANK_KEYS} from '../sweep/rank.js'

export default class Backtest extends BaseCommand {
  static override description = `Run a bot spec over historical bars and print the results.

The spec is validated first (as \`bots validate\` does). Bars come from the DuckDB store; a spec
whose data source is a file imports it on first use, and again only when the file changed.
Daily timeframes run on the Daily runner, shorter ones on the intraday Backtest runner.

Every run is recorded in the store (tables runs, run_trades, run_equity; see \`bots runs\`)
unless --no-record is given. With --sweep, every combination of the swept parameters runs in
parallel (one worker per core) and the best ones are printed.`

  static override examples = [
    '<%= config.bin %> backtest examples/orcl-sma-cross.yaml',
    '<%= config.bin %> backtest examples/orcl-sma-cross.yaml --start 2010-01-01 --param fast=20 --param slow=50',
    '<%= config.bin %> backtest examples/orcl-sma-cross.yaml --report report.html --out results/',
    '<%= config.bin %> backtest examples/orcl-sma-cross.yaml --sweep fast=5..50:5 --sweep slow=20..200:10 --rank-by sharpe --top 10',
    '<%= config.bin %> backtest examples/orcl-sma-cross.yaml --json > result.json',
  ]

  static override args = {spec: Args.string({description: 'Bot spec file.', required: true})}

  static override flags = {
    start: Flags.string({description: 'Override backtest.start (YYYY-MM-DD or ISO 8601, market time zone).'}),
    end: Flags.string({description: 'Override backtest.end (inclusive).'}),
    cash: Flags.string({description: 'Override broker.cash.'}),
    param: Flags.string({char: 'p', description: 'Override a strategy parameter (repeatable).', multiple: true, helpValue: 'NAME=VALUE'}),
    db: Flags.string({description: 'DuckDB store file. Default: the spec\'s data.db, BOTS_DB, or .bots/bots.duckdb.', helpValue: 'PATH'}),
    strategies: strategiesFlag,
    record: Flags.boolean({description: 'Record the run in the results store (default). --no-record needs no writable store.', default: true, allowNo: true}),
    report: Flags.string({description: 'Write a self-contained HTML report (charts, metrics, trades, spec).', helpValue: 'FILE', exclusive: ['sweep']}),
    out: Flags.string({description: 'Write trades and equity as CSV and Parquet into this folder.', helpValue: 'DIR', exclusive: ['sweep']}),
    'risk-free': Flags.string({description: 'Annual risk-free rate for Sharpe and Sortino: 0.02 or 2%. Default 0.', helpValue: 'RATE'}),
    sweep: Flags.string({description: 'Sweep a parameter (repeatable): NAME=FROM..TO:STEP or NAME=A,B,C.', multiple: true, helpValue: 'NAME=RANGE'}),
    'rank-by': Flags.string({description: 'Sweep ranking metric.', options: [...RANK_KEYS], default: 'sharpe'}),
    top: Flags.integer({description: 'Sweep: how many of the best runs to print (and keep equity curves of).', default: 10, min: 1}),
    workers: Flags.integer({description: 'Sweep: worker threads. Default: one per core.', min: 1}),
  }

  async run(): Promise<Record<string, unknown>> {
    const {args, flags} = await this.parse(Backtest)
    const cash = flags.cash === undefined ? undefined : Number(flags.cash)
    if (cash !== undefined && !(Number.isFinite(cash) && cash > 0)) usageError(`--cash ${flags.cash}: expected a positive number`)
    const riskFreeRate = parseRate(flags['risk-free'])
    const request = {
      file: args.spec,
      overrides: {start: flags.start, end: flags.end, cash, params: flags.param},
      db: flags.db,
      strategies: flags.strategies,
    }
    if (flags.sweep?.length) {
      const {sweepSpecFile} = await import('../sweep/run-sweep.js')
      const {renderSweep, sweepToJson} = await import('../cli/render/sweep.js')
      const sweep = await withRunProgress(`Sweep ${args.spec}`, !this.jsonEnabled(), (progress) =>
        sweepSpecFile({...request, sweeps: flags.sweep!, rankBy: flags['rank-by'] as (typeof RANK_KEYS)[number], top: flags.top, workers: flags.workers, record: flags.record, riskFreeRate, onStage: (text) => progress.stage(text)}),
      )
      if (!this.jsonEnabled()) this.log(renderSweep(sweep, colorEnabled()))
      // A sweep that ran nothing is a failed command, not an empty success (CI must notice).
      if (sweep.runs.length === 0) process.exitCode = EXIT_INVALID
      return sweepToJson(sweep)
    }
    const outcome = await withRunProgress(`Backtest ${args.spec}`, !this.jsonEnabled(), (progress) =>
      backtestSpecFile({
        ...request,
        onStage: (stage, detail) => progress.stage(detail ? `${stage}: ${detail}` : stage),
        onProgress: (done, total) => progress.bars(done, total),
      }),
    )
    const finished = await finishBacktest(outcome, {record: flags.record, db: flags.db, out: flags.out, report: flags.report, riskFreeRate, overrides: overridesText(flags)})
    if (!this.jsonEnabled()) this.log(renderBacktestSummary(outcome, finished, colorEnabled()))
    return {
      spec: outcome.spec.file,
      runId: finished.runId ?? null,
      specHash: finished.specHash,
      barsHash: finished.barsHash,
      summary: outcome.summary,
      metrics: finished.metrics,
      files: finished.files,
      report: finished.report ?? null,
      warnings: outcome.warnings,
      imports: outcome.imports.map(({symbol, file, action}) => ({symbol, file, action})),
      ...resultToJson(outcome.result),
    }
  }
}

function overridesText(f: {start?: string; end?: string; cash?: string; param?: string[]}): string[] {
  return [
    ...(f.start ? [`--start ${f.start}`] : []),
    ...(f.end ? [`--end ${f.end}`] : []),
    ...(f.cash ? [`--cash ${f.cash}`] : []),
    ...(f.param ?? []).map((p) => `--param ${p}`),
  ]
}
