import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {listSeries, type SeriesSummary} from '../../data/catalog.js'
import {dbFlag} from '../../cli/flags.js'
import {renderList} from '../../cli/render/data.js'
import {withStore} from '../../data/store.js'

export default class DataList extends BaseCommand {
  static override description = 'List the series in the store: symbol, timeframe, first and last bar (UTC open times), rows.'
  static override examples = ['<%= config.bin %> data list', '<%= config.bin %> data list --json', '<%= config.bin %> data list --symbol ORCL']
  static override flags = {
    symbol: Flags.string({char: 's', description: 'Only this symbol.'}),
    db: dbFlag,
  }

  async run(): Promise<SeriesSummary[]> {
    const {flags} = await this.parse(DataList)
    const series = await withStore({path: flags.db, readOnly: true}, (store) => listSeries(store, flags.symbol))
    this.log(renderList(series))
    return series
  }
}
