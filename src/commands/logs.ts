import {Flags} from '../cli/oclif.js'
import {BotCommand} from '../cli/bot-command.js'
import {botIdArg, dbFlag, registryFlag} from '../cli/flags.js'
import {renderEvents} from '../cli/render/bots.js'
import {withRegistry} from '../service/registry/open-registry.js'
import {type EventView} from '../service/queries.js'

export default class Logs extends BotCommand {
  static override description = 'Show a bot\'s events (added, start, stop, crash, reload, error…), oldest first.'
  static override examples = ['<%= config.bin %> logs 3', '<%= config.bin %> logs 3 --limit 20 --json']
  static override args = {id: botIdArg}
  static override flags = {limit: Flags.integer({description: 'The latest this many events.', min: 1, default: 100}), db: dbFlag, registry: registryFlag}

  async run(): Promise<EventView[]> {
    const {args, flags} = await this.parse(Logs)
    const events = await withRegistry({registry: flags.registry, db: {path: flags.db, mustExist: 'bots'}}, (r) => r.events(args.id, flags.limit))
    this.log(renderEvents(events))
    // Found by an audit: 100 events shown, the older ones left out without a word.
    if (events.length === flags.limit) this.log(`(the latest ${flags.limit} events; older ones may be left out: --limit N shows more)`)
    return events
  }
}
