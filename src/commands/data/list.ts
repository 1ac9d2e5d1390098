import {Flags} from '../../cli/oclif.js'
import {BaseCommand} from '../../cli/base-command.js'
import {importZones, listSeries, type SeriesSummary} from '../../data/catalog.js'
import {dbFlag} from '../../cli/flags.js'
import {renderList} from '../../cli/render/data.js'
import {withStore} from '../../data/store.js'

export default class DataList extends BaseCommand {
  static override description = `List the series in the store: symbol, timeframe, first and last bar, rows. Daily (and longer) bars show as dates in the zone the symbol was imported in, as bots data show prints them; shorter bars as UTC open times.\n\n--json: first and last are always ISO 8601 UTC open times.`
  static override examples = ['<%= config.bin %> data list', '<%= config.bin %> data list --json', '<%= config.bin %> data list --symbol ORCL']
  static override flags = {
    symbol: Flags.string({char: 's', description: 'Only this symbol.'}),
    db: dbFlag,
  }

  async run(): Promise<SeriesSummary[]> {
    const {flags} = await this.parse(DataList)
    const [series, zones] = await withStore({path: flags.db, readOnly: true, mustExist: 'data'}, async (store) => [await listSeries(store, flags.symbol), await importZones(store)] as const)
    if (!this.jsonEnabled()) this.log(renderList(series, zones))
    return series
  }
}
