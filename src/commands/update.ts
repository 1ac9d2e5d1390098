import {Args} from '../cli/oclif.js'
import {checkStrategiesFolder, strategiesFlag, botIdArg, dbFlag, registryFlag} from '../cli/flags.js'
import {BotCommand} from '../cli/bot-command.js'
import {withRegistry} from '../service/registry/open-registry.js'
import {botJson} from '../cli/render/bots.js'
import {updateBot} from '../service/manage.js'

export default class Update extends BotCommand {
  static override description = `Replace a bot's spec.

The new spec is validated first; an invalid one changes nothing. A running service restarts the bot with the new spec at its next poll.`

  static override examples = ['<%= config.bin %> update 3 bot.yaml']
  static override args = {id: botIdArg, spec: Args.string({description: 'New bot spec file.', required: true})}
  static override flags = {db: dbFlag, registry: registryFlag, strategies: strategiesFlag}

  async run(): Promise<Record<string, unknown>> {
    const {args, flags} = await this.parse(Update)
    // A missing --strategies folder would be skipped without a word, and the spec rejected for an
    // unknown strategy: refused as `bots validate` refuses it, before the store is opened.
    for (const folder of flags.strategies ?? []) checkStrategiesFolder(folder)
    const {bot, changed} = await withRegistry({registry: flags.registry, db: {path: flags.db, mustExist: 'bots'}}, (registry) => updateBot(args.id, args.spec, {registry, strategies: flags.strategies}))
    this.log(changed ? `bot ${bot.id} "${bot.name}": spec updated` : `bot ${bot.id} "${bot.name}": spec unchanged`)
    return {...botJson(bot), changed}
  }
}
