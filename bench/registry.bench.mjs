// The PostgreSQL live registry under load (`node bench/run.mjs registry`, or
// `node bench/registry.bench.mjs` after a build): a throwaway PostgreSQL (test/helpers/pg-cluster.mjs),
// BENCH_REGISTRY_BOTS (default 1000) replay bots of one user on daily ORCL bars at one bar per second
// (twenty years of history: they run for the whole bench), shared by 3 `bots live --registry URL`
// processes (--lease-ttl 15, --heartbeat-interval 5, --poll-interval 30). Measured from outside,
// sampling the PostgreSQL tables once a second:
//   - claim: from spawning the processes until every bot is held (an unexpired lease with a holder),
//     and until the split is fair (each process within ±1 of ⌈bots / 3⌉)  reported
//   - heartbeat age (now − heartbeat_at) of running bots, each sample over BENCH_REGISTRY_SECONDS
//     (default 40) of steady running: worst and p99                       target ≤ interval + 1 s
//   - writes: bot_bars rows/s, bot_state updates/s (pg_stat_user_tables), commits/s (pg_stat_database)
//   - failover: `kill -9` one process, until all its bots are held by the other two  target ≤ TTL + 5 s
//   - CPU and RSS of each process (/proc)                                  reported
//   - SIGTERM to exit of the two left                                      target < 5 s, exit 0
// Needs PostgreSQL's initdb (see test/helpers/pg-cluster.mjs). Everything is stopped and removed at
// the end, on failure too.
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {loadavg, tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import pg from 'pg'
import {discoverStrategies} from '../dist/strategy/discover.js'
import {addBot} from '../dist/service/manage.js'
import {openRegistry} from '../dist/service/registry/open-registry.js'
import {startPgCluster} from '../test/helpers/pg-cluster.mjs'
import {procCpuMs, procRssMb} from './proc-stats.mjs'

const BOTS = Number(process.env.BENCH_REGISTRY_BOTS ?? 1000)
const SECONDS = Number(process.env.BENCH_REGISTRY_SECONDS ?? 40)
const PROCS = 3
const TTL_S = 15
const HEARTBEAT_S = 5
const POLL_S = 30
const CLAIM_TIMEOUT_S = Number(process.env.BENCH_REGISTRY_CLAIM_TIMEOUT ?? 180)
const root = fileURLToPath(new URL('..', import.meta.url))
const bin = path.join(root, 'bin', 'run.js')
const dir = mkdtempSync(path.join(tmpdir(), 'bots-bench-registry-'))
const store = path.join(dir, 'store.duckdb')
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ')

let ok = true
const line = (name, value, unit, target, pass) => {
  console.log(`${name}: ${value}${unit ? ` ${unit}` : ''} (${target})${pass === false ? '  MISSED' : ''}`)
  if (pass === false) ok = false
}

let cluster
let client
const procs = []

/** Stops whatever is still running: the children (SIGKILL, by pid), the sampler's connection, the cluster, the folder. */
async function cleanup() {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) {
    try {
      process.kill(p.pid, 'SIGKILL')
    } catch {
      // Already gone.
    }
  }
  await Promise.all(procs.map((p) => Promise.race([p.closed, sleep(5000)])))
  await client?.end().catch(() => {})
  await cluster?.destroy().catch((e) => console.error(`cluster destroy: ${e.message}`))
  rmSync(dir, {recursive: true, force: true})
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`${signal}: cleaning up`)
    cleanup().finally(() => process.exit(130))
  })
}

/** Unexpired leases with a holder, of this user's bots, counted per holding process id. */
async function heldByPid() {
  const r = await client.query(
    `SELECT l.pid, count(*)::int AS n FROM bot_leases l JOIN bots b ON b.id = l.bot_id
     WHERE b.user_id = 1 AND l.holder IS NOT NULL AND l.expires_at > clock_timestamp() GROUP BY l.pid`)
  return new Map(r.rows.map((x) => [Number(x.pid), x.n]))
}

const sum = (m) => [...m.values()].reduce((a, b) => a + b, 0)
const split = (m) => procs.map((p) => m.get(p.pid) ?? 0).join('/')

/** pg_stat counters: rows into bot_bars, updates of bot_state and bots, commits. */
async function counters() {
  const t = await client.query(`SELECT relname, n_tup_ins::float8 AS ins, n_tup_upd::float8 AS upd FROM pg_stat_user_tables`)
  const by = new Map(t.rows.map((x) => [x.relname, x]))
  const d = await client.query(`SELECT xact_commit::float8 AS commits FROM pg_stat_database WHERE datname = current_database()`)
  const insAll = t.rows.reduce((a, x) => a + x.ins, 0)
  const updAll = t.rows.reduce((a, x) => a + x.upd, 0)
  return {bars: by.get('bot_bars')?.ins ?? 0, stateUpd: by.get('bot_state')?.upd ?? 0, stateIns: by.get('bot_state')?.ins ?? 0, botsUpd: by.get('bots')?.upd ?? 0, insAll, updAll, commits: d.rows[0].commits}
}

function spawnLive(url) {
  const child = spawn(process.execPath, [bin, 'live', '--user-id', '1', '--registry', url, '--db', store, '--lease-ttl', String(TTL_S), '--poll-interval', String(POLL_S), '--heartbeat-interval', String(HEARTBEAT_S)], {stdio: ['ignore', 'pipe', 'pipe']})
  // Only the last lines: a process prints a line per fill.
  child.tail = []
  const keep = (d) => {
    for (const l of String(d).split('\n')) if (l.trim()) child.tail.push(l)
    if (child.tail.length > 400) child.tail.splice(0, child.tail.length - 200)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  child.closed = new Promise((r) => child.on('close', (code, signal) => r({code, signal})))
  child.peakRss = 0
  return child
}

const tails = () => procs.map((p) => `--- PID ${p.pid} (${p.exitCode ?? p.signalCode ?? 'running'}) ---\n${p.tail.slice(-15).join('\n')}`).join('\n')

console.log(`(load average ${load()} at start; ${BOTS} bots, ${PROCS} processes, ${SECONDS} s steady window)`)
try {
  cluster = await startPgCluster({maxConnections: 300})
  const imp = spawnSync(process.execPath, [bin, 'data', 'import', path.join(root, 'examples/data/orcl-1995-2014.csv'), '--symbol', 'ORCL', '--tz', 'America/New_York', '--db', store], {encoding: 'utf8'})
  if (imp.status !== 0) throw new Error(`data import failed:\n${imp.stderr}`)

  // The bots go in through the library (the CLI's `bots add` per bot would take minutes for 1000).
  const discovery = await discoverStrategies()
  const registry = await openRegistry({registry: cluster.url, db: {path: store}, maxConnections: 8})
  const a0 = Date.now()
  try {
    const add = async (i) => {
      const file = path.join(dir, `bot-${i}.yaml`)
      const fast = 3 + (i % 10)
      writeFileSync(file, `name: bot-${i}\nstrategy: {name: sma-cross, params: {fast: ${fast}, slow: ${fast + 10 + (i % 7)}, quantity: 10}}\nsymbols: [ORCL]\ntimeframe: 1D\nmarket: NYSE\nlive: {feed: {type: replay, speed: 1, start: 1996-01-02}}\n`)
      await addBot(file, 1, {path: store, discovery, registry})
    }
    const next = {i: 0}
    await Promise.all(Array.from({length: 8}, async () => {
      while (next.i < BOTS) await add(next.i++)
    }))
  } finally {
    await registry.close()
  }
  const addMs = Date.now() - a0

  client = new pg.Client({connectionString: cluster.url})
  await client.connect()

  // Claim: spawn the 3 processes at once, then until all bots are held and the split is fair.
  const fair = Math.ceil(BOTS / PROCS)
  const t0 = Date.now()
  for (let k = 0; k < PROCS; k++) procs.push(spawnLive(cluster.url))
  // With each process capped at ⌈bots / 3⌉, a 34/34/32 split is stable: nothing rebalances it. So after all
  // are held, a poll interval (plus 5 s) is allowed for the split to become fair, then the bench goes on.
  let heldMs
  let fairMs
  let runningMs
  let held = new Map()
  let running = {n: 0, bad: 0}
  for (;;) {
    await sleep(1000)
    if (procs.some((p) => p.exitCode !== null || p.signalCode !== null)) throw new Error(`a live process exited during the claim\n${tails()}`)
    held = await heldByPid()
    running = (await client.query(`SELECT count(*) FILTER (WHERE status = 'running' AND heartbeat_at IS NOT NULL)::int AS n, count(*) FILTER (WHERE status IN ('error', 'crashed'))::int AS bad FROM bots WHERE user_id = 1`)).rows[0]
    for (const p of procs) p.peakRss = Math.max(p.peakRss, procRssMb(p.pid))
    const now = Date.now() - t0
    if (heldMs === undefined && sum(held) === BOTS) heldMs = now
    if (heldMs !== undefined && fairMs === undefined && procs.every((p) => Math.abs((held.get(p.pid) ?? 0) - fair) <= 1)) fairMs = now
    if (runningMs === undefined && running.n === BOTS) runningMs = now
    // The steady window starts with every bot running at this sample: bots handed from one process
    // to another stop and start again, so an earlier "all running" may no longer hold.
    if (heldMs !== undefined && running.n === BOTS && (fairMs !== undefined || now - heldMs > (POLL_S + 5) * 1000)) break
    if (now > CLAIM_TIMEOUT_S * 1000) throw new Error(`after ${CLAIM_TIMEOUT_S} s: ${sum(held)} of ${BOTS} held, split ${split(held)} (PIDs ${procs.map((p) => p.pid).join('/')}), other holders: ${[...held.keys()].filter((pid) => !procs.some((p) => p.pid === pid)).join(', ') || 'none'}; ${running.n} running with a heartbeat, ${running.bad} in error or crashed\n${tails()}`)
  }
  const claimSplit = split(held)

  // Steady window.
  const c0 = await counters()
  const cpu0 = procs.map((p) => procCpuMs(p.pid))
  const w0 = Date.now()
  const ages = []
  let fewestRunning = BOTS
  while (Date.now() - w0 < SECONDS * 1000) {
    await sleep(1000)
    for (const p of procs) p.peakRss = Math.max(p.peakRss, procRssMb(p.pid))
    const r = await client.query(`SELECT extract(epoch FROM clock_timestamp() - heartbeat_at)::float8 AS age FROM bots WHERE user_id = 1 AND status = 'running' AND heartbeat_at IS NOT NULL`)
    fewestRunning = Math.min(fewestRunning, r.rows.length)
    for (const x of r.rows) ages.push(x.age)
  }
  const wallS = (Date.now() - w0) / 1000
  const cpu = procs.map((p, k) => (procCpuMs(p.pid) - cpu0[k]) / (wallS * 1000) * 100)
  const c1 = await counters()
  const rate = (k) => (c1[k] - c0[k]) / wallS
  ages.sort((a, b) => a - b)
  const worst = ages.at(-1) ?? Infinity
  const p99 = ages[Math.min(ages.length - 1, Math.floor(ages.length * 0.99))] ?? Infinity
  const loadSteady = load()

  // Failover: kill -9 the first process; until every bot it held is held by one of the other two.
  const victim = procs[0]
  const survivors = procs.slice(1)
  const theirs = (await client.query(`SELECT bot_id FROM bot_leases WHERE pid = $1 AND holder IS NOT NULL AND expires_at > clock_timestamp()`, [victim.pid])).rows.map((x) => Number(x.bot_id))
  const k0 = Date.now()
  process.kill(victim.pid, 'SIGKILL')
  await victim.closed
  let failoverMs
  let heartbeatBackMs
  let lastTaken = 0
  const failTimeout = (TTL_S + 2 * POLL_S + 30) * 1000
  while (failoverMs === undefined || heartbeatBackMs === undefined) {
    await sleep(500)
    const r = (await client.query(
      `SELECT count(*) FILTER (WHERE l.holder IS NOT NULL AND l.expires_at > clock_timestamp() AND l.pid = ANY($2::int[]))::int AS taken,
              count(*) FILTER (WHERE b.heartbeat_at > to_timestamp($3::float8 / 1000))::int AS beating
       FROM bots b LEFT JOIN bot_leases l ON l.bot_id = b.id WHERE b.id = ANY($1::bigint[])`,
      [theirs, survivors.map((p) => p.pid), k0])).rows[0]
    lastTaken = r.taken
    if (failoverMs === undefined && r.taken === theirs.length) failoverMs = Date.now() - k0
    if (heartbeatBackMs === undefined && r.beating === theirs.length) heartbeatBackMs = Date.now() - k0
    for (const p of survivors) p.peakRss = Math.max(p.peakRss, procRssMb(p.pid))
    if (Date.now() - k0 > failTimeout) break
  }
  const after = await heldByPid()

  // SIGTERM the other two.
  const s0 = Date.now()
  for (const p of survivors) p.kill('SIGTERM')
  const exits = await Promise.all(survivors.map((p) => p.closed))
  const stopMs = Date.now() - s0

  console.log(`(load average ${load()} at the figures; ${loadSteady} at the end of the steady window)`)
  line(`registry: add ${BOTS} bots through the library`, (addMs / 1000).toFixed(1), 's', `reported; ${(addMs / BOTS).toFixed(1)} ms per bot`)
  line(`registry: claim, all ${BOTS} bots held by ${PROCS} processes`, (heldMs / 1000).toFixed(1), 's', `reported; from spawning the processes; split ${claimSplit}`)
  line(`registry: claim, split fair (each within ±1 of ${fair})`, fairMs === undefined ? `not reached ${POLL_S + 5} s after all were held` : (fairMs / 1000).toFixed(1), fairMs === undefined ? '' : 's',
    `reported; split ${claimSplit}`, fairMs === undefined ? false : undefined)
  line(`registry: all ${BOTS} bots running with a heartbeat`, (runningMs / 1000).toFixed(1), 's', 'reported; from spawning the processes')
  const hbTarget = HEARTBEAT_S + 1
  line('registry: heartbeat age, worst bot', worst.toFixed(2), 's', `target ≤ ${hbTarget} s; ${ages.length} samples, fewest running ${fewestRunning}`, worst <= hbTarget)
  line('registry: heartbeat age, p99', p99.toFixed(2), 's', `target ≤ ${hbTarget} s`, p99 <= hbTarget)
  line('registry: bars recorded', rate('bars').toFixed(0), 'rows/s', `reported; ${(rate('bars') / BOTS).toFixed(2)} bars per bot per second`)
  line('registry: bot_state updates', rate('stateUpd').toFixed(0), 'rows/s', `reported; ${rate('stateIns').toFixed(1)} inserts/s`)
  line('registry: bots row updates (statuses, heartbeats)', rate('botsUpd').toFixed(0), 'rows/s', 'reported')
  line('registry: all rows inserted + updated', (rate('insAll') + rate('updAll')).toFixed(0), 'rows/s', 'reported')
  line('registry: transactions committed', rate('commits').toFixed(1), '/s', `reported; ${wallS.toFixed(0)} s window`)
  const foTarget = TTL_S + 5
  line(`registry: failover, ${theirs.length} bots of a kill -9 process held by the other two`,
    failoverMs === undefined ? `not done after ${(failTimeout / 1000).toFixed(0)} s (${lastTaken} of ${theirs.length})` : (failoverMs / 1000).toFixed(1), failoverMs === undefined ? '' : 's',
    `target ≤ ${foTarget} s; split after ${survivors.map((p) => after.get(p.pid) ?? 0).join('/')}`, failoverMs !== undefined && failoverMs <= foTarget * 1000)
  line('registry: failover, its bots heartbeating again', heartbeatBackMs === undefined ? 'not done' : (heartbeatBackMs / 1000).toFixed(1), heartbeatBackMs === undefined ? '' : 's', 'reported; from the kill')
  line('registry: CPU per process, steady window', cpu.map((x) => x.toFixed(0)).join(' / '), '% of one core', 'reported')
  line('registry: memory per process, peak RSS', procs.map((p) => p.peakRss.toFixed(0)).join(' / '), 'MB', 'reported')
  line('registry: SIGTERM to exit, the two left', stopMs, 'ms', `target < 5000 ms, exit 0; exits ${exits.map((e) => e.code ?? e.signal).join('/')}`, stopMs < 5000 && exits.every((e) => e.code === 0))
} catch (e) {
  console.error(e)
  ok = false
} finally {
  await cleanup()
}
process.exit(ok ? 0 : 1)
