import {Args, Flags} from '@oclif/core'
import {BaseCommand, EXIT_INVALID, usageError} from '../cli/base-command.js'
import {colorEnabled} from '../cli/color.js'
import {strategiesFlag} from '../cli/flags.js'
import {renderGithub, renderJunit, renderText, toJson, type ValidateFormat} from '../cli/render/validate.js'
import {collectSpecFiles} from '../spec/collect-files.js'
import {validateSpecFile} from '../spec/validate-spec.js'
import {discoverStrategies} from '../strategy/discover.js'

export default class Validate extends BaseCommand {
  static override description = `Check bot and strategy specs: YAML, schema, strategy parameters, dates, files.

Every problem names file:line:column, the path inside the spec, what is wrong and a hint.
Exit codes: 0 all valid (warnings allowed unless --strict), 1 invalid specs, 2 usage errors.`

  static override enableJsonFlag = false
  static override strict = false
  static override examples = [
    '<%= config.bin %> validate',
    '<%= config.bin %> validate examples/orcl-sma-cross.yaml',
    '<%= config.bin %> validate bots/ --format github',
    "<%= config.bin %> validate 'bots/**/*.yaml' --format junit > validate.xml",
  ]

  static override args = {
    paths: Args.string({description: 'Spec files, folders (searched for *.yaml, *.yml) or globs. Default: the current folder.'}),
  }

  static override flags = {
    format: Flags.string({char: 'f', description: 'Output format.', options: ['text', 'json', 'github', 'junit'], default: 'text'}),
    json: Flags.boolean({description: 'Same as --format json.', default: false}),
    strict: Flags.boolean({description: 'Treat warnings as errors (exit 1).', default: false}),
    strategies: strategiesFlag,
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(Validate)
    const format: ValidateFormat = flags.json ? 'json' : (flags.format as ValidateFormat)
    const {files, missing} = await collectSpecFiles(argv as string[])
    if (missing.length > 0) usageError(`no such file or folder: ${missing.join(', ')}`)
    if (files.length === 0) usageError(`no *.yaml or *.yml files found in ${(argv as string[]).join(', ') || 'the current folder'}`)

    const discovery = await discoverStrategies({extra: flags.strategies})
    const reports = []
    for (const file of files) reports.push(await validateSpecFile(file, {discovery}))
    if (flags.strict) {
      for (const r of reports) if (r.diagnostics.length > 0) r.valid = false
    }

    if (format === 'json') this.log(JSON.stringify(toJson(reports), null, 2))
    else if (format === 'github') this.log(renderGithub(reports))
    else if (format === 'junit') this.log(renderJunit(reports))
    else this.log(renderText(reports, colorEnabled()))

    if (reports.some((r) => !r.valid)) this.exit(EXIT_INVALID)
  }
}
