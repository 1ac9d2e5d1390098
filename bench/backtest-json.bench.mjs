// A whole `bots backtest --json > file` of 1,000,000 minute bars through the real CLI (issue 13,
// item 2): start-up, loading from the store, the run, metrics, and the JSON document streamed to a
// file (~20k trades, ~39k fills and orders). Goal: < 1.5 s, < 400 MB (it was 12–27 s and 1.7 GB
// when the document was built as one string).
// Runs with the default equity resolution (daily above 100,000 bars) and with `--equity full`
// (the 1M-point curve); recording on (the default) and off. The bars are imported once beforehand
// (not timed). Also checks that the written document parses and holds every trade.
//   node bench/backtest-json.bench.mjs            (or: node bench/run.mjs backtest-json)
import {spawn, spawnSync} from 'node:child_process'
import {closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {loadavg, tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const bin = path.join(root, 'bin/run.js')
const env = {...process.env, CI: 'true', NO_COLOR: '1'}
const dir = mkdtempSync(path.join(tmpdir(), 'bots-bench-json-'))
const out = path.join(dir, 'result.json')

/** `bots ARGS > result.json`, sampling the child's peak RSS (VmHWM) until it exits. */
function timed(args) {
  return new Promise((resolve, reject) => {
    const fd = openSync(out, 'w')
    const t0 = process.hrtime.bigint()
    // bin/run.js run as a program, as `bots` is (its launcher line included: bin/run.js).
    const child = spawn(bin, args, {cwd: dir, env, stdio: ['ignore', fd, 'pipe']})
    let err = ''
    let hwm = 0
    child.stderr.on('data', (d) => (err += d))
    const sample = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
        if (m) hwm = Math.max(hwm, Number(m[1]) / 1024)
      } catch {}
    }, 10)
    child.on('error', reject)
    child.on('close', (code) => {
      clearInterval(sample)
      closeSync(fd)
      const s = Number(process.hrtime.bigint() - t0) / 1e9
      if (code !== 0) reject(new Error(`bots ${args.join(' ')} exited ${code}:\n${err}`))
      else resolve({s, hwm, bytes: statSync(out).size})
    })
  })
}

try {
  const csv = path.join(dir, 'bars.csv')
  spawnSync(process.execPath, [path.join(root, 'bench/gen-ohlcv.mjs'), '--rows', '1000000', '--out', csv], {stdio: 'inherit'})
  const db = path.join(dir, 'store.duckdb')
  const imp = spawnSync(process.execPath, [bin, 'data', 'import', csv, '--symbol', 'BENCH', '--timeframe', '1M', '--db', db], {cwd: dir, env, encoding: 'utf8'})
  if (imp.status !== 0) throw new Error(imp.stdout + imp.stderr)
  rmSync(csv)
  writeFileSync(path.join(dir, 'bench.yaml'), ['name: bench', 'strategy: {name: sma-cross, params: {fast: 10, slow: 30, quantity: 1}}', 'symbols: [BENCH]', 'timeframe: 1M', 'market: 24/7', `data: {source: store, db: ${JSON.stringify(db)}}`, 'broker: {cash: 1000000}', ''].join('\n'))

  console.log(`(load average ${loadavg().map((x) => x.toFixed(1)).join(' ')})`)
  const best = async (args, n = 3) => {
    const runs = []
    for (let i = 0; i < n; i++) runs.push(await timed(args))
    runs.sort((a, b) => a.s - b.s)
    return {s: runs[0].s, median: runs[n >> 1].s, hwm: Math.max(...runs.map((r) => r.hwm)), mb: runs[0].bytes / 1e6}
  }
  const check = (resolution) => {
    const doc = JSON.parse(readFileSync(out, 'utf8'))
    if (doc.equity.resolution !== resolution || doc.trades.length !== doc.counts.trades || doc.equity.time.length !== doc.equity.points) throw new Error(`unexpected document: equity ${doc.equity.resolution}/${doc.equity.points}, ${doc.trades.length} trades of ${doc.counts.trades}`)
    return `${doc.counts.trades.toLocaleString('en-US')} trades, ${doc.equity.points.toLocaleString('en-US')} equity points`
  }
  const line = (label, r, what) => `${label}: ${r.s.toFixed(2)} s best, ${r.median.toFixed(2)} s median, peak RSS ${r.hwm.toFixed(0)} MB, ${r.mb.toFixed(1)} MB of JSON, ${what} (targets < 1.5 s, < 400 MB)${r.median < 1.5 && r.hwm < 400 ? '' : ' MISSED'}`

  const plain = await best(['backtest', 'bench.yaml', '--json', '--no-record'])
  console.log(line('whole bots backtest --json > file, 1M bars (CLI, no recording, equity daily, the default above 100,000 bars)', plain, check('daily')))
  const full = await best(['backtest', 'bench.yaml', '--json', '--no-record', '--equity', 'full'])
  console.log(line('whole bots backtest --json --equity full > file, 1M bars (CLI, no recording, the 1M-point curve)', full, check('full')))
  const rec = await best(['backtest', 'bench.yaml', '--json'])
  console.log(line('whole bots backtest --json > file, 1M bars (CLI, recording the run and writing its report, the defaults)', rec, check('daily')))
} finally {
  rmSync(dir, {recursive: true, force: true})
}
