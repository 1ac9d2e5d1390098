/** Flags and args shared by the bot management commands and `bots live`. */
import {Args, Flags} from '@oclif/core'

export const dbFlag = Flags.string({
  description: 'DuckDB store file. Default: $BOTS_DB, else .bots/bots.duckdb in the working folder.',
  helpValue: 'PATH',
})

export const userIdFlag = (description: string) => Flags.integer({description, min: 0, helpValue: 'N'})
export const requiredUserIdFlag = (description: string) => Flags.integer({description, required: true, min: 0, helpValue: 'N'})

/** A bot id as `bots list` shows it. */
export const botIdArg = Args.integer({description: 'Bot id (see `bots list`).', required: true, min: 1})
