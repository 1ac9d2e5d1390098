/** The service's log: one timestamped line per event, to a sink (stdout in `bots live`). */
import type {Clock} from '../core/clock.js'

export interface ServiceLog {
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

export function lineLog(clock: Clock, write: (line: string) => void): ServiceLog {
  const at = (level: string, message: string) => write(`${new Date(clock.now()).toISOString()} ${level} ${message}`)
  return {info: (m) => at('info ', m), warn: (m) => at('warn ', m), error: (m) => at('error', m)}
}

/** `bot 3 "orcl-live"` — how every line about a bot names it. */
export const botLabel = (b: {id: number; name: string}) => `bot ${b.id} "${b.name}"`
