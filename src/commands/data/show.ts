import {Args, Flags} from '../../cli/oclif.js'
import {BaseCommand} from '../../cli/base-command.js'
import {dbFlag, timeframeFlag, tzFlag} from '../../cli/flags.js'
import {renderShow} from '../../cli/render/data.js'
import {showSeries, type SeriesDetail} from '../../data/show.js'
import {withConnection, withStore} from '../../data/store.js'
import {checkTimezone} from '../../data/timezone.js'

export default class DataShow extends BaseCommand {
  static override description = `Show a symbol's series: summary, what it is missing, and its first and last bars.

Missing is measured against the market's calendar (--market) between the series' first and last bar, and is reported, never filled. Daily bars: a missing session is a trading day with no bar dated that day; weekends, holidays and other closed days are never missing. Intraday bars: a missing bar is a bar slot inside a session with no bar; nights, weekends, holidays and the rest of an early-close day are never missing, and a session without any bar counts all of its slots. Bars dated on a closed day or outside every session are counted separately. Daily bars print as dates, intraday bars as open times in the market's zone with its offset.

--json: the result as an array, one object per timeframe. \`missing\` is the calendar's view: unit ("session" or "bar"), count, runs, outside, and ranges [{from, to, count}] (first and last missing session date or bar open time, inclusive). \`market\` says which calendar and where it came from (source "flag", "import", "bars" or "fit": NYSE fitted to weekday daily bars, with \`holidays\` the weekdays without a bar that are NYSE holidays). \`time\`, \`first\` and \`last\` stay ISO 8601 UTC; \`local\`, \`firstLocal\` and \`lastLocal\` are the market's view. \`gaps\` keeps its earlier, calendar-blind meaning: every pair of consecutive bars further apart than one timeframe, closures included (kinds overnight, weekend, intraday, days).`
  static override examples = [
    '<%= config.bin %> data show ORCL',
    '<%= config.bin %> data show ORCL --market NYSE --json',
    '<%= config.bin %> data show IDX --timeframe 5M --market "Europe/Berlin 09:00-17:30"',
  ]
  static override args = {symbol: Args.string({description: 'Symbol.', required: true})}
  static override flags = {
    timeframe: timeframeFlag('Only this timeframe. Default: every timeframe of the symbol.'),
    market: Flags.string({
      description:
        'Market calendar the series is checked against: 24/7, NYSE, "ZONE HH:MM-HH:MM" (Monday to Friday, no holidays), or a custom market as JSON ({"timezone","open","close","days","holidays"}, as in a bot spec). Default: NYSE when the symbol\'s latest import read its times in America/New_York; otherwise guessed from the bars in that import\'s zone (UTC if none): Monday to Friday plus any weekend day with bars, intraday hours from the earliest bar open to the latest bar close, no holidays; daily bars on weekdays only, all of them on NYSE trading days, are measured against NYSE when its holidays explain days without a bar.',
      helpValue: 'MARKET',
    }),
    tz: tzFlag("Zone of daily bars' dates (and of the calendar-blind gaps). Default: the symbol's latest import's zone, else the market's."),
    rows: Flags.integer({description: 'Bars shown at each end.', default: 5, min: 0}),
    gaps: Flags.integer({description: 'Runs of missing sessions or bars listed (and calendar-blind gaps in --json).', default: 20, min: 0}),
    db: dbFlag,
  }

  async run(): Promise<SeriesDetail[]> {
    const {args, flags} = await this.parse(DataShow)
    const details = await withStore({path: flags.db, readOnly: true, mustExist: 'data'}, async (store) => {
      // Checked as `data resample` checks it: a wrong name otherwise reached DuckDB, whose raw error was all the user saw.
      const timezone = flags.tz === undefined ? undefined : await withConnection(store, (conn) => checkTimezone(conn, flags.tz!))
      return showSeries(store, args.symbol, {timeframe: flags.timeframe, timezone, market: flags.market, rows: flags.rows, gaps: flags.gaps})
    })
    this.log(renderShow(details))
    return details
  }
}
