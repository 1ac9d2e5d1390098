// The live service under load (`npm run bench`, or `node bench/live.bench.mjs` after a build):
// 100 bots in one `bots live` process, each on a replay feed at one bar per second, for
// BENCH_LIVE_SECONDS (default 60). Measured from outside, as an operator would see it:
//   - heartbeat age, worst bot, sampled every second after warm-up   target ≤ interval + 1 s
//   - bars each bot acted on vs seconds elapsed (the replay keeps up) target ≥ 90 %
//   - `bots list` while the service writes, above its idle time       target < 1 s
//   - CPU of the service process (user+sys over wall time)             reported
//   - memory of the service process (RSS, peak)                        reported
//   - SIGTERM to exit                                                  target < 5 s, exit 0
// Imports from dist/. Linux: CPU and memory are read from /proc.
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {loadavg, tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {discoverStrategies} from '../dist/strategy/discover.js'
import {addBot} from '../dist/service/manage.js'
import {readDb} from '../dist/service/db.js'
import {procCpuMs, procRssMb} from './proc-stats.mjs'

const BOTS = Number(process.env.BENCH_LIVE_BOTS ?? 100)
const SECONDS = Number(process.env.BENCH_LIVE_SECONDS ?? 60)
const HEARTBEAT_S = 2
const WARMUP_S = 10
const root = fileURLToPath(new URL('..', import.meta.url))
const bin = path.join(root, 'bin', 'run.js')
const dir = mkdtempSync(path.join(tmpdir(), 'bots-bench-live-'))
const db = path.join(dir, 'live.duckdb')
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

console.log(`(load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}; ${BOTS} bots, ${SECONDS} s)`)
let ok = true
try {
  const imp = spawnSync(process.execPath, [bin, 'data', 'import', path.join(root, 'examples/data/orcl-1995-2014.csv'), '--symbol', 'ORCL', '--tz', 'America/New_York', '--db', db], {encoding: 'utf8'})
  if (imp.status !== 0) throw new Error(imp.stderr)
  const discovery = await discoverStrategies()
  for (let i = 0; i < BOTS; i++) {
    const file = path.join(dir, `bot-${i}.yaml`)
    const fast = 3 + (i % 10)
    writeFileSync(file, `name: bot-${i}\nstrategy: {name: sma-cross, params: {fast: ${fast}, slow: ${fast + 10 + (i % 7)}, quantity: 10}}\nsymbols: [ORCL]\ntimeframe: 1D\nmarket: NYSE\nlive: {feed: {type: replay, speed: 1, start: 2005-01-03}}\n`)
    await addBot(file, 1, {path: db, discovery})
  }

  // `bots list` before the service runs: its start-up cost on this machine, apart from lock waits.
  const listBase = []
  for (let k = 0; k < 3; k++) {
    const l0 = Date.now()
    spawnSync(process.execPath, [bin, 'list', '--db', db, '--json'], {encoding: 'utf8'})
    listBase.push(Date.now() - l0)
  }
  const child = spawn(process.execPath, [bin, 'live', '--user-id', '1', '--db', db, '--heartbeat-interval', String(HEARTBEAT_S), '--poll-interval', '10'], {stdio: ['ignore', 'pipe', 'pipe']})
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const exited = new Promise((r) => child.on('close', (code) => r(code)))
  const t0 = Date.now()
  while (!/enabled bots? found/.test(out)) {
    if (Date.now() - t0 > 60_000) throw new Error(`service did not start:\n${out}`)
    await sleep(100)
  }
  const startedMs = Date.now() - t0
  const cpu0 = procCpuMs(child.pid)
  const w0 = Date.now()
  let worstAge = 0
  let peakRss = 0
  const listMs = []
  let barsAtWarmup = 0
  while (Date.now() - w0 < SECONDS * 1000) {
    await sleep(1000)
    peakRss = Math.max(peakRss, procRssMb(child.pid))
    const elapsed = (Date.now() - w0) / 1000
    const {age, bars} = await readDb({path: db}, async (conn) => {
      // heartbeat_at holds UTC; the age is taken against this machine's clock, as an operator would.
      const r = (await conn.runAndReadAll(`SELECT min(epoch_ms(heartbeat_at))::DOUBLE AS oldest, count(*) FILTER (WHERE heartbeat_at IS NULL)::INTEGER AS never FROM bots WHERE user_id = 1`)).getRowObjectsJS()[0]
      const b = (await conn.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM bot_bars`)).getRowObjectsJS()[0]
      return {age: r.never > 0 ? Infinity : Date.now() - r.oldest, bars: b.n}
    })
    if (elapsed >= WARMUP_S) {
      if (!barsAtWarmup) barsAtWarmup = {bars, at: elapsed}
      worstAge = Math.max(worstAge, age)
    }
    if (Math.round(elapsed) % 10 === 0) {
      const l0 = Date.now()
      spawnSync(process.execPath, [bin, 'list', '--db', db, '--json'], {encoding: 'utf8'})
      listMs.push(Date.now() - l0)
    }
  }
  const wall = Date.now() - w0
  const cpu = procCpuMs(child.pid) - cpu0
  const barsEnd = await readDb({path: db}, async (conn) => (await conn.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM bot_bars`)).getRowObjectsJS()[0].n)
  const pace = (barsEnd - barsAtWarmup.bars) / BOTS / ((wall / 1000) - barsAtWarmup.at)
  const s0 = Date.now()
  child.kill('SIGTERM')
  const code = await exited
  const stopMs = Date.now() - s0

  const line = (name, value, unit, target, pass) => {
    console.log(`${name}: ${value} ${unit} (${target})${pass === false ? '  MISSED' : ''}`)
    if (pass === false) ok = false
  }
  line(`live start, ${BOTS} bots loaded and started`, (startedMs / 1000).toFixed(1), 's', 'reported')
  line('heartbeat age, worst bot', (worstAge / 1000).toFixed(2), 's', `target ≤ ${HEARTBEAT_S + 1} s`, worstAge <= (HEARTBEAT_S + 1) * 1000)
  line('replay pace, bars per bot per second', pace.toFixed(2), 'bars/s', 'target ≥ 0.9', pace >= 0.9)
  const extra = Math.max(...listMs) - Math.min(...listBase)
  line('`bots list` while it runs, worst', Math.max(...listMs), 'ms', `reported; ${Math.min(...listBase)} ms with no service`)
  line('`bots list` wait caused by the service, worst', extra, 'ms', 'target < 1000 ms', extra < 1000)
  line('service CPU', ((cpu / wall) * 100).toFixed(1), '% of one core', 'reported')
  line('service memory, peak RSS', peakRss.toFixed(0), 'MB', 'reported')
  const writes = /store writes: (\d+), ([\d.]+) ms on average \(([\d.]+) ms writing\), (\d+) ms at most/.exec(out)
  if (writes) line('service store writes', `${writes[1]} (${(Number(writes[1]) / (wall / 1000)).toFixed(1)}/s), ${writes[2]} ms avg open-to-close incl. waits, ${writes[3]} ms avg in the transaction, ${writes[4]} ms max`, '', 'reported')
  line('SIGTERM to exit', stopMs, 'ms', 'target < 5000 ms, exit 0', stopMs < 5000 && code === 0)
} catch (e) {
  console.error(e)
  ok = false
} finally {
  rmSync(dir, {recursive: true, force: true})
}
process.exit(ok ? 0 : 1)
