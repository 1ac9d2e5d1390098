import type {BotSpec} from '../model/bot-spec.js'

export type RunnerKind = 'daily' | 'backtest' | 'live'

const DAY_MS = 86_400_000

/**
 * Which session manager runs a spec: `bots live` → Live; `bots backtest` → Daily when the bars are
 * a day or longer (a plain walk over the date index), else Backtest (intraday sessions).
 */
export function pickRunner(spec: Pick<BotSpec, 'timeframeMs'>, command: 'backtest' | 'live'): RunnerKind {
  if (command === 'live') return 'live'
  return spec.timeframeMs >= DAY_MS ? 'daily' : 'backtest'
}
