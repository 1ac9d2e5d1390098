import {Args, Flags} from '../cli/oclif.js'
import {checkStrategiesFolder, strategiesFlag, dbFlag, registryFlag, userIdFlag} from '../cli/flags.js'
import {BotCommand} from '../cli/bot-command.js'
import {withRegistry} from '../service/registry/open-registry.js'
import {botJson} from '../cli/render/bots.js'
import {addBot} from '../service/manage.js'

export default class Add extends BotCommand {
  static override description = `Add a bot to the registry from a spec file.

The spec is validated first (schema, then the strategy's params); an invalid spec is not stored. A running \`bots live\` for that user starts the bot at its next poll.

The spec must have a \`live:\` section saying which feed the bot runs on: for a replay, from which date and how fast (\`live: {feed: {type: replay, start: 2014-01-02, speed: 20}}\`, see examples/live-replay.yaml). A spec without one (a backtest spec) is refused: it would replay every stored bar from the first, one a second.`

  static override examples = ['<%= config.bin %> add examples/live-replay.yaml --user-id 1', '<%= config.bin %> add bot.yaml --user-id 1 --disabled --json']
  static override args = {spec: Args.string({description: 'Bot spec file.', required: true})}
  static override flags = {
    'user-id': userIdFlag('Owner of the bot. Default: the spec\'s user_id.'),
    disabled: Flags.boolean({description: 'Add it disabled (a service does not start it until `bots enable`).', default: false}),
    db: dbFlag, registry: registryFlag,
    strategies: strategiesFlag,
  }

  async run(): Promise<Record<string, unknown>> {
    const {args, flags} = await this.parse(Add)
    // A missing --strategies folder would be skipped without a word, and the spec rejected for an
    // unknown strategy: refused as `bots validate` refuses it, before the store is opened.
    for (const folder of flags.strategies ?? []) checkStrategiesFolder(folder)
    const bot = await withRegistry({registry: flags.registry, db: {path: flags.db}}, (registry) => addBot(args.spec, flags['user-id'], {registry, strategies: flags.strategies, enabled: !flags.disabled}))
    this.log(`added bot ${bot.id} "${bot.name}" for user ${bot.userId}${bot.enabled ? '' : ' (disabled)'}`)
    return botJson(bot)
  }
}
