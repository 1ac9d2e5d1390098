import {Args, Flags} from '../cli/oclif.js'
import {BaseCommand, EXIT_INVALID, usageError} from '../cli/base-command.js'
import {colorEnabled} from '../cli/color.js'
import {checkStrategiesFolder, strategiesFlag} from '../cli/flags.js'
import {renderGithub, renderJunit, renderText, toJson, type ValidateFormat} from '../cli/render/validate.js'
import {collectSpecFiles} from '../spec/collect-files.js'
import {loadProjectConfig} from '../core/config.js'
import {UNCHECKED_STRATEGY, validateSpecFile} from '../spec/validate-spec.js'
import {discoverStrategies} from '../strategy/discover.js'
import {loadPluginsIsolated, stopPluginWorkers} from '../strategy/discover-isolated.js'

export default class Validate extends BaseCommand {
  static override description = `Check bot and strategy specs: YAML, schema, strategy parameters, dates, files.

Every problem names file:line:column, the path inside the spec, what is wrong and a hint.
Plugins are code: by default their files are imported (in a worker, with a time limit; a plugin
that exits, loops or throws is reported as LOAD FAILED on stderr) so their params are checked.
--no-plugins (or \`validate: {plugins: false}\` in bots.config.yaml) loads none and reports
plugin strategies as unchecked: use it on untrusted pull requests.

Exit codes: 0 all valid (warnings allowed unless --strict), 1 invalid specs, 2 usage errors.`

  static override enableJsonFlag = false
  static override strict = false
  static override examples = [
    '<%= config.bin %> validate',
    '<%= config.bin %> validate examples/orcl-sma-cross.yaml',
    '<%= config.bin %> validate bots/ --format github',
    "<%= config.bin %> validate 'bots/**/*.yaml' --format junit > validate.xml",
    '<%= config.bin %> validate bots/ --no-plugins   # untrusted pull requests: no plugin code runs',
  ]

  static override args = {
    paths: Args.string({description: 'Spec files, folders (searched for *.yaml, *.yml) or globs. Default: the current folder.'}),
  }

  static override flags = {
    format: Flags.string({char: 'f', description: 'Output format.', options: ['text', 'json', 'github', 'junit'], default: 'text'}),
    json: Flags.boolean({description: 'Same as --format json.', default: false}),
    strict: Flags.boolean({description: 'Treat warnings as errors (exit 1).', default: false}),
    strategies: strategiesFlag,
    plugins: Flags.boolean({
      description: 'Load strategy plugins (their code runs, isolated and time-limited) to check their params. --no-plugins checks specs without running any plugin code. Default: `validate: {plugins: …}` in bots.config.yaml, else on.',
      allowNo: true,
    }),
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(Validate)
    const format: ValidateFormat = flags.json ? 'json' : (flags.format as ValidateFormat)
    const {files, missing} = await collectSpecFiles(argv as string[])
    if (missing.length > 0) usageError(`no such file or folder: ${missing.join(', ')}`)
    if (files.length === 0) usageError(`no *.yaml or *.yml files found in ${(argv as string[]).join(', ') || 'the current folder'}`)

    for (const folder of flags.strategies ?? []) checkStrategiesFolder(folder)
    const plugins = flags.plugins ?? loadProjectConfig().validatePlugins ?? true
    const discovery = await discoverStrategies({extra: flags.strategies, plugins: plugins ? (files) => loadPluginsIsolated(files) : 'none'})
    // Plugin files that failed, on stderr as `bots strategies list` prints them: stdout stays the
    // report (JSON, JUnit…). An unreadable folder from elsewhere (BOTS_STRATEGIES, bots.config.yaml)
    // is for `bots strategies list` to tell; one given with --strategies was checked above.
    for (const p of discovery.problems.filter((q) => q.kind !== 'folder')) this.logToStderr(`${p.kind === 'duplicate' ? 'DUPLICATE' : 'LOAD FAILED'}  ${p.file}: ${p.message}`)
    const reports = []
    try {
      for (const file of files) reports.push(await validateSpecFile(file, {discovery}))
    } finally {
      await stopPluginWorkers()
    }
    if (flags.strict) {
      // Not the --no-plugins notice: unchecked is what was asked for.
      for (const r of reports) if (r.diagnostics.some((d) => d.code !== UNCHECKED_STRATEGY)) r.valid = false
    }

    if (format === 'json') this.log(JSON.stringify(toJson(reports), null, 2))
    else if (format === 'github') this.log(renderGithub(reports))
    else if (format === 'junit') this.log(renderJunit(reports))
    else this.log(renderText(reports, colorEnabled()))

    if (reports.some((r) => !r.valid)) this.exit(EXIT_INVALID)
  }
}
