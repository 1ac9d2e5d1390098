// Market data speed (`npm run bench`, or `node --expose-gc bench/data.bench.mjs` after a build):
//   - import a 1,000,000-row minute CSV into a fresh DuckDB store   target < 2 s
//   - load those 1,000,000 bars into typed arrays (loadBars)        target < 150 ms
//   - memory for that load, above the baseline (RSS, gc'd)          target < 150 MB
// Imports from dist/. The CSV comes from bench/gen-ohlcv.mjs (deterministic), cached in bench/out/.
import {existsSync, mkdirSync, mkdtempSync, renameSync, rmSync} from 'node:fs'
import {spawnSync} from 'node:child_process'
import {loadavg, tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {closeStore, importFiles, loadBars, openStore} from '../dist/data/index.js'

const ROWS = 1_000_000
const here = fileURLToPath(new URL('.', import.meta.url))
const [mode, dbArg] = process.argv.slice(2)

if (mode === 'load') process.exit((await measureLoad(dbArg)) ? 0 : 1)

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
  // Loading in a fresh process, so its memory figure is the load's alone.
  const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), 'load', db], {stdio: 'inherit'})
  ok = child.status === 0 && ok
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

async function measureLoad(db) {
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
  const speed = report(
    `load 1M bars: ${times[3].toFixed(0)} ms (median of 7 warm, best ${times[0].toFixed(0)} ms, CPU ${cpus[3].toFixed(0)} ms; first load ${first.toFixed(0)} ms)`,
    times[3] < 150,
    'target < 150 ms',
  )
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
