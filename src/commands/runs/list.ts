import {Flags} from '../../cli/oclif.js'
import {dbFlag} from '../../cli/flags.js'
import {BaseCommand} from '../../cli/base-command.js'
import {colorEnabled} from '../../cli/color.js'
import {withStore} from '../../data/store.js'
import {countRuns, listRuns} from '../../results/read-runs.js'
import {BotsError} from '../../core/errors.js'
import {localeNumber} from '../../core/fixed-number.js'
import {renderRunList} from '../../cli/render/runs.js'
import {runSummaryJson} from '../../cli/render/run-json.js'

export default class RunsList extends BaseCommand {
  static override description = 'List recorded backtest runs, newest first.'
  static override examples = ['<%= config.bin %> runs list', '<%= config.bin %> runs list --sweep 3 --limit 100 --json']
  static override flags = {
    db: dbFlag,
    limit: Flags.integer({description: 'How many runs, newest first (the listing says how many there are).', default: 20, min: 1}),
    sweep: Flags.integer({description: 'Only the runs of this sweep.', helpValue: 'ID'}),
  }

  async run(): Promise<Record<string, unknown>> {
    const {flags} = await this.parse(RunsList)
    const {runs, total} = await withStore({path: flags.db, readOnly: true, mustExist: 'runs'}, async (store) => ({
      runs: await listRuns(store.conn, {limit: flags.limit, sweepId: flags.sweep}),
      total: await countRuns(store.conn, flags.sweep),
    }))
    if (flags.sweep !== undefined && total.runs === 0) {
      throw new BotsError(`no runs of sweep ${flags.sweep}`, {code: 'runs.unknown_sweep', hint: total.lastSweep === null ? 'no sweep is recorded in this store yet (`bots backtest SPEC --sweep …` records one)' : `sweep ids go up to ${total.lastSweep}`})
    }
    if (!this.jsonEnabled()) {
      // A terminal's own width; 120 columns when piped.
      this.log(renderRunList(runs, colorEnabled(), process.stdout.columns || undefined))
      // Found by an audit: 20 rows of 4,989 runs, without a word of the rest.
      if (runs.length < total.runs) this.log(`${localeNumber(runs.length)} of ${localeNumber(total.runs)} runs${flags.sweep === undefined ? '' : ` of sweep ${flags.sweep}`}, newest first; --limit ${total.runs} lists them all`)
    }
    return {runs: runs.map(runSummaryJson), total: total.runs}
  }
}
