// `bots live` trading on `bots twin` over loopback (`npm run bench`, or `node --expose-gc
// bench/exchange.bench.mjs` after a build). The twin runs in this process; the service is a real
// `bots live` child process, reaching the twin through ccxt (WebSocket klines, REST orders).
//   1. bar-to-order latency: one bot that sends a market order on every bar, on the twin
//      replaying stored 5-minute bars, `live.feed.clock: bars`. Each bar is released by hand
//      (`twin.advance(1)`) and timed until its order is at the twin: WebSocket kline → the bot's
//      feed → kernel → strategy → intent written to DuckDB → REST. Median and p99   reported
//   2. BENCH_EXCHANGE_BOTS (default 20) bots in one service, each on its own symbol of one twin
//      (random walks, 1-minute bars paced at 2 bars per second), for BENCH_EXCHANGE_SECONDS
//      (default 60), each ordering every BENCH_EXCHANGE_EVERY bars (default 1):
//        heartbeat age, worst bot, sampled every second after warm-up   target ≤ interval + 1 s
//        CPU of the service process (user+sys over wall time), peak RSS  reported
//        orders at the twin, bars each bot acted on per second, how far the slowest bot
//        trails the twin at the end                                       reported
// BENCH_EXCHANGE_DUMP=1 also prints the service's output and the REST requests per bar.
// Imports from dist/. Linux: CPU and memory are read from /proc.
import {spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {loadavg, tmpdir} from 'node:os'
import path from 'node:path'
import {performance} from 'node:perf_hooks'
import {fileURLToPath} from 'node:url'
import {closeStore, importFiles, openStore} from '../dist/data/index.js'
import {readDb} from '../dist/service/db.js'
import {addBot} from '../dist/service/manage.js'
import {startTwin} from '../dist/twin/index.js'
import {procCpuMs, procRssMb} from './proc-stats.mjs'

const LATENCY_ORDERS = Number(process.env.BENCH_EXCHANGE_ORDERS ?? 200)
const BOTS = Number(process.env.BENCH_EXCHANGE_BOTS ?? 20)
const SECONDS = Number(process.env.BENCH_EXCHANGE_SECONDS ?? 60)
const EVERY = Number(process.env.BENCH_EXCHANGE_EVERY ?? 1)
const SPEED = 2 // twin bars per second in part 2
const HEARTBEAT_S = 2
const WARMUP_S = 10
const SAFETY_MS = 60_000 // a wait past this fails the bench (a safety net, not a timing)
const KEY = 'bench-key-51c0'
const SECRET = 'bench-secret-9e7a'
const ENV = {BENCH_TWIN_KEY: KEY, BENCH_TWIN_SECRET: SECRET}
const root = fileURLToPath(new URL('..', import.meta.url))
const bin = path.join(root, 'bin', 'run.js')
const dir = mkdtempSync(path.join(tmpdir(), 'bots-bench-exchange-'))
const strategies = path.join(dir, 'strategies')
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

// Buys `quantity` when flat, else sells it, every `every` iterations: an order on each of them.
const TOGGLE = `import {defineStrategy} from 'bots'
export default defineStrategy<{every: number; quantity: number}>({
  name: 'bench-toggle',
  description: 'Buys \`quantity\` when flat, else sells it, every \`every\` iterations.',
  params: {type: 'object', properties: {
    every: {type: 'integer', minimum: 1, default: 1, description: 'Iterations between orders.'},
    quantity: {type: 'number', exclusiveMinimum: 0, default: 0.01, description: 'Units per order.'},
  }, additionalProperties: false},
  create(p) {
    let n = 0
    return {
      onTradingIteration(ctx) {
        n++
        if (n % p.every === 0) ctx.position() > 0 ? ctx.sell(p.quantity) : ctx.buy(p.quantity)
      },
    }
  },
})
`

const twins = []
const children = []
let cleaned
let ok = true
const line = (name, value, target, pass) => {
  console.log(`${name}: ${value} (${target})${pass === false ? '  MISSED' : ''}`)
  if (pass === false) ok = false
}

console.log(`(load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at start; ${LATENCY_ORDERS} orders, then ${BOTS} bots for ${SECONDS} s)`)
const stopOnSignal = (sig) => void cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143))
process.once('SIGINT', stopOnSignal)
process.once('SIGTERM', stopOnSignal)
try {
  mkdirSync(strategies)
  writeFileSync(path.join(strategies, 'bench-toggle.ts'), TOGGLE)
  await latency()
  await manyBots()
} catch (e) {
  console.error(e)
  ok = false
} finally {
  await cleanup()
}
console.log(`(load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at end)`)
process.exit(ok ? 0 : 1)

/** Part 1: one bot, one order per bar; bar release → order at the twin. */
async function latency() {
  const S = 'IDX/USDT'
  const twinDb = path.join(dir, 'twin.duckdb')
  const store = await openStore({path: twinDb})
  try {
    await importFiles(store, [path.join(root, 'examples/data/index-2006-5min.csv')], {symbol: S, timeframe: '5m'})
  } finally {
    await closeStore(store)
  }
  const twin = await startTwin({db: twinDb, symbols: [S], timeframe: '5m', start: '2006-01-03', speed: 0, apiKey: KEY, apiSecret: SECRET, cash: {asset: 'USDT', amount: 1_000_000}})
  twins.push(twin)
  const db = path.join(dir, 'latency.duckdb')
  await addBot(writeSpec('latency-bot', [S], '5M', twin, {every: 1, quantity: 0.01}), 1, {path: db, strategies: [strategies]})
  const live = startLive(db)
  await live.waitFor(/"latency-bot": started/)
  await guard(twin.whenSubscribed('idxusdt@kline_5m'), 'the kline subscription', live)

  // Until the first order (the bot may want a bar or two first), then a few unmeasured bars.
  let first = 0
  while (twin.orders().length === 0) {
    if (++first > 20) throw new Error(`no order after 20 bars\n--- service output ---\n${live.output()}`)
    await twin.advance(1)
    await Promise.race([twin.when(() => twin.orders().length > 0), sleep(5000)])
  }
  const step = async () => {
    const k = twin.orders().length + 1
    const t0 = performance.now()
    await twin.advance(1)
    await guard(twin.when(() => twin.orders().length >= k), `order ${k}`, live)
    return performance.now() - t0
  }
  for (let i = 0; i < 10; i++) await step()
  const ms = []
  const rest0 = {...twin.requests.byPath}
  for (let i = 0; i < LATENCY_ORDERS; i++) ms.push(await step())
  if (process.env.BENCH_EXCHANGE_DUMP) console.error('REST during the measured bars:', Object.fromEntries(Object.entries(twin.requests.byPath).map(([k, v]) => [k, v - (rest0[k] ?? 0)])))
  ms.sort((a, b) => a - b)
  const q = (p) => ms[Math.min(ms.length - 1, Math.ceil(p * ms.length) - 1)]
  const orders = twin.orders()
  const buys = orders.filter((o) => o.side === 'BUY').length
  const code = (await live.stop()).code
  line('exchange bar-to-order latency through the twin', `median ${q(0.5).toFixed(1)} ms, p99 ${q(0.99).toFixed(1)} ms over ${ms.length} orders`, `reported; max ${ms[ms.length - 1].toFixed(1)} ms, ${buys} buys and ${orders.length - buys} sells in all`)
  if (code !== 0) throw new Error(`bots live exited ${code} after SIGTERM\n--- service output ---\n${live.output()}`)
  noteProblems('latency', live.output())
}

/** Part 2: BOTS bots, each on its own symbol of one paced twin, in one service process. */
async function manyBots() {
  const symbols = Array.from({length: BOTS}, (_, i) => `S${String(i + 1).padStart(2, '0')}/USDT`)
  const twin = await startTwin({symbols, timeframe: '1m', speed: SPEED, warmupBars: 50, apiKey: KEY, apiSecret: SECRET, cash: {asset: 'USDT', amount: 10_000_000}})
  twins.push(twin)
  const db = path.join(dir, 'many.duckdb')
  for (let i = 0; i < BOTS; i++) {
    await addBot(writeSpec(`bot-${i + 1}`, [symbols[i]], '1M', twin, {every: EVERY, quantity: 1}), 1, {path: db, strategies: [strategies]})
  }
  const live = startLive(db)
  await live.waitFor(/enabled bots? found/)
  const cpu0 = procCpuMs(live.child.pid)
  const orders0 = twin.orders().length
  const w0 = Date.now()
  let worstAge = 0
  let peakRss = 0
  let atWarmup
  while (Date.now() - w0 < SECONDS * 1000) {
    await sleep(1000)
    if (live.child.exitCode !== null || live.child.signalCode !== null) throw new Error(`bots live stopped\n--- service output ---\n${live.output()}`)
    peakRss = Math.max(peakRss, procRssMb(live.child.pid))
    const elapsed = (Date.now() - w0) / 1000
    if (elapsed < Math.min(WARMUP_S, SECONDS / 2)) continue
    const {age, bars} = await readDb({path: db}, async (conn) => {
      // heartbeat_at holds UTC; the age is taken against this machine's clock, as an operator would.
      const r = (await conn.runAndReadAll(`SELECT min(epoch_ms(heartbeat_at))::DOUBLE AS oldest, count(*) FILTER (WHERE heartbeat_at IS NULL)::INTEGER AS never FROM bots WHERE user_id = 1`)).getRowObjectsJS()[0]
      const b = (await conn.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM bot_bars`)).getRowObjectsJS()[0]
      return {age: r.never > 0 ? Infinity : Date.now() - r.oldest, bars: b.n}
    })
    if (!atWarmup) atWarmup = {bars, at: elapsed, released: twin.released}
    worstAge = Math.max(worstAge, age)
  }
  const wall = Date.now() - w0
  const {barsEnd, behind} = await readDb({path: db}, async (conn) => {
    const n = (await conn.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM bot_bars`)).getRowObjectsJS()[0].n
    // The slowest bot's latest bar against the twin's latest (close times, 1-minute bars).
    const r = (await conn.runAndReadAll(`SELECT min(latest)::DOUBLE AS oldest FROM (SELECT max(epoch_ms(close_ts)) AS latest FROM bot_bars GROUP BY bot_id)`)).getRowObjectsJS()[0]
    return {barsEnd: n, behind: Math.round((twin.now() - r.oldest) / 60_000)}
  })
  const pace = atWarmup ? (barsEnd - atWarmup.bars) / BOTS / (wall / 1000 - atWarmup.at) : NaN
  const released = atWarmup ? (twin.released - atWarmup.released) / (wall / 1000 - atWarmup.at) : NaN
  const cpu = procCpuMs(live.child.pid) - cpu0
  const orders = twin.orders().length - orders0
  const status = await readDb({path: db}, async (conn) => (await conn.runAndReadAll(`SELECT status, count(*)::INTEGER AS n FROM bots GROUP BY status ORDER BY status`)).getRowObjectsJS())
  const code = (await live.stop()).code
  line(`${BOTS} exchange bots in one service process`,
    `worst heartbeat age ${(worstAge / 1000).toFixed(2)} s (target ≤ ${HEARTBEAT_S + 1} s), CPU ${((cpu / wall) * 100).toFixed(1)} % of one core, peak RSS ${peakRss.toFixed(0)} MB`,
    `reported; ${orders} orders at the twin in ${(wall / 1000).toFixed(0)} s, ${(orders / (wall / 1000)).toFixed(1)}/s; after warm-up each bot acted on ${pace.toFixed(2)} bars/s of the ${released.toFixed(2)} released, the slowest ${behind} bars behind the twin at the end`,
    worstAge <= (HEARTBEAT_S + 1) * 1000)
  const bad = status.filter((r) => r.status !== 'running')
  if (bad.length) {
    console.error(`bots not running at the end: ${bad.map((r) => `${r.n} ${r.status}`).join(', ')}`)
    ok = false
  }
  if (code !== 0) throw new Error(`bots live exited ${code} after SIGTERM\n--- service output ---\n${live.output()}`)
  noteProblems('many bots', live.output())
}

function writeSpec(name, symbols, timeframe, twin, params) {
  const file = path.join(dir, `${name}.yaml`)
  writeFileSync(file, [
    `name: ${name}`,
    `strategy: {name: bench-toggle, params: ${JSON.stringify(params)}}`,
    `symbols: [${symbols.join(', ')}]`,
    `timeframe: ${timeframe}`,
    'market: 24/7',
    'broker: {cash: 1000000}',
    'live:',
    '  feed: {type: exchange, clock: bars}',
    '  broker: {type: exchange}',
    '  exchange:',
    '    id: binance',
    `    api_url: ${twin.apiUrl}`,
    `    ws_url: ${twin.wsUrl}`,
    '    credentials_env: {key: BENCH_TWIN_KEY, secret: BENCH_TWIN_SECRET}',
  ].join('\n') + '\n')
  return file
}

/** `bots live` for user 1 on `db`, its stdout and stderr collected together. */
function startLive(db) {
  const args = [bin, 'live', '--user-id', '1', '--db', db, '--strategies', strategies, '--heartbeat-interval', String(HEARTBEAT_S), '--poll-interval', '10']
  const child = spawn(process.execPath, args, {cwd: root, env: {...process.env, NO_COLOR: '1', ...ENV}, stdio: ['ignore', 'pipe', 'pipe']})
  children.push(child)
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d))
  child.stderr.setEncoding('utf8').on('data', (d) => (out += d))
  const exited = new Promise((r) => child.on('close', (code, signal) => r({code, signal})))
  return {
    child,
    output: () => out,
    async waitFor(re) {
      const t0 = Date.now()
      while (!re.test(out)) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`bots live exited before printing ${re}\n--- service output ---\n${out}`)
        if (Date.now() - t0 > SAFETY_MS) throw new Error(`no ${re} from bots live after ${SAFETY_MS / 1000} s\n--- service output ---\n${out}`)
        await sleep(50)
      }
    },
    async stop() {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      const r = await exited
      clearTimeout(timer)
      return r
    },
  }
}

/** A wait on the twin with a safety net: past it, fail with what the service printed. */
function guard(p, what, live) {
  let timer
  const net = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`twin: ${what} did not happen within ${SAFETY_MS / 1000} s\n--- service output ---\n${live.output()}`)), SAFETY_MS)
  })
  return Promise.race([p, net]).finally(() => clearTimeout(timer))
}

/** Service lines that look like trouble go to stderr (not figures; the run still counts). */
function noteProblems(part, out) {
  if (process.env.BENCH_EXCHANGE_DUMP) console.error(`--- ${part}: service output ---\n${out}`)
  const bad = out.split('\n').filter((l) => /error|warn|fail|refus|restart|stale|reject/i.test(l))
  if (bad.length) console.error(`(${part}: ${bad.length} service line(s) mention trouble; first: ${bad.slice(0, 5).join(' | ')})`)
}

function cleanup() {
  cleaned ??= (async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
    await Promise.allSettled(twins.map((t) => t.close()))
    rmSync(dir, {recursive: true, force: true})
  })()
  return cleaned
}
