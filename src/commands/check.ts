import {existsSync} from 'node:fs'
import {Args, Flags} from '../cli/oclif.js'
import {prepareBacktest} from '../backtest/run-spec.js'
import {BaseCommand, usageError} from '../cli/base-command.js'
import {checkStrategiesFolder, strategiesFlag} from '../cli/flags.js'
import {renderLookahead} from '../cli/render/lookahead.js'
import {lookaheadCheck, type LookaheadReport} from '../check/lookahead.js'
import {WallClock} from '../core/clock.js'
import {pluginLoadTarget} from '../strategy/discover.js'

export default class Check extends BaseCommand {
  static override description = `Check a strategy for look-ahead: does any decision depend on bars that had not closed yet?

Runs the backtest of SPEC on all its bars, then again on the bars cut right after bars where it decided something (and at a few evenly spaced points), and compares the orders decided up to each cut. A strategy that reads only the past decides the same; one that peeks at later bars (through a history buffer, or by reading the data itself) decides differently where the cut removed the future. Reports the first such decision, naming the bar and the order.

The \`rules\` strategy cannot look ahead (checked when the spec is validated); this is for code plugins. Plugins from your folders run in a worker thread, as in \`bots backtest\`.

Exit codes: 0 no decision changed, 1 a decision changed (or the spec is invalid), 2 usage errors.`

  static override examples = ['<%= config.bin %> check examples/orcl-sma-cross.yaml', '<%= config.bin %> check my-bot.yaml --cuts 40 --json']
  static override args = {spec: Args.string({description: 'Bot spec file (YAML).', required: true})}
  static override flags = {
    cuts: Flags.integer({description: 'How many cuts right after bars where the strategy decided something (plus 4 evenly spaced).', default: 12, min: 1}),
    db: Flags.string({description: 'DuckDB store with the bars (default: the spec\'s data.db, BOTS_DB, .bots/bots.duckdb).', helpValue: 'PATH'}),
    strategies: strategiesFlag,
  }

  async run(): Promise<LookaheadReport> {
    const {args, flags} = await this.parse(Check)
    if (!existsSync(args.spec)) usageError(`no such file: ${args.spec}`)
    // A missing --strategies folder would be skipped without a word: refused as `bots validate` refuses it.
    for (const folder of flags.strategies ?? []) checkStrategiesFolder(folder)
    const p = await prepareBacktest({file: args.spec, db: flags.db, strategies: flags.strategies})
    const plugin = pluginLoadTarget(p.source)
    const clock = new WallClock()
    const params = p.spec.strategy.params
    const isolated = plugin && !plugin.shipped ? await import('../backtest/isolated-run.js') : undefined
    const report = await lookaheadCheck({
      spec: p.spec, bars: p.bars, definition: p.definition, params, decisionCuts: flags.cuts,
      run: isolated && plugin
        ? (bars, omit) => isolated.runBacktestIsolated({spec: p.spec, bars, plugin, name: p.definition.name, params, clock, omitHooks: omit})
        : undefined,
    })
    if (!this.jsonEnabled()) this.log(renderLookahead(report))
    if (!report.passed) process.exitCode = 1
    return report
  }
}
