/**
 * The trade list's rows as the report rendered them on the server before the page wrote them
 * (sections.ts until trade-rows.ts), with the server's own formatters: the reference the page's
 * rows are checked against.
 */
import {fixedNumber as fixed} from '../../src/core/fixed-number.js'
import {formatSpan} from '../../src/metrics/metric-rows.js'
import {tradeReturn} from '../../src/metrics/trade-stats.js'
import type {Trade} from '../../src/model/trade.js'
import {escapeHtml as h} from '../../src/report/escape.js'
import type {Excursion} from '../../src/report/excursions.js'
import {timeFormatter} from '../../src/report/render-report.js'
import {percent, priceText, quantityText} from '../../src/report/sections.js'

export function serverRows(trades: readonly Trade[], first: number, excursion: readonly Excursion[], tz: string, timeframeMs: number): string {
  const fmtTime = timeFormatter(tz, timeframeMs)
  const td = (v: number, text: string) => (v - v === 0 ? `<td data-v="${v}">${text}</td>` : `<td data-v="">${text}</td>`)
  const ratio = (v: number | undefined) => (v === undefined || v - v !== 0 ? '<td data-v=""></td>' : `<td data-v="${v}">${percent(v, 2)}%</td>`)
  return trades.map((t, i) => {
    const x = excursion[i]
    const held = t.exitTime - t.entryTime
    const n = first + i
    return `<tr class="${t.netPnl > 0 ? 'win' : t.netPnl < 0 ? 'loss' : ''}"><td data-v="${n}">${n}</td><td>${h(t.symbol)}</td><td>${h(t.side)}</td>${td(t.quantity, quantityText(t.quantity))}` +
      `${td(t.entryTime, fmtTime(t.entryTime))}${td(t.entryPrice, priceText(t.entryPrice))}${td(t.exitTime, fmtTime(t.exitTime))}${td(t.exitPrice, priceText(t.exitPrice))}` +
      `${td(held, formatSpan(held))}${ratio(x?.mae)}${ratio(x?.mfe)}` +
      `${td(t.commission, fixed(t.commission, 2))}${td(t.netPnl, fixed(t.netPnl, 2))}${ratio(tradeReturn(t))}</tr>`
  }).join('')
}
