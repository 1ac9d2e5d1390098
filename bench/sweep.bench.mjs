// Parameter sweep speed: 100 sma-cross combinations over 1,000,000 minute bars (24/7), on one
// worker thread (the runs one by one) and on one worker per core, with the bars shared
// (SharedArrayBuffer) or copied to each worker. These take the vector path (src/sweep/vector/:
// each SMA series computed once, the broker simulated only where it acts); one more mode forces
// the engine path (a backtest per combination, as before the vector path) for comparison, and
// every mode must find the same best run. Goal (issue 13): the runs of the 2-worker sweep in
// < 2 s, ≥ 50M bar-runs/s (printed MISSED when not). Prints wall time, the speed-up, how many
// cores were busy (process CPU time ÷ wall time, all threads) and the peak RSS; the one-by-one and
// shared-bars sweeps run three times each and report their fastest (the speed-up below). Runs are not
// recorded (--no-record): this measures the sweep, not DuckDB's writes. Then the same 100
// combinations of a golden cross written as rules (a `kind: strategy` spec: SMA fast/slow
// crossovers, long only, 95% of equity), vector path against the engine path, on one worker per core.
// The sweeps run in this process, under the settings `bots backtest --sweep` runs with (bin/run.js:
// its GLIBC_TUNABLES, transparent huge pages among them; V8's semi-spaces capped at 4 MB): the script
// starts itself again with them when they are missing.
// Build first (npx tsc -p tsconfig.json && npx tsc -p strategies/tsconfig.json); `npm run bench` does.
import {existsSync, mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {availableParallelism, loadavg} from 'node:os'
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {LAUNCHER_TUNABLES, LAUNCHER_YOUNG, withLauncherTunables} from './launcher-tunables.mjs'

const YOUNG = LAUNCHER_YOUNG
const hasTunables = (process.env.GLIBC_TUNABLES ?? '').startsWith(LAUNCHER_TUNABLES)
const hasYoung = process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))
if (!hasTunables || !hasYoung) {
  const tunables = hasTunables ? process.env.GLIBC_TUNABLES : withLauncherTunables()
  const again = spawnSync(process.execPath, [...process.execArgv, ...(hasYoung ? [] : [YOUNG]), fileURLToPath(import.meta.url), ...process.argv.slice(2)], {stdio: 'inherit', env: {...process.env, GLIBC_TUNABLES: tunables}})
  process.exit(again.status ?? 1)
}
const {sweepSpecFile} = await import('../dist/sweep/run-sweep.js')
const {closeStore} = await import('../dist/data/store.js')

const ROWS = 1_000_000
const here = fileURLToPath(new URL('.', import.meta.url))
const out = `${here}out/`
const csv = `${out}ohlcv-${ROWS}.csv`
mkdirSync(out, {recursive: true})
if (!existsSync(csv)) {
  const r = spawnSync(process.execPath, [`${here}gen-ohlcv.mjs`, '--rows', String(ROWS), '--out', csv], {stdio: 'inherit'})
  if (r.status !== 0) process.exit(1)
}
const spec = `${out}sweep-bench.yaml`
writeFileSync(spec, `name: sweep-bench
strategy: {name: sma-cross, params: {fast: 10, slow: 60, quantity: 1}}
symbols: [BENCH]
timeframe: 1M
market: 24/7
data: {source: file, path: ${csv}}
broker: {cash: 1000000, commission: {percent: 0.01}}
`)
// The golden cross as a strategy spec (the `rules` strategy), on the same bars.
writeFileSync(`${out}golden-bench.yaml`, `kind: strategy
name: golden-bench
params:
  fast: {type: integer, default: 10, minimum: 1}
  slow: {type: integer, default: 60, minimum: 2}
rules:
  indicators:
    fast_ma: {type: sma, period: "\${fast}"}
    slow_ma: {type: sma, period: "\${slow}"}
  entry:
    long: crosses_above(fast_ma, slow_ma)
  exit:
    long: crosses_below(fast_ma, slow_ma)
  sizing: {type: percent_equity, value: 95}
`)
const rulesSpec = `${out}sweep-rules-bench.yaml`
writeFileSync(rulesSpec, `name: sweep-rules-bench
strategy: {path: golden-bench.yaml}
symbols: [BENCH]
timeframe: 1M
market: 24/7
data: {source: file, path: ${csv}}
broker: {cash: 1000000, commission: {percent: 0.01}}
`)
const db = `${out}sweep-bench.duckdb`
const sweeps = ['fast=5..50:5', 'slow=60..150:10'] // 10 × 10 = 100 combinations, all valid
const cores = availableParallelism()

// Import the CSV into the store once, outside the measurements.
await sweepSpecFile({file: spec, db, sweeps: ['fast=10', 'slow=60'], workers: 1, record: false})

async function measure(label, workers, transport, path = 'auto', goal = false, file = spec) {
  const m = await sweepOnce(workers, transport, path, file)
  report(label, m, goal)
  return m
}

/** One sweep, measured: wall and run time, cores busy (process CPU ÷ wall), peak RSS. */
async function sweepOnce(workers, transport, path = 'auto', file = spec) {
  globalThis.gc?.()
  let peak = process.memoryUsage().rss
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50)
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  const s = await sweepSpecFile({file, db, sweeps, workers, transport, record: false, path})
  const wall = performance.now() - t0
  clearInterval(sampler)
  const c = process.cpuUsage(c0)
  await closeStore()
  return {wall, runMs: s.runMs, busy: (c.user + c.system) / 1000 / wall, cpuMs: (c.user + c.system) / 1000, peak, runs: s.runs.length, bars: s.bars, path: s.path, best: s.runs[0]}
}

function report(label, m, goal) {
  const rate = (m.runs * m.bars) / (m.runMs / 1000) / 1e6
  const met = m.runMs < 2000 && rate >= 50
  const how = m.path.kind === 'vector' ? 'vector path' : `engine path: ${m.path.reason}`
  console.log(`sweep ${label}: load average ${loadavg()[0].toFixed(2)} after; ${m.runs} runs × ${m.bars.toLocaleString('en-US')} bars in ${(m.wall / 1000).toFixed(2)} s ` +
    `(runs ${(m.runMs / 1000).toFixed(2)} s, ${rate.toFixed(2)}M bar-runs/s; ${how}), ` +
    `${m.busy.toFixed(2)} cores busy, ${(m.cpuMs / 1000).toFixed(2)} s CPU, peak rss ${(m.peak / 2 ** 20).toFixed(0)} MB` +
    (goal ? ` (target runs < 2 s, ≥ 50M bar-runs/s)${met ? '' : '  MISSED'}` : ''))
}

// Other processes on the machine take cores too: the load average before each mode says how many.
console.log(`machine: ${cores} cores, load average ${loadavg()[0].toFixed(2)} before (figures are only meaningful well below ${cores})`)
// The speed-up is a ratio of two runs, and on a shared VM one run's time moves by ±10%: a single
// pair came out anywhere from 1.46× to 1.71× for one build. So the one-by-one and the shared-bars
// sweeps run three times each, alternating, and the fastest run of each mode is the one reported
// and compared (each mode's best is what the machine can do; noise only ever adds time).
const ones = []
const shareds = []
for (let i = 0; i < 3; i++) {
  ones.push(await sweepOnce(1, 'shared'))
  shareds.push(await sweepOnce(cores, 'shared'))
}
const fastest = (ms) => ms.reduce((a, b) => (b.runMs < a.runMs ? b : a))
const one = fastest(ones)
const shared = fastest(shareds)
report('1 worker (one by one), fastest of 3', one)
report(`${cores} workers, shared bars, fastest of 3`, shared, true)
const copied = await measure(`${cores} workers, copied bars`, cores, 'copy')
const engine = await measure(`${cores} workers, engine path (forced)`, cores, 'shared', 'engine')
const speedup = one.runMs / shared.runMs
const modes = [...ones, ...shareds, copied, engine]
const same = modes.every((m) => JSON.stringify(m.best) === JSON.stringify(one.best))
const vector = [...ones, ...shareds, copied].every((m) => m.path.kind === 'vector') && engine.path.kind === 'engine'
console.log(`sweep vector vs engine path (${cores} workers, shared bars, runs): ${(engine.runMs / shared.runMs).toFixed(1)}× faster, ${(shared.runMs / 1000).toFixed(2)} s vs ${(engine.runMs / 1000).toFixed(2)} s${vector ? '' : '  FAIL: a mode took the other path'}`)
const ok = cores < 2 || (speedup >= 1.5 && shared.busy >= 1.5)
console.log(`sweep speed-up on ${cores} cores: ${speedup.toFixed(2)}× over one by one (target ≥ 1.5× with 2 cores; runs only), ` +
  `shared vs copied bars: ${(shared.runMs / 1000).toFixed(2)} s vs ${(copied.runMs / 1000).toFixed(2)} s; same best run in every mode (vector and engine): ${same}${ok && same ? '' : '  FAIL'}`)

// The rules strategy: the golden cross as a strategy spec, vector path against the engine path.
await sweepSpecFile({file: rulesSpec, db, sweeps: ['fast=10', 'slow=60'], workers: 1, record: false})
const rules = await measure(`rules golden-cross, ${cores} workers`, cores, 'shared', 'auto', false, rulesSpec)
const rulesEngine = await measure(`rules golden-cross, ${cores} workers, engine path (forced)`, cores, 'shared', 'engine', false, rulesSpec)
const rulesSame = JSON.stringify(rules.best) === JSON.stringify(rulesEngine.best)
const rulesPaths = rules.path.kind === 'vector' && rulesEngine.path.kind === 'engine'
console.log(`sweep rules vector vs engine path (${cores} workers, shared bars, runs): ${(rulesEngine.runMs / rules.runMs).toFixed(1)}× faster, ${(rules.runMs / 1000).toFixed(2)} s vs ${(rulesEngine.runMs / 1000).toFixed(2)} s; ` +
  `same best run both ways: ${rulesSame}${rulesPaths ? '' : '  FAIL: a mode took the other path'}${rulesSame ? '' : '  FAIL'}`)
// Recording a large sweep: every one of 4,988 sma-cross combinations over the shipped ORCL daily
// bars written to a fresh store (its row and its trades; the equity curves of the top 10), as
// `bots backtest --sweep` does by default. Timed from the recording stage to the end.
const recordDb = `${out}sweep-record.duckdb`
for (const f of [recordDb, `${recordDb}.wal`]) rmSync(f, {force: true})
let recordingAt = 0
const recorded = await sweepSpecFile({
  file: fileURLToPath(new URL('../examples/orcl-sma-cross.yaml', import.meta.url)), db: recordDb, sweeps: ['fast=2..60:1', 'slow=10..200:2'], workers: cores, record: true,
  onStage: (text) => text.startsWith('recording') && (recordingAt = performance.now()),
})
const recordMs = performance.now() - recordingAt
const recordedAll = recorded.sweepId !== undefined && recorded.runs.length === 4988 && recorded.runs.every((r) => r.runId !== undefined)
console.log(`sweep recording, ${recorded.runs.length.toLocaleString('en-US')} runs: ${(recordMs / 1000).toFixed(2)} s (${Math.round(recordMs * 1000 / recorded.runs.length)} µs a run; load average ${loadavg()[0].toFixed(2)} after)${recordedAll ? '' : '  FAIL: not every run recorded'}`)
process.exit(ok && same && vector && rulesSame && rulesPaths && recordedAll ? 0 : 1)
