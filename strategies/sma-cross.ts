import {CrossDetector, SMA, defineStrategy} from 'bots'

interface Params {
  fast: number
  slow: number
  quantity: number
}

/**
 * Long-only moving-average crossover, the classic Backtrader example: buy `quantity` when flat
 * and the fast SMA crosses above the slow one, close the position when long and it crosses below.
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
      quantity: {type: 'number', exclusiveMinimum: 0, default: 10, description: 'Units bought on each entry.'},
    },
    additionalProperties: false,
  },
  check(p) {
    const fast = p.fast ?? 10
    const slow = p.slow ?? 30
    return fast < slow
      ? []
      : [{param: 'fast', message: `fast (${fast}) must be smaller than slow (${slow})`, hint: 'swap the two values or lower fast'}]
  },
  // The slow SMA needs `slow` bars and a crossover one more (the difference before this bar).
  warmup: (p) => (p.slow ?? 30) + 1,
  create(p) {
    const fastPeriod = p.fast ?? 10
    const slowPeriod = p.slow ?? 30
    const quantity = p.quantity ?? 10
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
            const x = cross[s].update(fast[s].add(c), slow[s].add(c))
            if (x !== 0) signal = x
          }
          if (signal === 0) continue
          const position = ctx.position(symbol)
          if (signal > 0 && position === 0) ctx.buy(quantity, {symbol})
          else if (signal < 0 && position > 0) ctx.closePosition(symbol)
        }
        seen = n
      },
    }
  },
})
