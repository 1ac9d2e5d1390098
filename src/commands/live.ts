import {Flags} from '../cli/oclif.js'
import {checkStrategiesFolder, strategiesFlag, dbFlag, registryFlag, secondsFlag} from '../cli/flags.js'
import {BotsError} from '../core/errors.js'
import {openRegistry, registryUrl} from '../service/registry/open-registry.js'
import {resolveStorePath} from '../data/store-path.js'
import {BotCommand} from '../cli/bot-command.js'
import {LiveService} from '../service/live-service.js'
import {lineLog} from '../service/service-log.js'
import {StoreTurns} from '../service/store-turns.js'
import {WallClock} from '../core/clock.js'

export default class Live extends BotCommand {
  static override description = `Run one user's enabled bots until SIGINT or SIGTERM.

Loads that user's enabled bots (only that user's), validates each (schema, then strategy params), marks invalid ones \`error\` and starts the rest, each in its own live runtime. Every poll interval it picks up bots added, enabled, disabled, removed or changed with the other commands. A crashed bot is restarted with backoff; a stopped process resumes every bot from its recorded state. SIGINT/SIGTERM stop every bot, record the final state and exit 0. On the DuckDB store, one service per user: a second one for the same user refuses to start. On a PostgreSQL registry (--registry), any number of services share the bots: each bot is leased to one process (a fair share each), renewed every third of --lease-ttl, taken over by another process when its holder dies, and changes reach the holder at once by LISTEN/NOTIFY. With no enabled bots it says how to add one and waits: a bot added later is started at the next poll.`

  static override examples = ['<%= config.bin %> live --user-id 1', '<%= config.bin %> live --user-id 1 --poll-interval 5 --db bots.duckdb']
  static override flags = {
    'user-id': Flags.integer({description: 'Whose bots to run.', min: 0, helpValue: 'N', exactlyOne: ['user-id', 'all-users']}),
    'all-users': Flags.boolean({description: 'Run any user\'s bots (a fair share of them; needs --registry).', exactlyOne: ['user-id', 'all-users']}),
    'lease-ttl': secondsFlag('PostgreSQL registry: how long a bot\'s lease lasts without renewal; it is renewed every third of this, and a process that cannot renew stops the bot when it runs out (at least 0.1).', 15, false, 0.1),
    'poll-interval': secondsFlag('How often to look for changed bots in the database (at least 0.1).', 30, false, 0.1),
    'heartbeat-interval': secondsFlag('How often each running bot\'s heartbeat is written (at least 0.1).', 5, false, 0.1),
    'metrics-interval': secondsFlag('How often equity snapshots are recorded (at least 0.1).', 15, false, 0.1),
    'restart-delay': secondsFlag('First delay before restarting a crashed bot (doubles per crash, up to 60 s; at least 0.1).', 1, false, 0.1),
    'max-restarts': Flags.integer({description: 'Restarts in a row after crashes; the next crash leaves the bot in `error`.', default: 5, min: 0}),
    'stop-timeout': secondsFlag('How long a bot may take to stop at shutdown.', 5, true),
    'iteration-timeout': secondsFlag('Longest one hook (an iteration, a fill callback…) of a plugin from your folders may run; over it, the plugin is stopped and its bot goes to `error`.', 2),
    isolation: Flags.option({options: ['thread', 'none'] as const, description: 'Where plugin strategies from your folders run: `thread`, a worker thread per bot (a loop or crash stops only that bot; about 10 MB each); `none`, in this process (trusted code only). The strategies shipped with bots and `rules` always run in this process.', default: 'thread' as const})(),
    verbose: Flags.boolean({description: 'Also print the strategies\' info log lines, and a line for every heartbeat written.', default: false}),
    db: dbFlag,
    registry: registryFlag,
    strategies: strategiesFlag,
  }

  async run(): Promise<Record<string, unknown>> {
    const {flags} = await this.parse(Live)
    // A missing --strategies folder would be skipped without a word and its bots marked `error` as
    // unknown strategies: refused as `bots validate` refuses it, before the store is opened.
    for (const folder of flags.strategies ?? []) checkStrategiesFolder(folder)
    // The service's one clock: its timers, restart backoff, feed pacing and staleness, store-lock
    // waits and notification retries all run on it (tests run the service on a SimulatedClock).
    const clock = new WallClock()
    // Log lines go to stderr under --json, so stdout stays one JSON document.
    // (oclif silences this.logToStderr under --json, hence the direct write.)
    const log = lineLog(clock, (line) => (this.jsonEnabled() ? process.stderr.write(line + '\n') : this.log(line)))
    const path = resolveStorePath(flags.db)
    // On the DuckDB registry, turns on the store file: a command run meanwhile gets in between the
    // service's writes. (On PostgreSQL the commands do not need the file; it holds only bars.)
    const db = registryUrl({registry: flags.registry}) === undefined ? {path, clock, turns: new StoreTurns(path, clock)} : {path}
    const registry = await openRegistry({registry: flags.registry, db})
    if (flags['all-users'] && registry.kind !== 'postgres') {
      await registry.close()
      throw new BotsError('--all-users needs a registry shared by several processes', {code: 'live.user', hint: 'give --registry postgres://… (or BOTS_REGISTRY); on the DuckDB store, run one `bots live --user-id N` per user'})
    }
    const service = new LiveService({
      userId: flags['user-id'],
      allUsers: flags['all-users'],
      registry,
      leaseTtlMs: flags['lease-ttl'],
      db,
      log, clock,
      pollMs: flags['poll-interval'],
      heartbeatMs: flags['heartbeat-interval'],
      metricsMs: flags['metrics-interval'],
      stopTimeoutMs: flags['stop-timeout'],
      isolation: flags.isolation === 'none' ? 'none' : {budgetMs: flags['iteration-timeout'], loadTimeoutMs: 30_000},
      policy: {baseMs: flags['restart-delay'], maxRestarts: flags['max-restarts']},
      strategies: flags.strategies,
      verbose: flags.verbose,
    })
    const stopped = new Promise<string>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.once(signal, () => {
          log.info(`${signal}: stopping every bot`)
          // A second signal means "now": leave without the final writes.
          process.once(signal, () => process.exit(130))
          resolve(signal)
        })
      }
    })
    try {
      const report = await service.start()
      const signal = await stopped
      await service.shutdown(`service stopped (${signal})`)
      return {userId: flags['user-id'] ?? null, signal, started: report.started, failed: report.failed}
    } finally {
      await registry.close()
    }
  }
}
