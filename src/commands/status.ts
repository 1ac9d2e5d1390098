import {Args} from '../cli/oclif.js'
import {BotCommand} from '../cli/bot-command.js'
import {dbFlag, registryFlag, userIdFlag} from '../cli/flags.js'
import {renderStatus} from '../cli/render/bots.js'
import {withRegistry} from '../service/registry/open-registry.js'
import {type BotStatusView} from '../service/queries.js'

export default class Status extends BotCommand {
  static override description = `Show how bots are doing: status, last heartbeat, equity, open positions, trades, feed position, last error.

The feed position is the open time of the last bar the bot processed and, for a replay feed, how many stored bars remain after it (0: the replay is at the end of the stored data).`
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status 3 --json']
  static override args = {id: Args.integer({description: 'Bot id (default: every bot).', min: 1})}
  static override flags = {'user-id': userIdFlag('Only this user\'s bots.'), db: dbFlag, registry: registryFlag}

  async run(): Promise<BotStatusView[] | BotStatusView> {
    const {args, flags} = await this.parse(Status)
    const views = await withRegistry({registry: flags.registry, db: {path: flags.db, mustExist: 'bots'}}, (r) => r.status(args.id, flags['user-id']))
    this.log(renderStatus(views, Date.now()))
    return args.id === undefined ? views : views[0]
  }
}
