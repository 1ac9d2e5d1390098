import {BotCommand} from '../cli/bot-command.js'
import {withRegistry} from '../service/registry/open-registry.js'
import {botIdArg, dbFlag, registryFlag} from '../cli/flags.js'
import {botJson} from '../cli/render/bots.js'
import {enableBot} from '../service/manage.js'

export default class Enable extends BotCommand {
  static override description = 'Enable a bot: a running service for its user starts it at its next poll.'
  static override examples = ['<%= config.bin %> enable 3']
  static override args = {id: botIdArg}
  static override flags = {db: dbFlag, registry: registryFlag}

  async run(): Promise<Record<string, unknown>> {
    const {args, flags} = await this.parse(Enable)
    const bot = await withRegistry({registry: flags.registry, db: {path: flags.db, mustExist: 'bots'}}, (registry) => enableBot(args.id, true, {registry}))
    this.log(`bot ${bot.id} "${bot.name}" enabled`)
    return botJson(bot)
  }
}
