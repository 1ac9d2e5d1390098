/**
 * A plugin strategy in its worker (src/strategy/isolated): the engine's hooks are proxies that
 * serve every context call synchronously. Driven here by the real backtest engine, so each path of
 * the context (prices, orders, positions, state, log, history, errors) is exercised as a live bot
 * would exercise it, and the result must equal the same plugin run in process.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, describe, it} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'
import {isBotsError} from '../../src/core/errors.js'
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

// Uses every part of the context: reads, history, orders (market and limit), cancels, state, log, errors.
const BUSY = `
import {defineStrategy} from 'bots'
export default defineStrategy({
  name: 'busy', description: 'touches every part of the context', params: {type: 'object', properties: {}},
  create: () => ({
    initialize(ctx) { ctx.state.iterations = 0; ctx.log.info('hello from ' + ctx.timezone) },
    onTradingIteration(ctx) {
      ctx.state.iterations = Number(ctx.state.iterations) + 1
      try { ctx.close('NOPE') } catch (e) { ctx.state.caught = String(e.message) }
      const h = ctx.history()
      if (h.length < 20) return
      let sum = 0
      for (let i = h.length - 20; i < h.length; i++) sum += h.close[i]
      const avg = sum / 20
      if (ctx.openOrders().length > 0) for (const o of ctx.openOrders()) ctx.cancelOrder(o.id)
      if (ctx.position() === 0 && ctx.close() > avg && ctx.cash > ctx.close() * 10) ctx.buy(10)
      else if (ctx.position() > 0 && ctx.close() < avg) ctx.closePosition()
      else if (ctx.position() > 0 && ctx.barCount() % 7 === 0) ctx.sell(1, {type: 'limit', limitPrice: ctx.high(undefined, 1) * 1.5})
      if (ctx.portfolioValue <= 0 || !(ctx.averagePrice() > 0 || ctx.position() === 0)) throw new Error('inconsistent account')
    },
    onFilledOrder(ctx, order, fill) { ctx.state.lastFill = order.id + ':' + fill.quantity + '@' + fill.price },
    onCanceledOrder(ctx, order) { ctx.state.canceled = Number(ctx.state.canceled ?? 0) + 1 },
  }),
})
`

const THROWS = `
import {defineStrategy} from 'bots'
export default defineStrategy({
  name: 'throws', description: 'throws at its fifth bar', params: {type: 'object', properties: {}},
  create: () => ({
    onTradingIteration(ctx) { if (ctx.barCount() === 5) throw new RangeError('five is too many') },
    onBotCrash(ctx, error) { ctx.log.error('crash seen: ' + error.message) },
  }),
})
`

describe('a plugin strategy in a worker, driven by the engine', () => {
  const dir = tempDir('bots-isolated-')
  const started: IsolatedStrategy[] = []
  after(() => Promise.all(started.map((s) => s.close())))

  const plugin = (name: string, text: string) => {
    const file = path.join(dir, `${name}.ts`)
    writeFileSync(file, text)
    return file
  }
  const isolate = async (file: string, budgetMs = 10_000) => {
    const t = pluginLoadTarget(file)!
    const definition = await loadPluginFile(t.file, t.native)
    const s = await startIsolatedStrategy({file: t.file, native: t.native, name: definition.name, params: {}, symbols: ['ORCL'], timezone: 'America/New_York', budgetMs, loadTimeoutMs: 30_000})
    started.push(s)
    const inWorker: StrategyDefinition = {...definition, create: () => s.hooks}
    return {definition, inWorker, s}
  }
  const run = (definition: StrategyDefinition, logs?: string[]) =>
    runBacktest({spec, bars, definition, params: {}, calendar: createCalendar('NYSE'), logger: logs ? {info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m)} : undefined})

  it('gives the same fills, orders, equity and log as in process', async () => {
    const {definition, inWorker} = await isolate(plugin('busy', BUSY))
    const here: string[] = []
    const there: string[] = []
    const a = await run(definition, here)
    const b = await run(inWorker, there)
    assert.ok(a.fills.length > 50, `it trades (${a.fills.length} fills)`)
    assert.ok(a.counts.canceled > 0, 'it cancels')
    assert.deepEqual(b.fills, a.fills)
    assert.deepEqual(b.orders, a.orders)
    assert.deepEqual([...b.equity.value], [...a.equity.value])
    assert.deepEqual(there, here)
    assert.deepEqual(here, ['hello from America/New_York'])
  })

  it('the context errors reach the strategy as errors it can catch; ctx.state round-trips', async () => {
    const {inWorker, s} = await isolate(plugin('busy2', BUSY.replace("name: 'busy'", "name: 'busy2'")))
    let state: Record<string, unknown> = {}
    const definition: StrategyDefinition = {...inWorker, create: () => ({...s.hooks, onStop: (ctx) => void (state = {...ctx.state})})}
    await run(definition)
    assert.equal(state.iterations, bars.length)
    assert.match(String(state.caught), /unknown symbol "NOPE"/)
    assert.match(String(state.lastFill), /^\d+:\d+@[\d.]+$/)
    assert.ok(Number(state.canceled) > 0)
  })

  it('a throw in the worker is a strategy crash naming the hook and the error; onBotCrash runs there', async () => {
    const {inWorker} = await isolate(plugin('throws', THROWS))
    const logs: string[] = []
    await assert.rejects(run(inWorker, logs), (e: unknown) => {
      assert.ok(isBotsError(e) && e.diagnostic.code === 'strategy.crash')
      assert.match((e as Error).message, /crashed in onTradingIteration .*five is too many/)
      return true
    })
    assert.deepEqual(logs, ['crash seen: five is too many'])
  })

  it('process.exit() in a hook ends only its worker: a crash at once, not a wait for the budget', async () => {
    const quitter = plugin('quits', `import {defineStrategy} from 'bots'
export default defineStrategy({name: 'quits', description: 'exits at bar 3', params: {type: 'object', properties: {}},
  create: () => ({onTradingIteration(ctx) { if (ctx.barCount() === 3) process.exit(0) }})})`)
    const {inWorker} = await isolate(quitter, 600_000)
    await assert.rejects(run(inWorker), /crashed in onTradingIteration .*called process.exit\(0\)/)
  })

  it('a hook past its budget: the worker is stopped, strategy.timeout, and every later call fails at once', async () => {
    const spin = plugin('spin', `import {defineStrategy} from 'bots'
export default defineStrategy({name: 'spin', description: 'spins at bar 3', params: {type: 'object', properties: {}},
  create: () => ({onTradingIteration(ctx) { if (ctx.barCount() === 3) for (;;) {} }})})`)
    const {inWorker, s} = await isolate(spin, 300)
    await assert.rejects(run(inWorker), (e: unknown) => {
      const cause = (e as {cause?: unknown}).cause
      assert.ok(isBotsError(cause) && cause.diagnostic.code === 'strategy.timeout', String(e))
      assert.match((e as Error).message, /onTradingIteration did not return within 0.3 s/)
      return true
    })
    assert.match(String(s.stopped), /did not return within/)
    assert.throws(() => s.hooks.onTradingIteration!({} as never), /did not return within/)
  })
})
