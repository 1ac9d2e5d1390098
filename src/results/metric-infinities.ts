/**
 * The infinities of a recorded run's metrics. They are stored as the backtest's `--json` wrote
 * them (JSON.stringify: the bytes `runs show --json` gives back), which writes ±Infinity as null,
 * as it writes NaN. Which of the two a null was follows from the figures stored beside it, by the
 * formulas that made it (src/metrics), so no second copy is stored and runs recorded before this
 * existed read back right too. The figures that can be infinite (trades and accounts being finite):
 *
 * - profitFactor: wins and no losses (trade-stats.ts ratioOfSums), or a quotient past the doubles.
 * - sqn: more than one trade, every net P&L the same non-zero amount (a standard deviation of 0).
 * - cagr: growth past the doubles: 2× in 500 one-minute bars of a 24/7 market is 2^1051.
 * - calmar: CAGR over the max drawdown, infinite with an infinite CAGR.
 *
 * The others cannot be: Sharpe and Sortino are NaN at a zero deviation (annualisedRatio), and a
 * non-zero deviation of returns (v / v₋₁ − 1, less a per-bar rate) is far above the ~1e-300 an
 * overflow would take; trade returns and the total return divide by prices and the initial cash,
 * which are positive; turnover's mean value is checked > 0. A monthly return after a month that
 * ended at a value of exactly 0 would be infinite: not told from the figures, it stays null.
 */
import type {EquityMetrics} from '../metrics/equity-metrics.js'
import type {Metrics} from '../metrics/metrics.js'
import type {TradeStats} from '../metrics/trade-stats.js'

/** A figure as parsed from the stored JSON: null where the run had NaN or ±Infinity. */
type Parsed<T> = {[K in keyof T]: T[K] | null}

/** `m` (parsed from its stored JSON) with its infinities back; `m` itself is left as stored. */
export function withInfinities(m: Metrics): Metrics {
  const strategy = {...m.strategy}
  const benchmark = {...m.benchmark}
  restoreEquityFigures(strategy)
  restoreEquityFigures(benchmark)
  restoreTradeFigures(strategy)
  return {...m, strategy, benchmark}
}

function restoreEquityFigures(e: Parsed<EquityMetrics>): void {
  // cagr (return-stats.ts): NaN only without time or without an initial value, −1 for an account
  // at or below 0; else (final / initial)^(1 / years) − 1, a number or +Infinity.
  if (e.cagr === null && positive(e.years) && positive(e.initialValue) && positive(e.finalValue)) e.cagr = Infinity
  // calmar = cagr / max drawdown when there is one: NaN only with a NaN CAGR; 0 / depth is 0.
  if (e.calmar === null && positive(e.maxDrawdown) && isNumber(e.cagr) && e.cagr !== 0) e.calmar = Math.sign(e.cagr) * Infinity
}

function restoreTradeFigures(s: Parsed<TradeStats>): void {
  // ratioOfSums(grossProfit, grossLoss): NaN only when nothing was won.
  if (s.profitFactor === null && positive(s.grossProfit) && isNumber(s.grossLoss) && s.grossLoss >= 0) s.profitFactor = Infinity
  // √n × mean / sd of the net P&L over n > 1 trades: NaN only at 0 / 0 (every P&L 0: an expectancy
  // of 0); infinite at sd 0 (every P&L the same: the mean is it, with the expectancy's sign).
  if (s.sqn === null && isNumber(s.trades) && s.trades > 1 && isNumber(s.expectancy) && s.expectancy !== 0) s.sqn = Math.sign(s.expectancy) * Infinity
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number'
}

/** A number above 0; checked to be a number first, as a JSON null compares as 0 (`null >= 0`). */
function positive(v: unknown): v is number {
  return isNumber(v) && v > 0
}
