import {Args, Flags} from '@oclif/core'
import {backtestSpecFile} from '../backtest/run-spec.js'
import {BaseCommand} from '../cli/base-command.js'
import {colorEnabled} from '../cli/color.js'
import {strategiesFlag} from '../cli/flags.js'
import {renderBacktestSummary} from '../cli/render-backtest.js'
import {withRunProgress} from '../cli/run-progress.js'
import {resultToJson} from '../engine/result.js'

export default class Backtest extends BaseCommand {
  static override description = `Run a bot spec over historical bars and print the results.

The spec is validated first (as \`bots validate\` does). Bars come from the DuckDB store; a spec
whose data source is a file imports it on first use, and again only when the file changed.
Daily timeframes run on the Daily runner, shorter ones on the intraday Backtest runner.`

  static override examples = [
    '<%= config.bin %> backtest examples/orcl-sma-cross.yaml',
    '<%= config.bin %> backtest examples/orcl-sma-cross.yaml --start 2010-01-01 --param fast=20 --param slow=50',
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
  }

  async run(): Promise<Record<string, unknown>> {
    const {args, flags} = await this.parse(Backtest)
    const cash = flags.cash === undefined ? undefined : Number(flags.cash)
    const outcome = await withRunProgress(`Backtest ${args.spec}`, !this.jsonEnabled(), (progress) =>
      backtestSpecFile({
        file: args.spec,
        overrides: {start: flags.start, end: flags.end, cash, params: flags.param},
        db: flags.db,
        strategies: flags.strategies,
        onStage: (stage, detail) => progress.stage(detail ? `${stage}: ${detail}` : stage),
        onProgress: (done, total) => progress.bars(done, total),
      }),
    )
    if (!this.jsonEnabled()) this.log(renderBacktestSummary(outcome, colorEnabled()))
    return {
      spec: outcome.spec.file,
      summary: outcome.summary,
      warnings: outcome.warnings,
      imports: outcome.imports.map(({symbol, file, action}) => ({symbol, file, action})),
      ...resultToJson(outcome.result),
    }
  }
}
