import {Flags} from '../../cli/oclif.js'
import {dbFlag} from '../../cli/flags.js'
import {BaseCommand} from '../../cli/base-command.js'
import {colorEnabled} from '../../cli/color.js'
import {withStore} from '../../data/store.js'
import {listRuns} from '../../results/read-runs.js'
import {renderRunList} from '../../cli/render/runs.js'
import {runSummaryJson} from '../../cli/render/run-json.js'

export default class RunsList extends BaseCommand {
  static override description = 'List recorded backtest runs, newest first.'
  static override examples = ['<%= config.bin %> runs list', '<%= config.bin %> runs list --sweep 3 --limit 100 --json']
  static override flags = {
    db: dbFlag,
    limit: Flags.integer({description: 'How many runs.', default: 20, min: 1}),
    sweep: Flags.integer({description: 'Only the runs of this sweep.', helpValue: 'ID'}),
  }

  async run(): Promise<Record<string, unknown>> {
    const {flags} = await this.parse(RunsList)
    const runs = await withStore({path: flags.db, readOnly: true, mustExist: 'runs'}, (store) => listRuns(store.conn, {limit: flags.limit, sweepId: flags.sweep}))
    // A terminal's own width; 120 columns when piped.
    if (!this.jsonEnabled()) this.log(renderRunList(runs, colorEnabled(), process.stdout.columns || undefined))
    return {runs: runs.map(runSummaryJson)}
  }
}
