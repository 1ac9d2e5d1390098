import type {Clock} from '../core/clock.js'
import type {Logger} from '../model/strategy.js'
import type {LogEntry} from './result.js'

const KEEP = 1000

/** The strategy's `ctx.log`: kept with the result (capped) and passed on to an outer logger. */
export class RunLog implements Logger {
  readonly entries: LogEntry[] = []
  dropped = 0

  constructor(
    private readonly clock: Clock,
    private readonly outer?: Logger,
  ) {}

  info(message: string): void {
    this.add('info', message)
    this.outer?.info(message)
  }
  warn(message: string): void {
    this.add('warn', message)
    this.outer?.warn(message)
  }
  error(message: string): void {
    this.add('error', message)
    this.outer?.error(message)
  }

  private add(level: LogEntry['level'], message: string): void {
    if (this.entries.length < KEEP) this.entries.push({time: this.clock.now(), level, message: String(message)})
    else this.dropped++
  }
}
