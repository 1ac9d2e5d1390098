import {BotCommand} from '../cli/bot-command.js'
import {withRegistry} from '../service/registry/open-registry.js'
import {checkStrategiesFolder, strategiesFlag, botIdArg, dbFlag, registryFlag} from '../cli/flags.js'
import {renderParity} from '../cli/render/parity.js'
import {parityForBot, type ParityOutcome} from '../service/parity.js'

export default class Parity extends BotCommand {
  static override description = `Check a live bot against a backtest of the same bars.

Replays the bars the bot acted on (as recorded by \`bots live\`) through a backtest of its current spec and compares the decisions: orders placed and fills, in time order. Reports the first decision that differs, or that none does. Exits 1 when they differ.`

  static override examples = ['<%= config.bin %> parity 3', '<%= config.bin %> parity 3 --json']
  static override args = {id: botIdArg}
  static override flags = {db: dbFlag, registry: registryFlag, strategies: strategiesFlag}

  async run(): Promise<ParityOutcome> {
    const {args, flags} = await this.parse(Parity)
    // A missing --strategies folder would be skipped without a word, and the bot's strategy then
    // unknown: refused as `bots validate` refuses it, before the store is opened.
    for (const folder of flags.strategies ?? []) checkStrategiesFolder(folder)
    const outcome = await withRegistry({registry: flags.registry, db: {path: flags.db, mustExist: 'bots'}}, (registry) => parityForBot(args.id, {registry, strategies: flags.strategies}))
    this.log(renderParity(outcome))
    if (!outcome.same) process.exitCode = 1
    return outcome
  }
}
