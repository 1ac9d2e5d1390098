import {CrossDetector, SMA, defineStrategy} from 'bots'

interface Params {
  fast: number
  slow: number
  /** Units per entry; 10 when neither quantity nor percent is given. */
  quantity?: number
  /** Percent of the portfolio value put into each entry (whole units, rounded down). */
  percent?: number
}

/**
 * Long-only moving-average crossover, the classic Backtrader example: buy when flat and the fast
 * SMA crosses above the slow one (`quantity` units, or `percent` of the portfolio value in whole
 * units at the signal bar's close: floor(percent% × value / (close × multiplier)), the multiplier of the symbol's
 * `instruments`, 1 without one), close the position when long and it crosses below.
 * SMAs are fsum-exact and crossovers use the last non-zero difference, as in Backtrader, so the
 * trades match it bar for bar. Every bar feeds the indicators, even when iterations are sparser
 * than bars (the latest crossover among the new bars decides). Each symbol is traded on its own.
 */
export default defineStrategy<Params>({
  name: 'sma-cross',
  description: 'Long-only SMA crossover: buy when the fast SMA crosses above the slow SMA, close when it crosses below.',
  params: {
    type: 'object',
    properties: {
      fast: {type: 'integer', minimum: 1, default: 10, description: 'Bars in the fast moving average.'},
      slow: {type: 'integer', minimum: 2, default: 30, description: 'Bars in the slow moving average; must be larger than fast.'},
      quantity: {type: 'number', exclusiveMinimum: 0, description: 'Units bought on each entry (10 when neither quantity nor percent is given). Not with percent.'},
      percent: {
        type: 'number',
        exclusiveMinimum: 0,
        maximum: 100,
        description: 'Percent of the portfolio value bought on each entry, in whole units: floor(percent% × value / (close × multiplier)), the multiplier of the symbol\'s instruments (1 without one). Not with quantity.',
      },
    },
    // quantity and percent are mutually exclusive. The descriptions say so; check() enforces it,
    // because ajv's message for a `not` schema ("must NOT be valid") would name neither.
    additionalProperties: false,
  },
  check(p) {
    const fast = p.fast ?? 10
    const slow = p.slow ?? 30
    const problems = fast < slow
      ? []
      : [{param: 'fast', message: `fast (${fast}) must be smaller than slow (${slow})`, hint: 'swap the two values or lower fast'}]
    if (p.quantity !== undefined && p.percent !== undefined) {
      problems.push({
        param: 'percent',
        message: `quantity (${p.quantity}) and percent (${p.percent}) are mutually exclusive: size entries by one of them`,
        hint: 'keep percent (a share of the portfolio value) or quantity (fixed units), not both',
      })
    }
    return problems
  },
  // The slow SMA needs `slow` bars and a crossover one more (the difference before this bar).
  warmup: (p) => (p.slow ?? 30) + 1,
  create(p) {
    const fastPeriod = p.fast ?? 10
    const slowPeriod = p.slow ?? 30
    const quantity = p.quantity ?? 10
    const percent = p.percent
    let fast: SMA[] = []
    let slow: SMA[] = []
    let cross: CrossDetector[] = []
    let seen = 0
    return {
      initialize(ctx) {
        fast = ctx.symbols.map(() => new SMA(fastPeriod))
        slow = ctx.symbols.map(() => new SMA(slowPeriod))
        cross = ctx.symbols.map(() => new CrossDetector())
      },
      onTradingIteration(ctx) {
        const n = ctx.barCount()
        const symbols = ctx.symbols
        for (let s = 0; s < symbols.length; s++) {
          const symbol = symbols[s]
          let signal = 0
          for (let i = seen; i < n; i++) {
            const c = ctx.close(symbol, n - 1 - i)
            if (c !== c) continue // no bar for this symbol at that time
            // push + value, not add's return: nothing allocated per bar (see SMA.push)
            const f = fast[s]
            const sl = slow[s]
            f.push(c)
            sl.push(c)
            const x = cross[s].update(f.value, sl.value)
            if (x !== 0) signal = x
          }
          if (signal === 0) continue
          const position = ctx.position(symbol)
          if (signal > 0 && position === 0) {
            const units = percent === undefined ? quantity : Math.floor((percent / 100) * ctx.portfolioValue / (ctx.close(symbol) * ctx.multiplier(symbol)))
            if (units > 0) ctx.buy(units, {symbol})
          } else if (signal < 0 && position > 0) ctx.closePosition(symbol)
        }
        seen = n
      },
    }
  },
})
