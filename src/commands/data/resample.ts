import {Args, Flags} from '../../cli/oclif.js'
import {BaseCommand} from '../../cli/base-command.js'
import {dbFlag, tzFlag} from '../../cli/flags.js'
import {renderResample} from '../../cli/render/data.js'
import {resampleBars, type ResampleResult} from '../../data/resample.js'
import {withStore} from '../../data/store.js'

export default class DataResample extends BaseCommand {
  static override description = `Make longer bars from shorter ones inside DuckDB and store them under the new timeframe.

First open, highest high, lowest low, last close, summed volume. Bars of a day or longer are cut at local midnight in --tz (the session day of the market, not the UTC day) and stamped 00:00 local; shorter bars are cut on the local clock. Only bars that exist are aggregated: gaps stay gaps.

Bars "from incomplete periods" (\`partial\` in --json) are made of fewer bars than their period holds: its real length on the local clock (a New York day lasts 23 or 25 hours when DST starts or ends), and of that only the market's session time (an NYSE day 390 minutes, 210 on an early close, none on a holiday). \`market\` in --json says which calendar that was.

Intraday bars outside the market's sessions (pre- and after-market; \`outside\` in --json) go into the buckets with the rest, with a warning, unless --sessions-only leaves them out. A bucket the clock starts before the open whose first bar is in the session is stamped at the open (NYSE hourly bars: 09:30, 10:00, … 15:00). The bars an earlier resample made of the same buckets under the other stamp, or of the bars --sessions-only leaves out, are removed (\`removed\`).`
  static override examples = [
    '<%= config.bin %> data resample BTC --from 1M --to 5M',
    '<%= config.bin %> data resample SPY --from 1M --to 1D --tz America/New_York',
    '<%= config.bin %> data resample BTC --from 1M --to 1D --tz America/New_York --market 24/7',
    '<%= config.bin %> data resample SPY --from 1M --to 1D --market NYSE --sessions-only',
  ]
  static override args = {symbol: Args.string({description: 'Symbol.', required: true})}
  static override flags = {
    from: Flags.string({description: 'Timeframe of the stored bars.', required: true, helpValue: '1M'}),
    to: Flags.string({description: 'Timeframe to make.', required: true, helpValue: '5M|1H|1D'}),
    tz: tzFlag("Market time zone for cutting bars. Default: the symbol's latest import's zone, else UTC."),
    market: Flags.string({
      description:
        'Market calendar whose sessions say how many bars a period holds: 24/7, NYSE, "ZONE HH:MM-HH:MM" (Monday to Friday), or a custom market as JSON, as `data show --market` takes it. Default as there: NYSE when the latest import read its times in America/New_York, else guessed from the bars.',
      helpValue: 'MARKET',
    }),
    'sessions-only': Flags.boolean({description: 'Leave out the source bars outside the market\'s sessions (pre- and after-market): the bars made are of session bars only. Needs --market, or NYSE from a New York import (a market guessed from the bars has their hours).', default: false}),
    db: dbFlag,
  }

  async run(): Promise<ResampleResult> {
    const {args, flags} = await this.parse(DataResample)
    const result = await withStore({path: flags.db, mustExist: 'data'}, (store) =>
      resampleBars(store, {symbol: args.symbol, from: flags.from, to: flags.to, timezone: flags.tz, market: flags.market, sessionsOnly: flags['sessions-only']}),
    )
    this.log(renderResample(result))
    return result
  }
}
