// Session engine speed: sma-cross over 1,000,000 minute bars, on a 24/7 market and on NYSE
// sessions. Measures the run only (bars already in memory, strategy already loaded), in the
// process environment `bots backtest` runs the engine in (bin/run.js: its GLIBC_TUNABLES and V8's
// semi-spaces capped): in a plain `node`, whose young generation grows to 16 MB semi-spaces and
// whose malloc maps each run's fresh arrays anew, the best of the same runs ranged from 6.7M to
// 10.5M bars/s from one process to the next on the 2-core VM (11.0M to 11.6M in this environment).
// Build first (npx tsc -p tsconfig.json && npx tsc -p strategies/tsconfig.json); `npm run bench` does.
import {existsSync} from 'node:fs'
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {createJiti} from 'jiti'
import {runBacktest} from '../dist/engine/run-backtest.js'
import {createCalendar} from '../dist/calendar/index.js'
import {generatedBars, MINUTE} from './generated-bars.mjs'
import {LAUNCHER_YOUNG, withLauncherTunables} from './launcher-tunables.mjs'

const ROWS = 1_000_000
const here = fileURLToPath(new URL('.', import.meta.url))
const scenario = process.argv[2]
if (scenario === undefined) {
  // Each market in its own process, so each memory figure is that run's alone.
  let status = 0
  for (const s of ['24/7', 'NYSE']) {
    const r = spawnSync(process.execPath, ['--expose-gc', LAUNCHER_YOUNG, fileURLToPath(import.meta.url), s], {stdio: 'inherit', env: {...process.env, GLIBC_TUNABLES: withLauncherTunables()}})
    status ||= r.status ?? 1
  }
  process.exit(status)
}

const bars = generatedBars(ROWS)
// The build compiles shipped strategies to dist/strategies (as the CLI loads them); jiti otherwise.
const compiled = `${here}../dist/strategies/sma-cross.js`
const definition = existsSync(compiled)
  ? (await import(compiled)).default
  : await createJiti(import.meta.url).import(`${here}../strategies/sma-cross.ts`, {default: true})
const broker = {cash: 1e9, commission: {perShare: 0, percent: 0.1, fixed: 0, minimum: 0}, slippageBps: 0, allowShort: true, fillPrice: 'next_open'}
const spec = {symbols: ['BENCH'], timeframeMs: MINUTE, sleeptimeMs: MINUTE, broker}
const params = {fast: 10, slow: 30, quantity: 10}
const calendar = createCalendar(scenario)
if (scenario === 'NYSE') onSessionMinutes(bars, calendar)
const ok = await measure(scenario, bars, calendar, scenario === 'NYSE' ? 1e6 : 2e6)
process.exit(ok ? 0 : 1)

async function measure(label, data, calendar, target) {
  const run = () => runBacktest({spec, bars: data, definition, params, calendar})
  await run() // warm-up: JIT, calendar tables
  globalThis.gc?.()
  const rssBefore = process.memoryUsage().rss
  const wall = []
  const cpu = []
  let result
  for (let k = 0; k < 7; k++) {
    result = undefined
    globalThis.gc?.() // each run starts from a clean heap: the memory figure is one run's
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    result = await run()
    wall.push(performance.now() - t0)
    const c = process.cpuUsage(c0)
    cpu.push((c.user + c.system) / 1000)
  }
  // Best of 7 wall-clock runs: on a shared machine the quietest run is the engine's own speed.
  // CPU time (user + system, all threads, GC included) is printed alongside for context.
  const best = Math.min(...wall)
  const rate = data.length / (best / 1000)
  const cpuRate = data.length / (Math.min(...cpu) / 1000)
  const rss = process.memoryUsage().rss / 2 ** 20
  const ok = rate >= target && rss < 300
  // Issue 13's goal for the 24/7 run (a goal, not a failure: the run still passes at ≥ target).
  const goal = label === '24/7' ? 10e6 : undefined
  const goalText = goal ? `, issue 13 goal ≥ ${goal / 1e6}M` : ''
  const mark = !ok ? '  FAIL' : goal && rate < goal ? '  MISSED' : ''
  console.log(`engine sma-cross ${label}: ${(rate / 1e6).toFixed(2)}M bars/s (target ≥ ${target / 1e6}M${goalText}; ${(cpuRate / 1e6).toFixed(2)}M bars per CPU-second), ` +
    `${data.length} bars in ${best.toFixed(0)} ms, ${result.counts.iterations} iterations, ${result.counts.trades} trades, ` +
    `rss ${rss.toFixed(0)} MB (target < 300 MB; ${(rssBefore / 2 ** 20).toFixed(0)} MB before)${mark}`)
  return ok
}



// The same prices moved onto consecutive NYSE session minutes from 2010 (about ten years).
function onSessionMinutes(b, calendar) {
  const time = b.time
  let i = 0
  for (const s of calendar.sessions(Date.parse('2010-01-01T00:00:00Z'), Date.parse('2030-01-01T00:00:00Z'))) {
    for (let t = s.open; t < s.close && i < b.length; t += MINUTE) time[i++] = t
    if (i === b.length) break
  }
}
