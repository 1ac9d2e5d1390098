import {BotCommand} from '../cli/bot-command.js'
import {botIdArg, dbFlag} from '../cli/flags.js'
import {botJson} from '../cli/render/bots.js'
import {enableBot} from '../service/manage.js'

export default class Enable extends BotCommand {
  static override description = 'Enable a bot: a running service for its user starts it at its next poll.'
  static override examples = ['<%= config.bin %> enable 3']
  static override args = {id: botIdArg}
  static override flags = {db: dbFlag}

  async run(): Promise<Record<string, unknown>> {
    const {args, flags} = await this.parse(Enable)
    const bot = await enableBot(args.id, true, {path: flags.db})
    this.log(`bot ${bot.id} "${bot.name}" enabled`)
    return botJson(bot)
  }
}
