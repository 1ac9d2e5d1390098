/**
 * A rules plan's indicator values over whole columns of one symbol's bars, for output files and
 * charts: the run's own code path (a SymbolRuntime fed bar by bar), read after every bar. Column
 * names are the series keys: `name` for a one-output indicator, `name.output` otherwise.
 */
import type {Bars} from '../model/bars.js'
import type {IndicatorSeries, MarketSessions} from '../model/strategy.js'
import type {RulesPlan} from './plan.js'
import {SymbolRuntime} from './runtime/symbol-runtime.js'
import type {SessionSource} from './runtime/higher-bars.js'

export function rulesIndicatorSeries(plan: RulesPlan, bars: Bars, timeZone: string, calendar?: MarketSessions): IndicatorSeries[] {
  // With the market's sessions, as a run has them (rules-hooks.ts): a higher-timeframe bar is then
  // published where the run published it (a day at its session's close, not at the next bar).
  const rt = new SymbolRuntime(plan, timeZone, plan.timeframes.length > 0 ? (calendar as SessionSource | undefined) : undefined)
  const n = bars.length
  const cols = plan.indicators.flatMap((ind) => ind.keys.map((key) => ({column: key, ring: rt.ring(key), values: new Float64Array(n)})))
  for (let i = 0; i < n; i++) {
    rt.beginIteration()
    // At the bar's close, as a run with one iteration per bar sees it (higher-timeframe bars closing then are published).
    rt.pushBar(bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i], bars.time[i], bars.time[i] + bars.timeframeMs)
    for (const c of cols) c.values[i] = c.ring.at(0)
  }
  return cols.map(({column, values}) => ({column, values}))
}
