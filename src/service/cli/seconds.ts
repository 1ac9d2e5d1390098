/** `--poll-interval 30`, `--heartbeat-interval 0.5`: seconds, fractions allowed, as milliseconds. */
import {Flags} from '@oclif/core'

export const secondsFlag = (description: string, defaultSeconds: number, hidden = false) =>
  Flags.custom<number>({
    description: `${description} Seconds; fractions allowed.`,
    helpValue: 'SECONDS',
    hidden,
    default: defaultSeconds * 1000,
    defaultHelp: async () => String(defaultSeconds),
    parse: async (input) => {
      const s = Number(input)
      if (!Number.isFinite(s) || s <= 0) throw new Error(`expected a positive number of seconds, got "${input}"`)
      return Math.round(s * 1000)
    },
  })()
