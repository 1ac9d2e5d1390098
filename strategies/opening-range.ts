import {defineStrategy, type ParamProblem} from 'bots'

interface Params {
  rangeBars: number
  quantity: number
}

/**
 * Opening-range breakout, flat at every close. The first `rangeBars` bars of each session set a
 * range; the first close above its high buys `quantity` (once per session), protected by a day
 * stop at the range's low placed when the entry fills. `beforeMarketCloses` (one bar before the
 * close) cancels what is still working and closes the position, so it fills on the session's
 * last bar and the bot holds nothing overnight. Needs a market with sessions (not 24/7).
 */
export default defineStrategy<Params>({
  name: 'opening-range',
  description: 'Intraday opening-range breakout: long above the first bars\' high, stop at their low, flat at every close.',
  params: {
    type: 'object',
    properties: {
      rangeBars: {type: 'integer', minimum: 1, default: 6, description: 'Bars at the start of each session that define the range.'},
      quantity: {type: 'number', exclusiveMinimum: 0, default: 1, description: 'Units bought on a breakout.'},
    },
    additionalProperties: false,
  },
  // Bars of a day or longer have no opening range inside a session, and a 24/7 market no session
  // to open: the strategy would never trade. Not a param's fault, so the problem names none.
  check(_p, bot) {
    if (!bot) return []
    const problems: ParamProblem[] = []
    if (bot.timeframeMs >= 86_400_000) problems.push({message: `opening-range needs intraday bars; this bot's timeframe is ${bot.timeframe}, so it would never trade`, hint: 'use bars shorter than a day (e.g. `timeframe: 5M`)'})
    if (bot.market === '24/7') problems.push({message: 'opening-range needs a market with sessions; this bot\'s market is 24/7, so it would never trade', hint: 'set `market:` to NYSE or custom hours ({timezone, open, close})'})
    return problems
  },
  warmup: (p) => (p.rangeBars ?? 6) + 1,
  create(p) {
    const rangeBars = p.rangeBars ?? 6
    const quantity = p.quantity ?? 1
    let high = -Infinity
    let low = Infinity
    let counted = 0
    let seen = 0
    let traded = false
    let closing = true // nothing before the first session opens
    return {
      beforeMarketOpens(ctx) {
        high = -Infinity
        low = Infinity
        counted = 0
        seen = ctx.barCount() // bars of earlier sessions are not part of this range
        traded = false
        closing = false
      },
      onTradingIteration(ctx) {
        const n = ctx.barCount()
        for (let i = seen; i < n && counted < rangeBars; i++) {
          const ago = n - 1 - i
          if (ctx.high(undefined, ago) > high) high = ctx.high(undefined, ago)
          if (ctx.low(undefined, ago) < low) low = ctx.low(undefined, ago)
          counted++
          seen = i + 1
        }
        if (closing || traded || counted < rangeBars || n <= seen) return
        seen = n
        if (ctx.close() > high && ctx.position() === 0) {
          ctx.buy(quantity, {tag: 'entry', timeInForce: 'day'})
          traded = true
        }
      },
      onFilledOrder(ctx, order) {
        if (order.tag === 'entry' && !closing) ctx.sell(order.quantity, {type: 'stop', stopPrice: low, timeInForce: 'day', tag: 'stop'})
      },
      beforeMarketCloses(ctx) {
        closing = true
        for (const order of ctx.openOrders()) ctx.cancelOrder(order.id)
        ctx.closePosition()
      },
    }
  },
})
