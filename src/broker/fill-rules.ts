import type {SimOrder} from './sim-order.js'

/**
 * Where an order fills on one bar, before slippage; NaN when it does not fill on it. The caller
 * only offers bars after the signal bar. Bars are OHLC only, so the path inside a bar is unknown:
 *
 * - market: the bar's open.
 * - limit buy L: open if open <= L (gapped through: the better price), else L if low <= L.
 *   limit sell L: open if open >= L, else L if high >= L.
 * - stop buy S: open if open >= S (gap), else S if high >= S. stop sell S: open if open <= S,
 *   else S if low <= S.
 * - stop-limit (stop S, limit L): the stop triggers as a stop order would. Triggered at the open
 *   (gap), the order is a limit order for the whole bar. Triggered inside the bar (at S), it fills
 *   at S only when S is within the limit (buy: S <= L, sell: S >= L); otherwise it rests as a
 *   limit order from the next bar, because whether the price came back to L after touching S is
 *   unknowable. A triggered order stays triggered on later bars.
 * - A stop order partly filled (broker.max_volume_share) has triggered: its rest fills at the open
 *   of the following bars, as a market order. A trailing stop fills as a stop at its current level.
 */
export function fillPrice(order: SimOrder, open: number, high: number, low: number): number {
  const buy = order.side === 'buy'
  switch (order.type) {
    case 'market':
      return open
    case 'limit':
      return limitFill(buy, order.limitPrice!, open, high, low)
    case 'stop':
      // Partly filled (broker.max_volume_share): triggered, the rest fills at market.
      if (order.triggered) return open
      return stopFill(buy, order.stopPrice!, open, high, low)
    case 'stop_limit':
      return stopLimitFill(order, buy, open, high, low)
  }
}

function limitFill(buy: boolean, limit: number, open: number, high: number, low: number): number {
  if (buy) return open <= limit ? open : low <= limit ? limit : NaN
  return open >= limit ? open : high >= limit ? limit : NaN
}

function stopFill(buy: boolean, stop: number, open: number, high: number, low: number): number {
  if (buy) return open >= stop ? open : high >= stop ? stop : NaN
  return open <= stop ? open : low <= stop ? stop : NaN
}

function stopLimitFill(order: SimOrder, buy: boolean, open: number, high: number, low: number): number {
  const limit = order.limitPrice!
  if (order.triggered) return limitFill(buy, limit, open, high, low)
  const stop = order.stopPrice!
  const atOpen = buy ? open >= stop : open <= stop
  if (atOpen) {
    order.triggered = true
    return limitFill(buy, limit, open, high, low)
  }
  const inside = buy ? high >= stop : low <= stop
  if (!inside) return NaN
  order.triggered = true
  const marketable = buy ? stop <= limit : stop >= limit
  return marketable ? stop : NaN
}
