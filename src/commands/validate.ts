import {Args, Flags} from '../cli/oclif.js'
import {BaseCommand, EXIT_INVALID, usageError} from '../cli/base-command.js'
import {colorEnabled} from '../cli/color.js'
import {checkStrategiesFolder, strategiesFlag} from '../cli/flags.js'
import {renderGithub, renderGithubFailure, renderJunit, renderJunitFailure, renderText, toJson, type ValidateFailure, type ValidateFormat} from '../cli/render/validate.js'
import {collectSpecFiles} from '../spec/collect-files.js'
import {loadProjectConfig} from '../core/config.js'
import {UNCHECKED_STRATEGY, validateSpecFile} from '../spec/validate-spec.js'
import {discoverStrategies} from '../strategy/discover.js'
import {loadPluginsIsolated, stopPluginWorkers} from '../strategy/discover-isolated.js'

const FORMATS: readonly ValidateFormat[] = ['text', 'json', 'github', 'junit']

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
    format: Flags.string({char: 'f', description: 'Output format.', options: [...FORMATS], default: 'text'}),
    json: Flags.boolean({description: 'Same as --format json.', default: false}),
    strict: Flags.boolean({description: 'Treat warnings as errors (exit 1).', default: false}),
    strategies: strategiesFlag,
    plugins: Flags.boolean({
      description: 'Load strategy plugins (their code runs, isolated and time-limited) to check their params. --no-plugins checks specs without running any plugin code. Default: `validate: {plugins: …}` in bots.config.yaml, else on.',
      allowNo: true,
    }),
  }

  /** The format asked for, once the flags are parsed: an error is printed in it too. */
  private format?: ValidateFormat
  /** Set while an error is reported in a machine format (see catch). */
  private failureFormat?: Exclude<ValidateFormat, 'text'>

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(Validate)
    const format: ValidateFormat = flags.json ? 'json' : (flags.format as ValidateFormat)
    this.format = format
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

  /**
   * An error before any report (a usage error, exit 2: a path that does not exist, no spec files,
   * a bad flag; a bots.config.yaml that does not load, exit 1) also goes to stdout in the format
   * asked for, as every command's error does under --json: a CI step parsing stdout got nothing.
   * BaseCommand prints it with logJson when jsonEnabled() is true (this command has its own --json,
   * so oclif's is off); text output stays stderr only, exactly as before.
   */
  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<any> {
    const format = this.format ?? formatFromArgv(this.argv)
    this.failureFormat = format === 'text' ? undefined : format
    try {
      return await super.catch(err)
    } finally {
      this.failureFormat = undefined
    }
  }

  override jsonEnabled(): boolean {
    return this.failureFormat !== undefined
  }

  override logJson(json: unknown): void {
    if (this.failureFormat === 'github') process.stdout.write(`${renderGithubFailure(json as ValidateFailure)}\n`)
    else if (this.failureFormat === 'junit') process.stdout.write(`${renderJunitFailure(json as ValidateFailure)}\n`)
    else super.logJson(json)
  }
}

/**
 * The format of a command line whose flags did not parse (`--nope --json`, `--format xml --json`):
 * --json wins, as in run(); else one valid --format/-f value; else text. Only before `--`.
 */
function formatFromArgv(argv: string[]): ValidateFormat {
  const end = argv.indexOf('--')
  const flags = end === -1 ? argv : argv.slice(0, end)
  if (flags.includes('--json')) return 'json'
  const asked = new Set<string>()
  flags.forEach((a, i) => {
    const m = /^(?:--format|-f)(?:=(.*))?$/.exec(a) ?? /^-f(.+)$/.exec(a)
    if (!m) return
    const value = m[1] ?? flags[i + 1]
    if (value !== undefined) asked.add(value)
  })
  const valid = [...asked].filter((v): v is ValidateFormat => FORMATS.includes(v as ValidateFormat))
  // Two different formats (`-f json -f junit`): no one output is right, so none (stderr has the error).
  return valid.length === 1 && asked.size === 1 ? valid[0] : 'text'
}
