/**
 * `bots trades` and `bots status` in the terminal. Found by an audit: `status` said "trades 7"
 * where a backtest of the same bot says 3 trades (round trips) and `bots trades` lists 7 fills;
 * and after a strategy change `bots trades` listed two runs' fills as one list, two order 1s, time
 * going back, with no run to tell them apart.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {renderStatus, renderTrades} from '../../src/cli/render/bots.js'
import type {BotStatusView, TradeView} from '../../src/service/queries.js'

const fill = (run: number, orderId: number, time: string): TradeView => ({run, orderId, fillSeq: 1, time, symbol: 'ORCL', side: 'buy', quantity: 10, price: 37.49, commission: 0})

test('bots trades: a RUN column once the fills span two runs; none for one', () => {
  const one = renderTrades([fill(1, 1, '2014-02-03'), fill(1, 2, '2014-03-03')])
  assert.match(one.split('\n')[0], /^TIME\s+ORDER\s+SYMBOL/)
  const two = renderTrades([fill(1, 1, '2014-02-03'), fill(1, 2, '2014-06-03'), fill(2, 1, '2014-01-03')]).split('\n')
  assert.match(two[0], /^RUN\s+TIME\s+ORDER\s+SYMBOL/)
  assert.match(two[3], /^\s*2\s+2014-01-03\s+1\s+ORCL/)
  assert.equal(renderTrades([]), 'no fills yet')
})

test('bots status counts fills as fills', () => {
  const view = {id: 1, userId: 1, name: 'b', enabled: true, status: 'running', error: null, heartbeatAt: null, updatedAt: '', equity: 1, cash: 1, pnl: 0, positions: {}, stateAt: null, trades: 7, lastError: null, feed: {type: 'replay', lastBarTime: null, barsBehind: null}} as unknown as BotStatusView
  const text = renderStatus([view], Date.UTC(2026, 0, 1))
  assert.match(text, /\n {2}fills {7}7\n/)
  assert.doesNotMatch(text, /trades/)
})

test('bots status calls a running bot silent by its service\'s own heartbeat bound (found by an audit: 60 s against a 120 s heartbeat)', () => {
  const now = Date.UTC(2026, 0, 1, 12)
  const view = (silentAfterMs?: number) => ({id: 1, userId: 1, name: 'b', enabled: true, status: 'running', error: null, heartbeatAt: new Date(now - 100_000).toISOString(), updatedAt: '', equity: 1, cash: 1, pnl: 0, positions: {}, stateAt: null, trades: 0, lastError: null, feed: {type: 'replay', lastBarTime: null, barsBehind: null}, ...(silentAfterMs === undefined ? {} : {silentAfterMs})}) as unknown as BotStatusView
  assert.match(renderStatus([view()], now), /silent: is `bots live` still running\?/)
  assert.doesNotMatch(renderStatus([view(360_000)], now), /silent/)
  assert.match(renderStatus([view(60_000)], now), /silent/)
})
