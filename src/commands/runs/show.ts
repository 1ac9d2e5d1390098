import {Args, Flags} from '../../cli/oclif.js'
import {BaseCommand} from '../../cli/base-command.js'
import {colorEnabled} from '../../cli/color.js'
import {withStore} from '../../data/store.js'
import {getEquity, getRun, getTrades} from '../../results/read-runs.js'
import {renderRun} from '../../cli/render/runs.js'
import {dbFlag, runIdArg} from '../../cli/flags.js'
import {runJson} from '../../cli/render/run-json.js'

export default class RunsShow extends BaseCommand {
  static override description = 'Show one recorded run: what produced it (spec and bars hashes), its metrics beside buy-and-hold, its trades.'
  static override examples = ['<%= config.bin %> runs show 12', '<%= config.bin %> runs show 12 --json --equity']
  static override args = {id: Args.string({description: 'Run id (see `bots runs list`).', required: true})}
  static override flags = {
    db: dbFlag,
    equity: Flags.boolean({description: 'With --json: include the equity curve (time, value, benchmark).', default: false}),
  }

  async run(): Promise<Record<string, unknown>> {
    const {args, flags} = await this.parse(RunsShow)
    const id = runIdArg(args.id)
    const {run, trades, equity} = await withStore({path: flags.db, readOnly: true, mustExist: 'runs'}, async (store) => ({
      run: await getRun(store.conn, id),
      trades: await getTrades(store.conn, id),
      equity: flags.equity ? await getEquity(store.conn, id) : undefined,
    }))
    if (!this.jsonEnabled()) this.log(renderRun(run, trades, colorEnabled()))
    return runJson(run, trades, equity)
  }
}
