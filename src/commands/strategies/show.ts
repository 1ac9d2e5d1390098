import {existsSync} from 'node:fs'
import path from 'node:path'
import {Args} from '../../cli/oclif.js'
import {BaseCommand} from '../../cli/base-command.js'
import {checkStrategiesFolder, strategiesFlag} from '../../cli/flags.js'
import {BotsError} from '../../core/errors.js'
import type {RegisteredStrategy} from '../../strategy/registry.js'
import {describeStrategy, type StrategyInfo} from '../../strategy/describe.js'
import {discoverStrategies} from '../../strategy/discover.js'

export default class StrategiesShow extends BaseCommand {
  static override description = "Show one strategy: its description, where it was found, and its parameters with types, defaults and descriptions. Give its name, or the path of a strategy spec (.yaml), as a bot's strategy.path names it."
  static override examples = ['<%= config.bin %> strategies show sma-cross', '<%= config.bin %> strategies show sma-cross --json', '<%= config.bin %> strategies show examples/strategies/golden-cross.yaml']
  static override args = {name: Args.string({description: 'Strategy name, or the path of a strategy spec (.yaml).', required: true})}
  static override flags = {strategies: strategiesFlag}

  async run(): Promise<StrategyInfo> {
    const {args, flags} = await this.parse(StrategiesShow)
    // A missing --strategies folder would be skipped without a word, and the strategy then reported
    // unknown: refused as `bots validate` refuses it.
    for (const folder of flags.strategies ?? []) checkStrategiesFolder(folder)
    const info = describeStrategy(/\.ya?ml$/i.test(args.name) ? await specAt(args.name) : (await discoverStrategies({extra: flags.strategies})).registry.get(args.name))
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

/** A strategy spec by its path, as a bot's `strategy.path` names it (the hints of a bad --param point here). */
async function specAt(file: string): Promise<RegisteredStrategy> {
  const {loadStrategySpec} = await import('../../rules/strategy-spec.js')
  const abs = path.resolve(file)
  if (!existsSync(abs)) {
    throw new BotsError(`no strategy spec at ${file}`, {
      code: 'file.missing',
      hint: `paths are relative to the working folder (${process.cwd()}); \`bots strategies list\` shows every strategy found, with where each came from`,
    })
  }
  const loaded = await loadStrategySpec(abs)
  if (loaded.definition === undefined) {
    const d = loaded.diagnostics.find((x) => x.severity === 'error') ?? loaded.diagnostics[0]
    throw new BotsError(d?.message ?? `${file} is not a strategy spec`, {...d, code: d?.code ?? 'spec.kind', file: abs, hint: d?.hint ?? 'run `bots validate` on it'})
  }
  return {definition: loaded.definition, source: abs}
}
