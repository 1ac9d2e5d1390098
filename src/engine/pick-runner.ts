import type {BotSpec} from '../model/bot-spec.js'
import {DAY_MS} from '../model/time.js'

/** The two ways of driving the session kernel over stored bars. (`bots live` always runs the Live runner.) */
export type RunnerKind = 'daily' | 'backtest'

/**
 * Which runner `bots backtest` uses for a spec: Daily when the bars are a day or longer (a plain
 * walk over the date index), else Backtest (intraday sessions). The live runtime schedules a bot
 * the same way, so a replay makes the backtest's decisions.
 */
export function pickRunner(spec: Pick<BotSpec, 'timeframeMs'>): RunnerKind {
  return spec.timeframeMs >= DAY_MS ? 'daily' : 'backtest'
}
