/** Flags shared by the `bots data` commands. */
import {Flags} from '@oclif/core'

export const dbFlag = Flags.string({
  description: 'DuckDB store file. Default: $BOTS_DB, else .bots/bots.duckdb in the working folder.',
  helpValue: 'PATH',
})

export const timeframeFlag = (description: string) => Flags.string({char: 't', description, helpValue: '1D|5M|1M…'})

export const tzFlag = (description: string) => Flags.string({description, helpValue: 'ZONE'})
