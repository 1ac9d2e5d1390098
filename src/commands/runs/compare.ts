import {Args} from '../../cli/oclif.js'
import {BaseCommand, usageError} from '../../cli/base-command.js'
import {colorEnabled} from '../../cli/color.js'
import {withStore} from '../../data/store.js'
import {getRun} from '../../results/read-runs.js'
import {renderCompare} from '../../cli/render/runs.js'
import {dbFlag, runIdArg} from '../../cli/flags.js'
import {runSummaryJson} from '../../cli/render/run-json.js'

export default class RunsCompare extends BaseCommand {
  static override description = 'Compare recorded runs side by side: one column of metrics per run.'
  static override examples = ['<%= config.bin %> runs compare 3 4 7', '<%= config.bin %> runs compare 3 4 --json']
  static override strict = false
  static override args = {ids: Args.string({description: 'Two or more run ids.', required: true})}
  static override flags = {
    db: dbFlag,
  }

  async run(): Promise<Record<string, unknown>> {
    const {argv, flags} = await this.parse(RunsCompare)
    const ids = (argv as string[]).map(runIdArg)
    if (ids.length < 2) usageError('give at least two run ids')
    const runs = await withStore({path: flags.db, readOnly: true, mustExist: 'runs'}, async (store) => {
      const out = []
      for (const id of ids) out.push(await getRun(store.conn, id))
      return out
    })
    if (!this.jsonEnabled()) this.log(renderCompare(runs, colorEnabled()))
    return {sameBars: runs.every((r) => r.barsHash === runs[0].barsHash), runs: runs.map(runSummaryJson)}
  }
}
