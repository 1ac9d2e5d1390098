/**
 * Issue 13: the engine, the broker and the shipped indicators allocate nothing per bar. A run's
 * garbage must grow with what happens in it (orders, fills, trades, sessions), never with the
 * bar count, or every million bars pays for young-generation collections.
 *
 * Measured with V8's sampling heap profiler counting every allocation, including the objects
 * collected since (bytes, not durations). Code is measured warm: before V8 optimises a function,
 * its interpreter boxes every double it computes. The least of a few runs is compared, so a run
 * in which V8 happened to be re-optimising something cannot fail the test; an allocation per bar
 * shows in every run (a double boxed per bar is 16 bytes a bar, 4 times the bound; a NYSE run allocates ~1 byte a bar for its sessions).
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {Session} from 'node:inspector/promises'
import {test} from 'node:test'
import {emptyBars} from '../../src/core/bars.js'
import {createCalendar} from '../../src/calendar/index.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import {CrossDetector, SMA} from '../../src/index.js'
import type {Bars} from '../../src/model/bars.js'
import type {StrategyHooks} from '../../src/model/strategy.js'
import {brokerSpec, strategyOf} from './engine-fixtures.js'

const MIN = 60_000
const BARS = 100_000
/** Bytes a bar: generous for what sessions and the few orders allocate, far below one boxed double. */
const BOUND = 4

/** Minute bars on a random walk, consecutive (24/7) or on NYSE's session minutes. */
function minuteBars(onNyse: boolean): Bars {
  const b = emptyBars('X', MIN, BARS)
  const start = Date.UTC(2015, 0, 1)
  if (onNyse) {
    let i = 0
    for (const s of createCalendar('NYSE').sessions(start, Date.UTC(2030, 0, 1))) {
      for (let t = s.open; t < s.close && i < BARS; t += MIN) b.time[i++] = t
      if (i === BARS) break
    }
  } else for (let i = 0; i < BARS; i++) b.time[i] = start + i * MIN
  let p = 100
  let seed = 7
  for (let i = 0; i < BARS; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    const open = p
    p = Math.max(1, p * (1 + (seed / 2 ** 31 - 0.5) * 0.004))
    b.open[i] = open
    b.close[i] = p
    b.high[i] = Math.max(open, p) * 1.001
    b.low[i] = Math.min(open, p) * 0.999
    b.volume[i] = 1000
  }
  return b
}

/** Bytes allocated (sampled, collected objects included) by one call of `work`. */
async function allocatedBy(work: () => Promise<unknown>): Promise<number> {
  const session = new Session()
  session.connect()
  try {
    await session.post('HeapProfiler.startSampling', {samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true})
    await work()
    const {profile} = await session.post('HeapProfiler.stopSampling')
    let bytes = 0
    const walk = (node: typeof profile.head): void => {
      bytes += node.selfSize
      node.children.forEach(walk)
    }
    walk(profile.head)
    return bytes
  } finally {
    session.disconnect()
  }
}

const strategies: Record<string, () => StrategyHooks> = {
  // The kernel, the broker and the equity curve alone.
  'no strategy work': () => ({onTradingIteration() {}}),
  // The accessors a strategy calls every bar.
  'reading the bar': () => {
    let seen = 0
    return {
      onTradingIteration(ctx) {
        if (ctx.close() > ctx.open() && ctx.position() === 0 && ctx.barCount() > seen) seen = ctx.barCount()
      },
    }
  },
  // An indicator and a crossover fed every bar, and an order now and then (each allocates: rare).
  'an SMA, a crossover and a trade every 10,000 bars': () => {
    const sma = new SMA(20)
    const cross = new CrossDetector()
    let n = 0
    return {
      onTradingIteration(ctx) {
        const c = ctx.close()
        sma.push(c)
        cross.update(c, sma.value)
        if (++n % 10_000 === 0) {
          if (ctx.position() === 0) ctx.buy(1)
          else ctx.closePosition()
        }
      },
    }
  },
}

for (const market of ['24/7', 'NYSE'] as const) {
  for (const [name, make] of Object.entries(strategies)) {
    test(`a ${market} run allocates nothing per bar: ${name}`, async () => {
      const bars = minuteBars(market === 'NYSE')
      const calendar = createCalendar(market)
      const definition = strategyOf(name, make)
      const spec = {symbols: ['X'], timeframeMs: MIN, sleeptimeMs: MIN, broker: brokerSpec({cash: 1e9})}
      const run = () => runBacktest({spec, bars, definition, params: {}, calendar, keepOrders: false})
      const first = await run()
      assert.equal(first.counts.iterations, BARS, 'one iteration per bar')
      for (let k = 0; k < 3; k++) await run() // warm: V8 optimises the hot paths
      const perBar: number[] = []
      for (let k = 0; k < 4 && !(Math.min(...perBar) < BOUND); k++) perBar.push((await allocatedBy(run)) / BARS)
      assert.ok(Math.min(...perBar) < BOUND, `${perBar.map((b) => b.toFixed(1)).join(', ')} bytes a bar (bound ${BOUND})`)
    })
  }
}

// The shipped strategies' own per-bar work, measured on the built package in a process of its
// own (helpers/shipped-allocation.mjs says why). sma-cross feeds two SMAs and a crossover every
// bar: V8 inlines a bounded amount of code into one loop, and it once boxed a double per bar
// (16 bytes) in whichever call it left out (see WindowSum.push).
for (const [name, params] of [['sma-cross', {fast: 10, slow: 30, quantity: 10}], ['buy-and-hold', {}], ['opening-range', {}]] as const) {
  test(`the shipped strategy ${name}, as built, allocates nothing per bar`, () => {
    const helper = fileURLToPath(new URL('../helpers/shipped-allocation.mjs', import.meta.url))
    const r = spawnSync(process.execPath, [helper, name, JSON.stringify(params), String(BARS)], {encoding: 'utf8'})
    assert.equal(r.status, 0, r.stderr)
    const {fills, perBar} = JSON.parse(r.stdout) as {fills: number; perBar: number[]}
    assert.ok(fills < 100, `${fills} fills: trades must stay rare for the measure to be of bars`)
    if (name === 'sma-cross') assert.ok(fills >= 4, `${fills} fills: the strategy must trade`)
    assert.ok(Math.min(...perBar) < BOUND, `${perBar.map((b) => b.toFixed(1)).join(', ')} bytes a bar (bound ${BOUND})`)
  })
}

// The control: the measure must see garbage that is collected before it ends, or every test above
// would pass whatever the engine did.
test('the measure counts what a run allocates and drops: an array kept for one bar each bar is far over the bound', async () => {
  const bars = minuteBars(false)
  let last: number[] = []
  const definition = strategyOf('garbage', () => ({
    onTradingIteration(ctx) {
      last = [ctx.close()]
    },
  }))
  const spec = {symbols: ['X'], timeframeMs: MIN, sleeptimeMs: MIN, broker: brokerSpec({cash: 1e9})}
  const run = () => runBacktest({spec, bars, definition, params: {}, calendar: createCalendar('24/7'), keepOrders: false})
  for (let k = 0; k < 3; k++) await run()
  const perBar = (await allocatedBy(run)) / BARS
  assert.ok(perBar > 4 * BOUND, `${perBar.toFixed(1)} bytes a bar`)
  assert.equal(last.length, 1)
})

