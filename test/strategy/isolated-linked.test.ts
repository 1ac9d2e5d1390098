/**
 * A plugin in its worker can use the linked-order methods of the context (submitBracket,
 * submitOco, replaceOrder, trailing stops): each is forwarded to the live bot's context, and the
 * run equals the same plugin run in process.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {StrategyDefinition} from '../../src/model/strategy.js'
import {pluginLoadTarget} from '../../src/strategy/discover.js'
import {startIsolatedStrategy, type IsolatedStrategy} from '../../src/strategy/isolated/isolated-strategy.js'
import {loadPluginFile} from '../../src/strategy/load-plugin.js'
import {brokerSpec} from '../engine/engine-fixtures.js'
import {dataFile, readCsvBars} from '../helpers/read-csv-bars.js'
import {tempDir} from '../helpers/tmp.js'

const DAY = 86_400_000
const bars = readCsvBars(dataFile('orcl-1995-2014.txt'), {symbol: 'ORCL', timeframeMs: DAY, timezone: 'America/New_York'})
const spec = {symbols: ['ORCL'], timeframeMs: DAY, sleeptimeMs: DAY, broker: brokerSpec({cash: 100_000})}

const LINKED = `
import {defineStrategy} from 'bots'
export default defineStrategy({
  name: 'linked', description: 'brackets, OCO pairs, replacements and trailing stops', params: {type: 'object', properties: {}},
  create: () => ({
    onTradingIteration(ctx) {
      const n = ctx.barCount()
      const c = ctx.close()
      const open = ctx.openOrders()
      if (ctx.position() === 0 && open.length === 0) {
        if (n % 3 === 0) {
          const b = ctx.submitBracket({side: 'buy', quantity: 10}, {stopLoss: c * 0.95, takeProfit: c * 1.05})
          ctx.state.legs = [b.entry.id, b.stopLoss.id, b.takeProfit.id].join(',')
        } else if (n % 3 === 1) {
          const [a, b] = ctx.submitOco({side: 'buy', quantity: 5, type: 'limit', limitPrice: c * 0.98}, {side: 'buy', quantity: 5, type: 'stop', stopPrice: c * 1.02})
          ctx.state.pair = a.ocoWith + ':' + b.ocoWith
        } else {
          ctx.submitBracket({side: 'buy', quantity: 10}, {trailPercent: 3, takeProfit: c * 1.1})
        }
      } else if (ctx.position() !== 0 && open.length === 0) {
        ctx.closePosition()
      } else if (n % 5 === 0) {
        const stop = open.find((o) => o.type === 'stop' && o.trailPercent === undefined)
        if (stop && ctx.position() > 0) ctx.state.replaced = ctx.replaceOrder(stop.id, {stopPrice: Math.max(stop.stopPrice, c * 0.97)})?.id
      }
      if (n === 4000) for (const o of ctx.openOrders()) ctx.cancelOrder(o.id)
    },
  }),
})
`

describe('linked orders from a plugin in a worker', () => {
  const dir = tempDir('bots-isolated-linked-')
  const started: IsolatedStrategy[] = []
  after(() => Promise.all(started.map((s) => s.close())))

  it('gives the same fills, orders and equity as in process', async () => {
    const file = path.join(dir, 'linked.ts')
    writeFileSync(file, LINKED)
    const t = pluginLoadTarget(file)!
    const definition = await loadPluginFile(t.file, t.native)
    const s = await startIsolatedStrategy({file: t.file, native: t.native, name: definition.name, params: {}, symbols: ['ORCL'], timezone: 'America/New_York', budgetMs: 10_000, loadTimeoutMs: 30_000})
    started.push(s)
    let state: Record<string, unknown> = {}
    const inWorker: StrategyDefinition = {...definition, create: () => ({...s.hooks, onStop: (ctx) => void (state = {...ctx.state})})}
    const run = (d: StrategyDefinition) => runBacktest({spec, bars, definition: d, params: {}, calendar: createCalendar('NYSE')})
    const a = await run(definition)
    const b = await run(inWorker)
    assert.ok(a.fills.length > 100, `it trades (${a.fills.length} fills)`)
    assert.ok(a.orders.some((o) => o.reason?.startsWith('OCO: order')), 'OCO cancels')
    assert.ok(a.orders.some((o) => o.reason?.startsWith('replaced by order')), 'replacements')
    assert.deepEqual(b.fills, a.fills)
    assert.deepEqual(b.orders, a.orders)
    assert.deepEqual(b.counts, a.counts)
    assert.deepEqual([...b.equity.value], [...a.equity.value])
    assert.match(String(state.legs), /^\d+,\d+,\d+$/)
    assert.match(String(state.pair), /^\d+:\d+$/)
    assert.ok(Number(state.replaced) > 0)
  })
})
