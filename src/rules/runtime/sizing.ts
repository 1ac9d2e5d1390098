/**
 * How many units an entry buys or sells: `entryQuantity` in whole units, or in whole lots of the
 * symbol's `instruments` lot size when it has one (0.001 BTC: a small account's percent of equity
 * buys 0.172 of a coin; found by an audit: rounded to whole units it bought none, without a word);
 * the trader skips an entry of 0. `entryUnits` before rounding. Every type but `quantity` sizes a notional in currency
 * and divides it by a unit's notional at the signal bar's close, close × multiplier (the symbol's
 * `instruments` multiplier, 1 for a plain unit: an E-mini S&P contract at 5,000 is 250,000 of
 * exposure), with the portfolio value at the signal:
 *   quantity           `value` units
 *   cash               `value`
 *   percent_equity     value% of the portfolio value
 *   equal_weight       value% of the portfolio value / positions
 *   volatility_target  portfolio value × min(value / σ, max_percent / 100) / positions, σ the
 *                      sample standard deviation of the last `lookback` close-to-close log returns
 *                      × √periods_per_year (NaN — no entry — until lookback + 1 closes exist, or when
 *                      σ is 0)
 * `positions` defaults to the bot's number of symbols. Sized at entry only: nothing rebalances an
 * open position. A margin (futures-like) symbol is sized by notional too, not by its margin.
 */
import type {StrategyContext} from '../../model/strategy.js'
import type {SizingPlan} from '../plan.js'
import type {Ring} from './ring.js'
import {decimals} from '../../broker/instruments.js'

/**
 * A float within this fraction of a whole number is that number: the sizing's few operations on
 * decimal inputs err by a few units in the last place (about 1e-16 each: 100000 × 33 / 100 / 1.1
 * is 29999.999999999996, not 30000), far below it. Not looser: 1e-9 would round 436871.9996 (a
 * 63.77% of 812772.37 at 1.1864, exactly below the integer) up, buying a fraction of a unit more.
 */
const WHOLE = 1e-12

/** `units` rounded down to a whole number, except that float noise just below one is that one. */
export function wholeUnits(units: number): number {
  const r = Math.round(units)
  return Math.abs(units - r) <= WHOLE * Math.max(1, Math.abs(units)) ? r : Math.floor(units)
}

/**
 * `entryUnits` in whole units (see wholeUnits); NaN, or under 1, is no entry. Noise rounded up is
 * kept only while the cash covers a unit more at the signal close: a notional of about all the
 * cash (100% of an all-cash portfolio) stays floored, so rounding up cannot turn a buy the broker
 * filled into one it refuses for cash (the broker rejects a buy it cannot pay, commission included).
 */
export function entryQuantity(sizing: SizingPlan, ctx: StrategyContext, closes: Ring, close: number, symbol: string): number {
  const units = entryUnits(sizing, ctx, closes, close, symbol)
  const lot = ctx.lotSize?.(symbol) ?? 0
  if (lot > 0) return inLots(units, lot, close * ctx.multiplier(symbol), ctx.cash)
  const q = wholeUnits(units)
  if (!(q > units)) return q
  return (q + 1) * close * ctx.multiplier(symbol) <= ctx.cash ? q : Math.floor(units)
}

/** `units` down to whole lots, as wholeUnits does it for units (noise rounded up kept only while the cash covers it); written with the lot's decimals. */
function inLots(units: number, lot: number, unitNotional: number, cash: number): number {
  const lots = units / lot
  let n = wholeUnits(lots)
  if (n > lots && !((n + 1) * lot * unitNotional <= cash)) n = Math.floor(lots)
  return Number((n * lot).toFixed(decimals(lot)))
}

export function entryUnits(sizing: SizingPlan, ctx: StrategyContext, closes: Ring, close: number, symbol: string): number {
  const {type, value} = sizing
  if (type === 'quantity') return value
  return notional(sizing, ctx, closes) / (close * ctx.multiplier(symbol))
}

/** The currency an entry of a notional-sized type (every type but `quantity`) puts on. */
function notional(sizing: SizingPlan, ctx: StrategyContext, closes: Ring): number {
  const {type, value} = sizing
  switch (type) {
    case 'cash':
      return value
    case 'percent_equity':
      return (ctx.portfolioValue * value) / 100
    case 'equal_weight':
      return (ctx.portfolioValue * value) / 100 / (sizing.positions ?? ctx.symbols.length)
    case 'volatility_target': {
      const vol = annualisedVolatility(closes, sizing.lookback ?? 20, sizing.periodsPerYear ?? 252)
      if (!(vol > 0)) return NaN
      const weight = Math.min(value / vol, (sizing.maxPercent ?? 100) / 100)
      return (ctx.portfolioValue * weight) / (sizing.positions ?? ctx.symbols.length)
    }
    case 'quantity':
      return NaN
  }
}

/** Sample standard deviation (n − 1) of the last `lookback` log returns of `closes`, × √periodsPerYear; NaN before lookback + 1 closes. */
export function annualisedVolatility(closes: Ring, lookback: number, periodsPerYear: number): number {
  let sum = 0
  for (let i = 0; i < lookback; i++) sum += Math.log(closes.at(i) / closes.at(i + 1))
  const mean = sum / lookback
  let sq = 0
  for (let i = 0; i < lookback; i++) {
    const d = Math.log(closes.at(i) / closes.at(i + 1)) - mean
    sq += d * d
  }
  return Math.sqrt(sq / (lookback - 1)) * Math.sqrt(periodsPerYear)
}
