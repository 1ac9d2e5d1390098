/** `bots check` in the terminal: a one-line pass, or the first decision that changed and where. */
import type {Decision, LookaheadReport} from '../../check/lookahead.js'
import {formatUtc} from '../../engine/format-time.js'
import {localeNumber} from '../../core/fixed-number.js'

export function renderLookahead(r: LookaheadReport): string {
  const what = `strategy "${r.strategy}" on ${r.symbols.join(', ')} (${localeNumber(r.bars)} bars, ${localeNumber(r.decisions)} order${r.decisions === 1 ? '' : 's'})`
  if (r.passed) {
    return `look-ahead check of ${what}: no decision changed in ${r.cuts.length} runs cut after earlier bars`
  }
  const f = r.first!
  const bad = r.cuts.filter((c) => c.differs).length
  return [
    `LOOK-AHEAD: ${what} decides differently when the bars after ${formatUtc(f.lastBar)} are removed (${bad} of ${r.cuts.length} cuts differ); the first change:`,
    `  with all the bars:   ${describe(f.differs!.full)}`,
    `  cut after that bar:  ${describe(f.differs!.cut)}`,
    '  a decision may use only bars that have closed: look for reads past the current bar (a history() buffer read beyond its length, data loaded from files)',
  ].join('\n')
}

function describe(d: Decision | undefined): string {
  if (!d) return 'no order'
  const price = d.type === 'limit' ? ` @ ${d.limitPrice}` : d.type === 'stop' ? ` stop ${d.stopPrice}` : d.type === 'stop_limit' ? ` stop ${d.stopPrice} limit ${d.limitPrice}` : ''
  return `order ${d.id}: ${d.side} ${d.quantity} ${d.symbol} ${d.type}${price} at ${formatUtc(d.createdAt)}`
}
