import {BotCommand} from '../cli/bot-command.js'
import {dbFlag, userIdFlag} from '../cli/flags.js'
import {botJson, renderBots} from '../cli/render/bots.js'
import {readDb} from '../service/db.js'
import {listBots} from '../service/queries.js'

export default class List extends BotCommand {
  static override description = 'List the bots in the registry: id, user, name, enabled, status, last error.'
  static override examples = ['<%= config.bin %> list', '<%= config.bin %> list --user-id 1 --json']
  static override flags = {'user-id': userIdFlag('Only this user\'s bots.'), db: dbFlag}

  async run(): Promise<Record<string, unknown>[]> {
    const {flags} = await this.parse(List)
    const bots = await readDb({path: flags.db}, (conn) => listBots(conn, {userId: flags['user-id']}))
    this.log(renderBots(bots))
    return bots.map(botJson)
  }
}
