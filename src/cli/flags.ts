/** Flags and args shared by several commands: one definition each. */
import {readdirSync, statSync} from 'node:fs'
import path from 'node:path'
import {Args, Flags} from './oclif.js'
import {usageError} from './base-command.js'

/** Extra strategy plugin folders; shared by every command that loads strategies. */
export const strategiesFlag = Flags.string({
  description: 'Extra folder of strategy plugins (repeatable). Also: BOTS_STRATEGIES, `strategies:` in bots.config.yaml.',
  multiple: true,
  helpValue: 'DIR',
})

/**
 * A --strategies folder that is missing or unreadable would be skipped, and its strategies then
 * reported as unknown in every spec that names them: name the flag and the path instead (exit 2,
 * as for a spec path that does not exist).
 */
export function checkStrategiesFolder(folder: string): void {
  const abs = path.resolve(folder)
  const fix = 'give --strategies a folder of strategy plugins (*.js, *.ts) or strategy specs, e.g. --strategies ./strategies'
  let problem: string | undefined
  try {
    if (!statSync(abs).isDirectory()) problem = 'is not a folder'
    else readdirSync(abs)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    problem = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`
  }
  if (problem !== undefined) usageError(`--strategies ${folder}: ${abs} ${problem}`, fix)
}

/** The DuckDB store, for the data, bot and live commands. */
export const dbFlag = Flags.string({
  description: 'DuckDB store file. Default: $BOTS_DB, else .bots/bots.duckdb in the working folder.',
  helpValue: 'PATH',
})

/** Every service command: where the live registry is (PostgreSQL), else the DuckDB store. */
export const registryFlag = Flags.string({
  description: 'The live registry on PostgreSQL, shared by several `bots live` processes: postgres://USER@HOST:PORT/DB (the password comes from PGPASSWORD or ~/.pgpass, never the URL). Default: $BOTS_REGISTRY, else the DuckDB store (--db).',
  helpValue: 'URL',
})

export const timeframeFlag = (description: string) => Flags.string({char: 't', description, helpValue: '1D|5M|1M…'})

export const tzFlag = (description: string) => Flags.string({description, helpValue: 'ZONE'})

export const userIdFlag = (description: string) => Flags.integer({description, min: 0, helpValue: 'N'})
export const requiredUserIdFlag = (description: string) => Flags.integer({description, required: true, min: 0, helpValue: 'N'})

/** A bot id as `bots list` shows it. */
export const botIdArg = Args.integer({description: 'Bot id (see `bots list`).', required: true, min: 1})

/** `--poll-interval 30`, `--heartbeat-interval 0.5`: seconds, fractions allowed, as milliseconds. */
/** `minSeconds`: the least it takes (an idle `bots live` polling every 0.0001 s used half a core: found by an audit). */
export const secondsFlag = (description: string, defaultSeconds: number | undefined, hidden = false, minSeconds = 0.001) =>
  Flags.custom<number>({
    description: `${description} Seconds; fractions allowed.`,
    helpValue: 'SECONDS',
    hidden,
    ...(defaultSeconds === undefined ? {} : {default: defaultSeconds * 1000, defaultHelp: async () => String(defaultSeconds)}),
    parse: async (input) => {
      const s = Number(input)
      if (!Number.isFinite(s) || s <= 0) throw new Error(`expected a positive number of seconds, got "${input}"`)
      if (s < minSeconds) throw new Error(`expected at least ${minSeconds} s, got "${input}"`)
      return Math.round(s * 1000)
    },
  })()

/** A run id as `bots runs list` shows it; anything else is a usage error. */
export function runIdArg(text: string): number {
  const id = Number(text)
  if (!Number.isSafeInteger(id) || id <= 0) usageError(`run id must be a positive whole number, not "${text}"`)
  return id
}
