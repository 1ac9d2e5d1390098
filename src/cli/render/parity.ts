/** `bots parity` in words. */
import type {ParityEvent} from '../../live/runtime-types.js'
import type {ParityOutcome} from '../../service/parity.js'

const at = (t: number) => new Date(t).toISOString()

function event(e: ParityEvent | undefined): string {
  if (!e) return 'nothing'
  const price = e.price === undefined ? '' : ` @ ${e.price}`
  return `${e.kind} #${e.orderId} ${e.side} ${e.quantity} ${e.symbol}${e.type ? ` ${e.type}` : ''}${price} at ${at(e.time)}`
}

export function renderParity(o: ParityOutcome): string {
  const head = `bot ${o.botId} "${o.name}" (run ${o.run}): ${o.bars} bars, ${o.liveOrders} orders and ${o.liveFills} fills live; backtest ${o.backtest.orders} orders, ${o.backtest.fills} fills`
  const lines = [head]
  if (o.same) lines.push(`same: all ${o.compared} decisions agree`)
  else {
    const d = o.firstDifference!
    lines.push(`differs at decision ${d.index + 1} (${d.field}):`, `  live:     ${event(d.live)}`, `  backtest: ${event(d.backtest)}`)
  }
  if (o.note) lines.push(`note: ${o.note}`)
  return lines.join('\n')
}
