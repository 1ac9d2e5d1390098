import {Flags} from '../cli/oclif.js'
import {BotCommand} from '../cli/bot-command.js'
import {botIdArg, dbFlag, registryFlag} from '../cli/flags.js'
import {renderTrades} from '../cli/render/bots.js'
import {withRegistry} from '../service/registry/open-registry.js'
import {type TradeView} from '../service/queries.js'

export default class Trades extends BotCommand {
  static override description = 'List the fills a live bot made, oldest first (by run: a bot started afresh after a strategy change begins a new one, shown in a RUN column).'
  static override examples = ['<%= config.bin %> trades 3', '<%= config.bin %> trades 3 --json']
  static override args = {id: botIdArg}
  static override flags = {limit: Flags.integer({description: 'At most this many, the oldest first (`bots logs --limit` keeps the latest events).', min: 1}), db: dbFlag, registry: registryFlag}

  async run(): Promise<TradeView[]> {
    const {args, flags} = await this.parse(Trades)
    const trades = await withRegistry({registry: flags.registry, db: {path: flags.db, mustExist: 'bots'}}, (r) => r.trades(args.id, flags.limit))
    this.log(renderTrades(trades))
    return trades
  }
}
