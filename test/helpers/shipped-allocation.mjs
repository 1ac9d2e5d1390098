// Bytes a shipped strategy allocates per bar, measured on the built package (dist/) in a process
// of its own, as `bots backtest` runs it: the code V8 optimises is the compiled JavaScript, and
// what it inlines (and so whether it boxes a double) depends on that code's exact size, which
// the TypeScript the tests otherwise run through tsx does not reproduce.
// Usage: node shipped-allocation.mjs STRATEGY PARAMS_JSON BARS; prints {fills, perBar: [bytes...]}.
import {Session} from 'node:inspector/promises'

const [name, paramsJson, barCount] = process.argv.slice(2)
const dist = (f) => new URL(`../../dist/${f}`, import.meta.url).href
const {runBacktest} = await import(dist('engine/run-backtest.js'))
const {createCalendar} = await import(dist('calendar/index.js'))
const {emptyBars} = await import(dist('core/bars.js'))
const definition = (await import(dist(`strategies/${name}.js`))).default

const MIN = 60_000
const n = Number(barCount)
// Minute bars priced in cents (as real prices are) on a slow wave: averages cross a few times in
// the whole run, so trades stay rare and what is measured is the bars' share.
const bars = emptyBars('X', MIN, n)
let previous = 100
for (let i = 0; i < n; i++) {
  const close = Math.round((100 + 20 * Math.sin((2 * Math.PI * i) / 20_000)) * 100) / 100
  bars.time[i] = Date.UTC(2015, 0, 1) + i * MIN
  bars.open[i] = previous
  bars.close[i] = close
  bars.high[i] = Math.max(previous, close) + 0.01
  bars.low[i] = Math.min(previous, close) - 0.01
  bars.volume[i] = 1000
  previous = close
}
const broker = {cash: 1e9, commission: {perShare: 0, percent: 0, fixed: 0, minimum: 0}, slippageBps: 0, allowShort: true, fillPrice: 'next_open'}
const spec = {symbols: ['X'], timeframeMs: MIN, sleeptimeMs: MIN, broker}
const run = () => runBacktest({spec, bars, definition, params: JSON.parse(paramsJson), calendar: createCalendar('24/7'), keepOrders: false})

const first = await run()
for (let k = 0; k < 3; k++) await run() // warm: V8 optimises the hot paths
const session = new Session()
session.connect()
const perBar = []
for (let k = 0; k < 4; k++) {
  await session.post('HeapProfiler.startSampling', {samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true})
  await run()
  const {profile} = await session.post('HeapProfiler.stopSampling')
  let bytes = 0
  const walk = (node) => {
    bytes += node.selfSize
    node.children.forEach(walk)
  }
  walk(profile.head)
  perBar.push(bytes / n)
}
session.disconnect()
console.log(JSON.stringify({fills: first.counts.fills, perBar}))
