import {Args} from '../../cli/oclif.js'
import {BaseCommand} from '../../cli/base-command.js'
import {removeSeries, type RemoveResult} from '../../data/catalog.js'
import {dbFlag, timeframeFlag} from '../../cli/flags.js'
import {renderRemove} from '../../cli/render/data.js'
import {withStore} from '../../data/store.js'

export default class DataRemove extends BaseCommand {
  static override description = "Remove a symbol's bars from the store (one timeframe, or all) and its import log."
  static override examples = ['<%= config.bin %> data remove ORCL', '<%= config.bin %> data remove IDX --timeframe 5M']
  static override args = {symbol: Args.string({description: 'Symbol.', required: true})}
  static override flags = {
    timeframe: timeframeFlag('Only this timeframe. Default: all.'),
    db: dbFlag,
  }

  async run(): Promise<RemoveResult> {
    const {args, flags} = await this.parse(DataRemove)
    const result = await withStore({path: flags.db, mustExist: 'data'}, (store) => removeSeries(store, args.symbol, flags.timeframe))
    this.log(renderRemove(result))
    return result
  }
}
