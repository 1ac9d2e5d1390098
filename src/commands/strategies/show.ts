import {Args} from '../../cli/oclif.js'
import {BaseCommand} from '../../cli/base-command.js'
import {strategiesFlag} from '../../cli/flags.js'
import {describeStrategy, type StrategyInfo} from '../../strategy/describe.js'
import {discoverStrategies} from '../../strategy/discover.js'

export default class StrategiesShow extends BaseCommand {
  static override description = "Show one strategy: its description, where it was found, and its parameters with types, defaults and descriptions."
  static override examples = ['<%= config.bin %> strategies show sma-cross', '<%= config.bin %> strategies show sma-cross --json']
  static override args = {name: Args.string({description: 'Strategy name.', required: true})}
  static override flags = {strategies: strategiesFlag}

  async run(): Promise<StrategyInfo> {
    const {args, flags} = await this.parse(StrategiesShow)
    const {registry} = await discoverStrategies({extra: flags.strategies})
    const info = describeStrategy(registry.get(args.name))
    if (!this.jsonEnabled()) {
      this.log(`${info.name}: ${info.description}`)
      this.log(`source: ${info.source}`)
      if (info.params.length === 0) this.log('params: none')
      else this.log('params:')
      for (const p of info.params) {
        const extras = [p.required ? 'required' : undefined, p.default === undefined ? undefined : `default ${JSON.stringify(p.default)}`, p.constraints].filter(Boolean).join(', ')
        this.log(`  ${p.name} (${p.type}${extras ? `; ${extras}` : ''})${p.description ? `  ${p.description}` : ''}`)
      }
      if (info.checks.length > 0) this.log('checks:')
      for (const c of info.checks) this.log(`  ${c.condition}${c.message ? `  ${c.message}` : ''}`)
    }
    return info
  }
}
