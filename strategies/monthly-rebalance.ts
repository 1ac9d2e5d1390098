import {defineStrategy, didYouMean, type ParamProblem} from 'bots'

interface Params {
  weights: Record<string, number>
}

/**
 * Fixed-weight portfolio, rebalanced on the first bar of each calendar month: every symbol is
 * brought to `weight` × portfolio value in whole units at that bar's close (symbols without a
 * weight are sold). Sells are submitted before buys so their proceeds pay for the buys when both
 * fill at the next open; keep the weights' sum below 1 for headroom against gaps and commission.
 * The `rules` strategy trades each symbol on its own, so a portfolio needs this plugin.
 */
export default defineStrategy<Params>({
  name: 'monthly-rebalance',
  description: 'Hold fixed portfolio weights, rebalanced on the first bar of each month.',
  params: {
    type: 'object',
    properties: {
      weights: {
        type: 'object',
        description: 'Target share of the portfolio value per symbol, e.g. {ORCL: 0.6, IDX: 0.35}; the rest stays in cash.',
        additionalProperties: {type: 'number', minimum: 0, maximum: 1},
        minProperties: 1,
      },
    },
    required: ['weights'],
    additionalProperties: false,
  },
  check(p, bot) {
    const problems: ParamProblem[] = []
    const total = Object.values(p.weights ?? {}).reduce((a, b) => a + b, 0)
    if (total > 1) problems.push({param: 'weights', message: `the weights add up to ${total}, more than 1`, hint: 'leave a little cash (a sum of 0.95 to 0.98) for gaps and commission'})
    // A weight for a symbol the bot does not trade is never bought: its share of the value stays in cash.
    for (const symbol of Object.keys(p.weights ?? {})) {
      if (!bot || bot.symbols.includes(symbol)) continue
      const guess = didYouMean(symbol, bot.symbols)
      problems.push({
        param: 'weights',
        message: `weight for ${symbol}, which this bot does not trade (its symbols: ${bot.symbols.join(', ')})`,
        hint: guess ? `did you mean \`${guess}\`?` : `add ${symbol} to the bot's \`symbols\`, or remove its weight`,
      })
    }
    return problems
  },
  warmup: () => 1,
  create(p) {
    return {
      initialize(ctx) {
        // Validation reports this (check() with the bot); kept for callers that checked params alone.
        for (const s of Object.keys(p.weights)) if (!ctx.symbols.includes(s)) ctx.log.warn(`weight for ${s}, which this bot does not trade`)
      },
      onTradingIteration(ctx) {
        // Kept in ctx.state so a restarted live bot does not rebalance twice in one month.
        const month = monthOf(ctx.time(ctx.symbols[0]))
        if (month !== month || month === ctx.state.lastMonth) return
        ctx.state.lastMonth = month
        const value = ctx.portfolioValue
        const orders: Array<{symbol: string; delta: number}> = []
        for (const symbol of ctx.symbols) {
          const price = ctx.close(symbol)
          if (!(price > 0)) continue
          const target = Math.floor(((p.weights[symbol] ?? 0) * value) / (price * ctx.multiplier(symbol)))
          const delta = target - ctx.position(symbol)
          if (delta !== 0) orders.push({symbol, delta})
        }
        for (const o of orders) if (o.delta < 0) ctx.sell(-o.delta, {symbol: o.symbol, tag: 'rebalance'})
        for (const o of orders) if (o.delta > 0) ctx.buy(o.delta, {symbol: o.symbol, tag: 'rebalance'})
      },
    }
  },
})

/** year × 12 + month (0-based) of an epoch-ms instant, UTC; NaN for NaN. Civil-date arithmetic (Hinnant). */
function monthOf(t: number): number {
  if (t !== t) return NaN
  const z = Math.floor(t / 86_400_000) + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const month = mp < 10 ? mp + 2 : mp - 10
  return (yoe + era * 400 + (month <= 1 ? 1 : 0)) * 12 + month
}
