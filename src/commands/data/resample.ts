import {Args, Flags} from '../../cli/oclif.js'
import {BaseCommand} from '../../cli/base-command.js'
import {dbFlag, tzFlag} from '../../cli/flags.js'
import {renderResample} from '../../cli/render/data.js'
import {resampleBars, type ResampleResult} from '../../data/resample.js'
import {withStore} from '../../data/store.js'

export default class DataResample extends BaseCommand {
  static override description = `Make longer bars from shorter ones inside DuckDB and store them under the new timeframe.

First open, highest high, lowest low, last close, summed volume. Bars of a day or longer are cut at local midnight in --tz (the session day of the market, not the UTC day) and stamped 00:00 local; shorter bars are cut on the local clock. Only bars that exist are aggregated: gaps stay gaps.`
  static override examples = [
    '<%= config.bin %> data resample BTC --from 1M --to 5M',
    '<%= config.bin %> data resample SPY --from 1M --to 1D --tz America/New_York',
  ]
  static override args = {symbol: Args.string({description: 'Symbol.', required: true})}
  static override flags = {
    from: Flags.string({description: 'Timeframe of the stored bars.', required: true, helpValue: '1M'}),
    to: Flags.string({description: 'Timeframe to make.', required: true, helpValue: '5M|1H|1D'}),
    tz: tzFlag("Market time zone for cutting bars. Default: the symbol's latest import's zone, else UTC."),
    db: dbFlag,
  }

  async run(): Promise<ResampleResult> {
    const {args, flags} = await this.parse(DataResample)
    const result = await withStore({path: flags.db}, (store) =>
      resampleBars(store, {symbol: args.symbol, from: flags.from, to: flags.to, timezone: flags.tz}),
    )
    this.log(renderResample(result))
    return result
  }
}
