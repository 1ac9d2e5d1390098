import {BaseCommand, EXIT_INVALID} from '../../cli/base-command.js'
import {checkStrategiesFolder, strategiesFlag} from '../../cli/flags.js'
import {describeStrategy, type StrategyInfo} from '../../strategy/describe.js'
import {discoverStrategies, type DiscoveryProblem} from '../../strategy/discover.js'

export default class StrategiesList extends BaseCommand {
  static override description = 'List the strategies that plugin discovery finds, and any plugin that failed to load.'
  static override examples = ['<%= config.bin %> strategies list', '<%= config.bin %> strategies list --strategies ./my-strategies --json']
  static override flags = {strategies: strategiesFlag}

  async run(): Promise<{strategies: StrategyInfo[]; folders: string[]; problems: DiscoveryProblem[]}> {
    const {flags} = await this.parse(StrategiesList)
    // A --strategies folder given here that is missing is a usage error, as in `bots validate`; one from
    // BOTS_STRATEGIES or bots.config.yaml stays a problem listed below (exit 1), as validate leaves it.
    for (const folder of flags.strategies ?? []) checkStrategiesFolder(folder)
    const {registry, folders, problems} = await discoverStrategies({extra: flags.strategies})
    const strategies = registry.list().map(describeStrategy)
    if (!this.jsonEnabled()) {
      const width = Math.max(4, ...strategies.map((s) => s.name.length))
      for (const s of strategies) {
        const params = s.params.map((p) => `${p.name}=${p.default === undefined ? '?' : JSON.stringify(p.default)}`).join(' ')
        this.log(`${s.name.padEnd(width)}  ${s.description}${params ? `  (${params})` : ''}`)
      }
      for (const p of problems) this.logToStderr(`${p.kind === 'duplicate' ? 'DUPLICATE' : 'LOAD FAILED'}  ${p.file}: ${p.message}`)
    }
    if (problems.length > 0) process.exitCode = EXIT_INVALID
    return {strategies, folders, problems}
  }
}
