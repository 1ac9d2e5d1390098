/** Plain-text rendering of the bot commands' results (the --json form is the result itself). */
import {formatDiagnostic, type Diagnostic} from '../../core/errors.js'
import type {BotRow} from '../../service/bot-rows.js'
import type {BotStatusView, EventView, TradeView} from '../../service/queries.js'
import {table} from './table.js'
import {fixedNumber, localeNumber} from '../../core/fixed-number.js'

const ago = (iso: string | null, now: number) => (iso === null ? '-' : `${Math.max(0, Math.round((now - Date.parse(iso)) / 1000))}s ago`)
/** Thousands separators, two decimals, whatever the locale: `1,234,567.89`. */
const money = (v: number | null) => (v === null ? '-' : fixedNumber(v, 2))

export function botJson(b: BotRow): Record<string, unknown> {
  const {spec: _spec, ...rest} = b
  return {...rest, heartbeatAt: b.heartbeatAt === null ? null : new Date(b.heartbeatAt).toISOString(), createdAt: new Date(b.createdAt).toISOString(), updatedAt: new Date(b.updatedAt).toISOString()}
}

export function renderBots(bots: BotRow[]): string {
  if (bots.length === 0) return 'no bots (add one with `bots add SPEC --user-id N`)'
  return table(['ID', 'USER', 'NAME', 'ENABLED', 'STATUS', 'ERROR'], bots.map((b) => [b.id, b.userId, b.name, b.enabled ? 'yes' : 'no', b.status, b.error ?? '']))
}

export function renderStatus(views: BotStatusView[], now: number): string {
  if (views.length === 0) return 'no bots'
  return views
    .map((v) => {
      const positions = Object.entries(v.positions).filter(([, q]) => q !== 0).map(([s, q]) => `${s} ${q}`).join(', ') || 'none'
      return [
        `bot ${v.id} ${v.name} (user ${v.userId}): ${v.status}${v.enabled ? '' : ' (disabled)'}`,
        `  heartbeat   ${ago(v.heartbeatAt, now)}${v.heartbeatAt ? ` (${v.heartbeatAt})` : ''}${silent(v, now) ? '  (silent: is `bots live` still running?)' : ''}`,
        `  equity      ${money(v.equity)}  cash ${money(v.cash)}  P&L ${money(v.pnl)}`,
        `  positions   ${positions}`,
        // Fills, as `bots trades` lists them (a backtest's trades are round trips): found by an audit.
        `  fills       ${v.trades}`,
        `  feed        ${feedLine(v)}`,
        ...(v.lease === undefined ? [] : [`  held by     ${leaseLine(v, now)}`]),
        ...(v.error ? [`  error       ${v.error}`] : []),
        ...(v.lastError && v.lastError.message !== v.error ? [`  last error  ${v.lastError.at} ${v.lastError.kind}: ${v.lastError.message ?? ''}`] : []),
      ].join('\n')
    })
    .join('\n\n')
}

/** `replay, last bar 2014-03-05T05:00:00.000Z, 210 bars behind the end of the stored data`. */
function feedLine(v: BotStatusView): string {
  const f = v.feed
  if (f.lastBarTime === null) return `${f.type}, no bar processed yet`
  const behind = f.barsBehind === null ? '' : f.barsBehind === 0 ? ', at the end of the stored data' : `, ${localeNumber(f.barsBehind)} bar${f.barsBehind === 1 ? '' : 's'} behind the end of the stored data`
  return `${f.type}, last bar ${f.lastBarTime}${behind}`
}

/** PostgreSQL registry: `host PID 4242, epoch 3, lease valid 12 s more` (or nobody). */
function leaseLine(v: BotStatusView, now: number): string {
  const l = v.lease
  if (!l || l.holder === null) return 'no process'
  const left = Math.round((Date.parse(l.expiresAt) - now) / 1000)
  return `${l.host ?? '?'} PID ${l.pid ?? '?'}, epoch ${l.epoch}, ${left > 0 ? `lease valid ${left} s more` : `lease expired ${-left} s ago`}`
}

/** A bot recorded as running whose heartbeat stopped a minute ago: its service probably died. */
function silent(v: BotStatusView, now: number): boolean {
  return (v.status === 'running' || v.status === 'starting') && v.heartbeatAt !== null && now - Date.parse(v.heartbeatAt) > (v.silentAfterMs ?? 60_000)
}

export function renderTrades(trades: TradeView[]): string {
  if (trades.length === 0) return 'no fills yet'
  // A bot started afresh (its strategy changed) numbers its orders anew and replays from its start
  // again: the run tells its fills apart (found by an audit: two order 1s, time going back).
  if (new Set(trades.map((t) => t.run)).size > 1) {
    return table(['RUN', 'TIME', 'ORDER', 'SYMBOL', 'SIDE', 'QTY', 'PRICE', 'COMMISSION'], trades.map((t) => [t.run, t.time, t.orderId, t.symbol, t.side, t.quantity, t.price, t.commission]))
  }
  return table(['TIME', 'ORDER', 'SYMBOL', 'SIDE', 'QTY', 'PRICE', 'COMMISSION'], trades.map((t) => [t.time, t.orderId, t.symbol, t.side, t.quantity, t.price, t.commission]))
}

export function renderEvents(events: EventView[]): string {
  if (events.length === 0) return 'no events'
  return events.map((e) => `${e.at}  ${e.kind.padEnd(9)} ${e.message ?? ''}`.trimEnd()).join('\n')
}

export function renderDiagnostics(diagnostics: Diagnostic[]): string {
  return diagnostics.map(formatDiagnostic).join('\n')
}
