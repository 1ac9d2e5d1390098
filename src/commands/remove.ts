import {BotCommand} from '../cli/bot-command.js'
import {withRegistry} from '../service/registry/open-registry.js'
import {botIdArg, dbFlag, registryFlag} from '../cli/flags.js'
import {botJson} from '../cli/render/bots.js'
import {removeBot} from '../service/manage.js'

export default class Remove extends BotCommand {
  static override description = 'Remove a bot and everything recorded for it (trades, metrics, events, state). A running service stops it at its next poll.'
  static override examples = ['<%= config.bin %> remove 3']
  static override args = {id: botIdArg}
  static override flags = {db: dbFlag, registry: registryFlag}

  async run(): Promise<Record<string, unknown>> {
    const {args, flags} = await this.parse(Remove)
    const bot = await withRegistry({registry: flags.registry, db: {path: flags.db, mustExist: 'bots'}}, (registry) => removeBot(args.id, {registry}))
    this.log(`bot ${bot.id} "${bot.name}" removed`)
    return {...botJson(bot), removed: true}
  }
}
