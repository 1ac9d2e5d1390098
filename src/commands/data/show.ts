import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {dbFlag, timeframeFlag, tzFlag} from '../../cli/flags.js'
import {renderShow} from '../../cli/render/data.js'
import {showSeries, type SeriesDetail} from '../../data/show.js'
import {withStore} from '../../data/store.js'

export default class DataShow extends BaseCommand {
  static override description = `Show a symbol's series: summary, gaps and its first and last bars.

Gaps are listed, never filled. Session breaks (overnight for intraday bars, weekends for daily bars) are counted but not listed; missing weekdays include market holidays.`
  static override examples = ['<%= config.bin %> data show ORCL', '<%= config.bin %> data show IDX --timeframe 5M --json']
  static override args = {symbol: Args.string({description: 'Symbol.', required: true})}
  static override flags = {
    timeframe: timeframeFlag('Only this timeframe. Default: every timeframe of the symbol.'),
    tz: tzFlag("Zone for local dates when classifying gaps. Default: the symbol's latest import's zone."),
    rows: Flags.integer({description: 'Bars shown at each end.', default: 5, min: 0}),
    gaps: Flags.integer({description: 'Gaps listed.', default: 20, min: 0}),
    db: dbFlag,
  }

  async run(): Promise<SeriesDetail[]> {
    const {args, flags} = await this.parse(DataShow)
    const details = await withStore({path: flags.db, readOnly: true}, (store) =>
      showSeries(store, args.symbol, {timeframe: flags.timeframe, timezone: flags.tz, rows: flags.rows, gaps: flags.gaps}),
    )
    this.log(renderShow(details))
    return details
  }
}
