import {defineStrategy} from 'bots'

interface Params {
  quantity?: number
}

/**
 * The benchmark: buy once at the first bar and hold to the end (the run values the position at the
 * last close). Without `quantity` it buys as many whole units as cash allows at the first bar's
 * close. The order fills at the next open, which may cost more (a gap up, commission): a rejected
 * order is retried at the next iteration sized with 1% more headroom each time.
 */
export default defineStrategy<Params>({
  name: 'buy-and-hold',
  description: 'Buy at the first bar (all cash in whole units, or a fixed quantity) and hold.',
  params: {
    type: 'object',
    properties: {
      quantity: {type: 'number', exclusiveMinimum: 0, description: 'Units to buy; by default as many whole units as cash allows.'},
    },
    additionalProperties: false,
  },
  warmup: () => 1,
  create(p) {
    let done = false
    let headroom = 0
    return {
      onTradingIteration(ctx) {
        if (done || ctx.openOrders().length > 0) return
        if (ctx.position() !== 0) {
          done = true
          return
        }
        const price = ctx.close()
        if (!(price > 0)) return
        const quantity = p.quantity ?? Math.floor(ctx.cash / (price * ctx.multiplier() * (1 + headroom)))
        if (quantity > 0) ctx.buy(quantity, {tag: 'buy-and-hold'})
        else done = true
      },
      onFilledOrder() {
        done = true
      },
      onCanceledOrder(_ctx, order) {
        if (order.status === 'rejected') headroom += 0.01
      },
    }
  },
})
