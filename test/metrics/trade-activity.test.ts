/** Trade statistics, exposure, turnover and commissions against hand-computed values. */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {activityStats} from '../../src/metrics/activity.js'
import {profitFactorOf, tradeReturn, tradeStats} from '../../src/metrics/trade-stats.js'
import type {Trade} from '../../src/model/trade.js'
import type {Fill} from '../../src/model/orders.js'

const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`)
const H = 3_600_000

function trade(side: 'long' | 'short', qty: number, entry: number, exit: number, commission: number, entryTime: number, exitTime: number): Trade {
  const gross = (side === 'long' ? 1 : -1) * qty * (exit - entry)
  return {symbol: 'X', side, quantity: qty, entryTime, entryPrice: entry, exitTime, exitPrice: exit, commission, grossPnl: gross, netPnl: gross - commission}
}

describe('trade statistics', () => {
  // net P&L: +18, −11, +4, −1, 0
  const trades = [
    trade('long', 10, 10, 12, 2, 0, 2 * H), //        +20 − 2 = 18, return 18/100
    trade('long', 10, 12, 11, 1, 3 * H, 4 * H), //    −10 − 1 = −11, return −11/120
    trade('short', 5, 20, 19, 1, 5 * H, 9 * H), //    +5 − 1 = 4, return 4/100
    trade('short', 5, 20, 20, 1, 10 * H, 11 * H), //  0 − 1 = −1, return −1/100
    trade('long', 1, 50, 50, 0, 12 * H, 13 * H), //   0
  ]
  const s = tradeStats(trades)

  it('counts wins and losses by net P&L (a zero trade is neither)', () => {
    assert.deepEqual([s.trades, s.wins, s.losses], [5, 2, 2])
    near(s.winRate, 2 / 5, 'win rate')
    near(s.avgWin, 11, 'average win (18 + 4) / 2')
    near(s.avgLoss, -6, 'average loss (−11 − 1) / 2')
    near(s.grossProfit, 22, 'gross profit')
    near(s.grossLoss, 12, 'gross loss')
    near(s.profitFactor, 22 / 12, 'profit factor')
    near(s.expectancy, 10 / 5, 'expectancy: mean net P&L')
    near(s.expectancy, s.winRate * s.avgWin + (s.losses / s.trades) * s.avgLoss, 'expectancy = win rate × avg win + loss rate × avg loss')
  })

  it('best and worst trades in money and in return on the capital committed', () => {
    assert.equal(s.bestTradePnl, 18)
    assert.equal(s.worstTradePnl, -11)
    near(s.bestTradeReturn, 0.18, 'best return')
    near(s.worstTradeReturn, -11 / 120, 'worst return')
    near(s.avgTradeReturn, (0.18 - 11 / 120 + 0.04 - 0.01 + 0) / 5, 'mean return')
    near(tradeReturn(trades[2]), 0.04, 'a short: (20 − 19) × 5 − 1 over 20 × 5')
  })

  it('holding times and SQN', () => {
    near(s.avgHoldingMs, (2 + 1 + 4 + 1 + 1) * H / 5, 'average holding')
    assert.equal(s.maxHoldingMs, 4 * H)
    const pnl = [18, -11, 4, -1, 0]
    const sd = Math.sqrt(pnl.reduce((a, x) => a + (x - 2) ** 2, 0) / 4)
    near(s.sqn, (Math.sqrt(5) * 2) / sd, 'SQN')
  })

  it('profit factor without losses is Infinity, without trades NaN; profitFactorOf works on any list', () => {
    assert.equal(tradeStats([trades[0]]).profitFactor, Infinity)
    const none = tradeStats([])
    assert.ok(Number.isNaN(none.profitFactor) && Number.isNaN(none.winRate) && Number.isNaN(none.bestTradePnl))
    near(profitFactorOf([0.1, -0.05, 0.2, -0.1]), 0.3 / 0.15, 'on returns')
  })
})

describe('exposure, turnover, commissions', () => {
  const fill = (symbol: string, side: 'buy' | 'sell', quantity: number, price: number, time: number, commission = 0): Fill => ({orderId: 0, symbol, side, quantity, price, commission, time})
  const time = Float64Array.from({length: 10}, (_, i) => i * H)
  const value = new Float64Array(10).fill(1000)

  it('a bar counts when a position is held over it: entry bar in, exit bar out', () => {
    // buy at the open of bar 2, sell at the open of bar 5: bars 2, 3, 4 in the market
    const a = activityStats([fill('X', 'buy', 10, 10, 2 * H, 1), fill('X', 'sell', 10, 12, 5 * H, 1.2)], time, value)
    assert.equal(a.barsInMarket, 3)
    near(a.exposure, 0.3, 'exposure')
    near(a.tradedValue, 100 + 120, 'traded value')
    near(a.turnover, 220 / 1000, 'turnover over the mean account value')
    near(a.commissions, 2.2, 'commissions')
  })

  it('a fill at a close counts from the next bar; overlapping positions in two symbols count once', () => {
    const f = [
      fill('X', 'buy', 1, 10, 1.5 * H), // fills between bar 1 and 2 (a close): from bar 2
      fill('Y', 'sell', 2, 5, 3 * H), //   short Y from bar 3
      fill('X', 'sell', 1, 10, 4 * H), //  X flat at bar 4
      fill('Y', 'buy', 2, 5, 6 * H), //    Y flat at bar 6
      fill('X', 'buy', 0.1, 10, 8 * H), // bars 8, 9 (still open at the end)
    ]
    assert.equal(activityStats(f, time, value).barsInMarket, 4 + 2)
  })
})
