/** The report's server-rendered parts: metrics, monthly heat map, the trade list's frame. All text escaped. */
import type {OpenPosition} from '../engine/result.js'
import type {DrawdownSpell} from '../metrics/drawdown.js'
import type {Trade} from '../model/trade.js'
import {METRIC_ROWS, formatMetric, formatSpan, metricValue} from '../metrics/metric-rows.js'
import type {Metrics} from '../metrics/metrics.js'
import {yearGrid, type MonthlyReturn} from '../metrics/monthly.js'
import {escapeHtml as h} from './escape.js'
import {fixedNumber as fixed, localeNumber} from '../core/fixed-number.js'

export const MAX_TRADE_ROWS = 5000
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

export function metricsTable(m: Metrics, fmtTime: (t: number) => string): string {
  const rows = METRIC_ROWS.map((r) => {
    const s = formatMetric(metricValue(m.strategy, r.key), r.format, fmtTime)
    const b = r.benchmark ? formatMetric(metricValue(m.benchmark, r.key), r.format, fmtTime) : ''
    return `<tr><th scope="row">${h(r.label)}</th><td>${h(s)}</td><td>${h(b)}</td></tr>`
  })
  return `<table class="metrics"><thead><tr><th></th><th>strategy</th><th>buy &amp; hold</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
}

export function heatMap(months: readonly MonthlyReturn[], caption: string): string {
  const grid = yearGrid(months)
  if (grid.length === 0) return '<p class="note">No monthly returns (no bars).</p>'
  // Full colour at the table's largest monthly move (at least 1%), so small strategies still show a pattern.
  const scale = Math.max(0.01, ...months.map((m) => Math.abs(m.return)).filter(Number.isFinite))
  const cell = (v: number | null) => (v === null ? '<td class="empty"></td>' : `<td style="background:${heat(v, scale)}" title="${h(percent(v, 4))}%">${h(percent(v, 2))}</td>`)
  const head = `<tr><th>year</th>${MONTHS.map((m) => `<th>${m}</th>`).join('')}<th>year</th></tr>`
  const body = grid.map((y) => `<tr><th scope="row">${y.year}</th>${y.months.map(cell).join('')}${cell(y.total)}</tr>`).join('')
  return `<table class="heat" data-count="${months.length}"><caption>${h(caption)}</caption><thead>${head}</thead><tbody>${body}</tbody></table>`
}

/** `v` (a fraction) in percent with `digits` decimals, every cell alike: a value that rounds to zero is `0.00`, never `-0.00`. */
export function percent(v: number, digits: number): string {
  const text = (v * 100).toFixed(digits)
  return Number(text) === 0 ? (0).toFixed(digits) : text
}

const QUANTITY_DECIMALS = 8
const PRICE_DIGITS = 6
/** 6 significant digits down to prices of 1e-7, fewer below. */
const MAX_PRICE_DECIMALS = 12

/**
 * A quantity with the decimals it has, up to 8 (a satoshi's), grouped: `1,500`, `0.37`. Fractional
 * quantities (24/7 markets) read as whole units were `0`. The page's script writes the same
 * (client-script.ts, TRADE_ROWS).
 */
export function quantityText(v: number): string {
  return withoutTrailingZeros(fixed(v, QUANTITY_DECIMALS), 0)
}

/**
 * A price with 2 decimals, as ever at or above 1; below 1, with up to `PRICE_DIGITS` significant
 * digits (trailing zeros dropped, never below 2 decimals): `0.37`, `0.0000996635`, where 2 decimals
 * wrote `0.00`. The page's script writes the same (client-script.ts, TRADE_ROWS).
 */
export function priceText(v: number): string {
  return withoutTrailingZeros(fixed(v, priceDecimals(v)), 2)
}

/** Decimals that give a price below 1 `PRICE_DIGITS` significant digits; 2 for the rest (and 0, NaN, ±∞). */
function priceDecimals(v: number): number {
  const a = Math.abs(v)
  if (!(a > 0 && a < 1)) return 2
  return Math.min(MAX_PRICE_DECIMALS, PRICE_DIGITS - 1 - Math.floor(Math.log10(a)))
}

/** `text` (a formatted number) without the zeros that end its decimals, down to `keep` decimals, and without a bare point: Intl's output with minimumFractionDigits `keep`. */
function withoutTrailingZeros(text: string, keep: number): string {
  const dot = text.indexOf('.')
  if (dot < 0) return text
  let end = text.length
  while (end > dot + 1 + keep && text.charCodeAt(end - 1) === 48) end--
  return text.slice(0, end === dot + 1 ? dot : end)
}

/** Green for gains, red for losses, stronger with the size of the move. */
function heat(v: number, scale: number): string {
  const a = Math.min(1, Math.abs(v) / scale)
  const [r, g, b] = v >= 0 ? [46, 125, 50] : [198, 40, 40]
  return `rgba(${r},${g},${b},${(0.12 + 0.78 * a).toFixed(3)})`
}

/**
 * The trade list around its rows (the last `shown` of `total` trades), which the page's script
 * writes into the table's body from the report's data (trade-rows.ts, client-script.ts TRADE_ROWS).
 */
export function tradeTable(total: number, shown: number): string {
  if (total === 0) return '<p class="note">No closed trades.</p>'
  const note = shown < total ? `<p class="note">The last ${localeNumber(shown)} of ${localeNumber(total)} trades.</p>` : ''
  const head = ['#', 'symbol', 'side', 'qty', 'entry', 'price', 'exit', 'price', 'held', 'MAE', 'MFE', 'commission', 'net P&L', 'return']
  return `${note}<p class="note">Click a column's header to sort by it. MAE and MFE: the worst and best price move while the trade was open, from the average entry.</p>` +
    `<table class="trades" data-count="${shown}" data-sortable="yes" id="trade-list"><thead><tr>${head.map((c) => `<th>${h(c)}</th>`).join('')}</tr></thead><tbody></tbody></table>` +
    '<noscript><p class="note">The trades are listed by the page\'s script: open the report with JavaScript on.</p></noscript>'
}

/** The trades the trade list shows: the last MAX_TRADE_ROWS. */
export function shownTrades(trades: readonly Trade[]): readonly Trade[] {
  return trades.slice(-MAX_TRADE_ROWS)
}

/** Positions still open at the end: side, size, average entry, the mark they are valued at, and their unrealised P&L. */
export function positionsTable(positions: readonly OpenPosition[]): string {
  if (positions.length === 0) return ''
  const money = (v: number) => h(fixed(v, 2))
  const rows = positions.map((p) => {
    const cls = p.unrealizedPnl > 0 ? 'win' : p.unrealizedPnl < 0 ? 'loss' : ''
    const change = p.averagePrice !== 0 ? (Math.sign(p.quantity) * (p.lastPrice - p.averagePrice)) / p.averagePrice : NaN
    return `<tr class="${cls}"><td>${h(p.symbol)}</td><td>${p.quantity >= 0 ? 'long' : 'short'}</td><td>${h(quantityText(Math.abs(p.quantity)))}</td>` +
      `<td>${h(priceText(p.averagePrice))}</td><td>${h(priceText(p.lastPrice))}</td><td>${money(p.lastPrice * Math.abs(p.quantity) * (p.multiplier ?? 1))}</td><td>${money(p.unrealizedPnl)}</td>` +
      `<td>${Number.isFinite(change) ? `${h(percent(change, 2))}%` : ''}</td></tr>`
  })
  return `<h3>Open at the end</h3><p class="note">Valued at their last close; not counted as trades.</p>` +
    `<table class="trades positions" data-count="${positions.length}"><thead><tr><th>symbol</th><th>side</th><th>qty</th><th>entry (avg)</th><th>mark</th>` +
    `<th>value</th><th>unrealised P&amp;L</th><th>return</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
}

/** The deepest drawdowns: peak (start), trough, recovery (— while still under water), depth, and length from peak to recovery or to the end. */
export function drawdownTable(spells: readonly DrawdownSpell[], fmtTime: (t: number) => string, caption: string): string {
  if (spells.length === 0) return `<p class="note">${h(caption)}: no drawdown.</p>`
  const rows = spells.map((d, i) =>
    `<tr><td>${i + 1}</td><td>${h(fmtTime(d.peakTime))}</td><td>${h(fmtTime(d.troughTime))}</td><td>${d.recoveryTime === null ? '—' : h(fmtTime(d.recoveryTime))}</td>` +
    `<td>-${h(percent(d.depth, 2))}%</td><td>${h(formatSpan(d.durationMs))}${d.recoveryTime === null ? ' (open)' : ''}</td><td>${h(localeNumber(d.durationBars))}</td></tr>`)
  return `<table class="drawdowns" data-count="${spells.length}"><caption>${h(caption)}</caption><thead><tr><th>#</th><th>start</th><th>trough</th><th>recovery</th><th>depth</th><th>length</th><th>bars</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
}
