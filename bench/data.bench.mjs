// Market data speed (`npm run bench`, or `node --expose-gc bench/data.bench.mjs` after a build):
//   - import a 1,000,000-row minute CSV into a fresh DuckDB store   target < 2 s
//   - the same through the real CLI (`bots data import FILE --symbol S`: start-up, checks,
//     progress, closing the store), wall time and the process's peak RSS  targets < 1.2 s, < 300 MB
//   - load those 1,000,000 bars into typed arrays (loadBars)        target < 150 ms
//   - memory for that load, above the baseline (RSS, gc'd)          target < 150 MB
//   Loads run in a process of their own, under the settings `bots backtest` runs with (bin/run.js:
//   its GLIBC_TUNABLES and 4 MB semi-spaces, see README Speed), and once more without, reported.
// Imports from dist/. The CSV comes from bench/gen-ohlcv.mjs (deterministic), cached in bench/out/.
import {existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync} from 'node:fs'
import {spawn, spawnSync} from 'node:child_process'
import {loadavg, tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {closeStore, importFiles, loadBars, openStore} from '../dist/data/index.js'
import {procCpuMs} from './proc-stats.mjs'
import {LAUNCHER_YOUNG, withLauncherTunables} from './launcher-tunables.mjs'

const ROWS = 1_000_000
/** The V8 flag it adds for backtest, which loads bars. */
const YOUNG = LAUNCHER_YOUNG
const here = fileURLToPath(new URL('.', import.meta.url))
const [mode, dbArg] = process.argv.slice(2)

if (mode === 'load') process.exit((await measureLoad(dbArg)) ? 0 : 1)
if (mode === 'load-plain') process.exit((await measureLoad(dbArg, 'plain')) ? 0 : 1)

const csv = ensureCsv()
// Wall-clock figures on a shared 2-core machine move with its load; print it next to them.
console.log(`(load average ${loadavg().map((x) => x.toFixed(1)).join(' ')})`)
const dir = mkdtempSync(path.join(tmpdir(), 'bots-bench-data-'))
let ok = true
try {
  const times = []
  const cpus = []
  let db
  for (let k = 0; k < 3; k++) {
    db = path.join(dir, `run${k}.duckdb`)
    const store = await openStore({path: db})
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    const r = await importFiles(store, [csv], {symbol: 'BENCH', timeframe: '1M'})
    times.push(performance.now() - t0)
    cpus.push(cpuMs(c0))
    await closeStore(store)
    if (r.new !== ROWS) throw new Error(`imported ${r.new} rows, expected ${ROWS}`)
  }
  times.sort((a, b) => a - b)
  cpus.sort((a, b) => a - b)
  const median = times[1] / 1000
  const cpu = `CPU ${(cpus[1] / 1000).toFixed(2)} s over DuckDB's threads`
  ok = report(`import 1M rows: ${median.toFixed(2)} s (median of 3, best ${(times[0] / 1000).toFixed(2)} s; ${cpu})`, median < 2, 'target < 2 s')
  // An issue 13 goal: a miss prints MISSED (and the README table marks it) but fails nothing, as in
  // the backtest benchmark; the exit status is for the targets this benchmark was written against.
  await measureCli(csv, dir)
  // Loading in a fresh process, so its memory figure is the load's alone: as `bots` runs it, then plain.
  const load = (m, env, flags = []) => spawnSync(process.execPath, ['--expose-gc', ...flags, fileURLToPath(import.meta.url), m, db], {stdio: 'inherit', env})
  ok = load('load', {...process.env, GLIBC_TUNABLES: withLauncherTunables()}, [YOUNG]).status === 0 && ok
  const plain = {...process.env}
  delete plain.GLIBC_TUNABLES
  ok = load('load-plain', plain).status === 0 && ok
} finally {
  rmSync(dir, {recursive: true, force: true})
}
process.exit(ok ? 0 : 1)

function ensureCsv() {
  const out = `${here}out/`
  const file = `${out}data-ohlcv-${ROWS}.csv`
  if (!existsSync(file)) {
    mkdirSync(out, {recursive: true})
    const partial = `${file}.${process.pid}.part` // rename when complete: a concurrent run never reads half a file
    const r = spawnSync(process.execPath, [`${here}gen-ohlcv.mjs`, '--rows', String(ROWS), '--out', partial], {stdio: 'inherit'})
    if (r.status !== 0) process.exit(1)
    renameSync(partial, file)
  }
  return file
}

/**
 * `bots data import` of the CSV into a fresh store, five times: wall time and peak RSS of the CLI
 * process. Five, not three: one run here moves by ±15% with the VM's neighbours, and the median of
 * three followed them across the 1.2 s goal from one bench to the next.
 */
async function measureCli(csv, dir) {
  const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url))
  const CLI_RUNS = 5
  const runs = []
  for (let k = 0; k < CLI_RUNS; k++) {
    const db = path.join(dir, `cli${k}.duckdb`)
    runs.push(await timedChild(bin, ['data', 'import', csv, '--symbol', 'BENCH', '--db', db]))
  }
  const wall = runs.map((r) => r.s).sort((a, b) => a - b)
  const peak = runs.map((r) => r.peakMb).sort((a, b) => a - b)
  const cpu = runs.map((r) => r.cpuS).sort((a, b) => a - b)
  const mid = CLI_RUNS >> 1
  return report(
    `import 1M-row CSV via the CLI: ${wall[mid].toFixed(2)} s, ${peak[mid].toFixed(0)} MB peak (median of ${CLI_RUNS}, best ${wall[0].toFixed(2)} s, highest peak ${peak[CLI_RUNS - 1].toFixed(0)} MB; CPU ${cpu[mid].toFixed(2)} s)`,
    wall[mid] < 1.2 && peak[mid] < 300,
    'targets < 1.2 s, < 300 MB',
  )
}

/**
 * Runs `program args` as the CLI runs (CI: plain progress lines), sampling the child's peak RSS
 * (VmHWM, which only grows) and CPU time from /proc until it exits. The CLI is bin/run.js run as a
 * program, as `bots` is (its launcher line included).
 */
function timedChild(program, args) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint()
    const child = spawn(program, args, {env: {...process.env, CI: 'true', NO_COLOR: '1'}, stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    let peakMb = 0
    let cpuMs = 0
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    const sample = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
        if (m) peakMb = Math.max(peakMb, Number(m[1]) / 1024)
        cpuMs = Math.max(cpuMs, procCpuMs(child.pid) || 0)
      } catch {}
    }, 5)
    child.on('error', reject)
    child.on('close', (code) => {
      clearInterval(sample)
      const s = Number(process.hrtime.bigint() - t0) / 1e9
      if (code !== 0) reject(new Error(`${args.slice(1).join(' ')} exited ${code}:\n${out}`))
      else resolve({s, peakMb, cpuS: cpuMs / 1000})
    })
  })
}

/** `plain`: a process without bots' malloc setting; its speed is reported, not held to the target. */
async function measureLoad(db, plain) {
  const store = await openStore({path: db, readOnly: true})
  const q = {symbol: 'BENCH', timeframe: '1M'}
  globalThis.gc?.()
  const base = process.memoryUsage()
  let t0 = performance.now()
  let bars = await loadBars(store, q)
  const first = performance.now() - t0
  globalThis.gc?.()
  const after = process.memoryUsage()
  if (bars.length !== ROWS) throw new Error(`loaded ${bars.length} bars`)
  const times = []
  const cpus = []
  for (let k = 0; k < 7; k++) {
    bars = undefined
    globalThis.gc?.()
    const c0 = process.cpuUsage()
    t0 = performance.now()
    bars = await loadBars(store, q)
    times.push(performance.now() - t0)
    cpus.push(cpuMs(c0))
  }
  times.sort((a, b) => a - b)
  cpus.sort((a, b) => a - b)
  const mb = (x) => (x / 2 ** 20).toFixed(0)
  const figure = `${times[3].toFixed(0)} ms (median of 7 warm, best ${times[0].toFixed(0)} ms, CPU ${cpus[3].toFixed(0)} ms; first load ${first.toFixed(0)} ms)`
  if (plain) {
    // Without huge pages each load faults its 48 MB of fresh columns in 4 KB pages.
    console.log(`load 1M bars, plain node (no GLIBC_TUNABLES): ${figure} (reported)`)
    await closeStore(store)
    return true
  }
  const speed = report(`load 1M bars: ${figure}`, times[3] < 150, `target < 150 ms; as bots runs it, its GLIBC_TUNABLES and ${YOUNG}`)
  const rss = after.rss - base.rss
  const memory = report(
    `load memory: +${mb(rss)} MB RSS, +${mb(after.arrayBuffers - base.arrayBuffers)} MB arrayBuffers (6 columns = ${mb(ROWS * 48)} MB)`,
    rss < 150 * 2 ** 20,
    'target < 150 MB',
  )
  if (!globalThis.gc) console.log('  (run with --expose-gc for a clean memory figure)')
  await closeStore(store)
  return speed && memory
}

/** CPU time of this process (all threads, DuckDB's included) since `start`, in ms. */
function cpuMs(start) {
  const d = process.cpuUsage(start)
  return (d.user + d.system) / 1000
}

function report(line, pass, target) {
  console.log(`${line} (${target})${pass ? '' : '  MISSED'}`)
  return pass
}
