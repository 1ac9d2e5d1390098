import {BotCommand} from '../cli/bot-command.js'
import {dbFlag, registryFlag, userIdFlag} from '../cli/flags.js'
import {botJson, renderBots} from '../cli/render/bots.js'
import {withRegistry} from '../service/registry/open-registry.js'

export default class List extends BotCommand {
  static override description = 'List the bots in the registry: id, user, name, enabled, status, last error.'
  static override examples = ['<%= config.bin %> list', '<%= config.bin %> list --user-id 1 --json']
  static override flags = {'user-id': userIdFlag('Only this user\'s bots.'), db: dbFlag, registry: registryFlag}

  async run(): Promise<Record<string, unknown>[]> {
    const {flags} = await this.parse(List)
    const bots = await withRegistry({registry: flags.registry, db: {path: flags.db, mustExist: 'bots'}}, (r) => r.listBots({userId: flags['user-id']}))
    this.log(renderBots(bots))
    return bots.map(botJson)
  }
}
