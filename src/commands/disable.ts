import {BotCommand} from '../cli/bot-command.js'
import {withRegistry} from '../service/registry/open-registry.js'
import {botIdArg, dbFlag, registryFlag} from '../cli/flags.js'
import {botJson} from '../cli/render/bots.js'
import {enableBot} from '../service/manage.js'

export default class Disable extends BotCommand {
  static override description = 'Disable a bot: a running service stops it at its next poll (its state is kept).'
  static override examples = ['<%= config.bin %> disable 3']
  static override args = {id: botIdArg}
  static override flags = {db: dbFlag, registry: registryFlag}

  async run(): Promise<Record<string, unknown>> {
    const {args, flags} = await this.parse(Disable)
    const bot = await withRegistry({registry: flags.registry, db: {path: flags.db, mustExist: 'bots'}}, (registry) => enableBot(args.id, false, {registry}))
    this.log(`bot ${bot.id} "${bot.name}" disabled`)
    return botJson(bot)
  }
}
