/**
 * `bots backtest --json` streams its document (issue 13, item 2): the streamed document equals the
 * one built in one piece the old way, `--equity daily|none|full` and its default, and output
 * through a pipe whose reader is slow is complete (the real CLI as a child process).
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {Writable} from 'node:stream'
import {closeSync, mkdirSync, openSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {backtestSpecFile} from '../../src/backtest/run-spec.js'
import {localDateOf} from '../../src/calendar/index.js'
import {backtestJsonDocument, backtestJsonHead} from '../../src/results/backtest-json.js'
import {finishBacktest} from '../../src/results/finish-run.js'
import {BIN, parseJson, ROOT, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const DAILY = path.join(ROOT, 'examples/orcl-sma-cross.yaml')
const INTRADAY = path.join(ROOT, 'examples/index-5min-intraday.yaml')
const ENV = {...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true'}

/** Everything but the equity curve. */
const withoutEquity = ({equity: _equity, ...rest}: any) => rest

/** The last point of each local calendar day of a full curve, computed the plain way. */
function lastOfEachDay(time: number[], value: number[], tz: string) {
  const days = new Map<string, [number, number]>()
  time.forEach((t, i) => days.set(localDateOf(t, tz), [t, value[i]])) // later points overwrite: the day's last
  return {days: [...days.keys()], time: [...days.values()].map((p) => p[0]), value: [...days.values()].map((p) => p[1])}
}

describe('bots backtest --json streams (real CLI)', () => {
  const db = path.join(tempDir(), 'store.duckdb')

  it('the streamed document equals the document built in one piece the old way, for a real backtest', async () => {
    const first = await runCli(['backtest', DAILY, '--db', db, '--no-record', '--json'])
    assert.equal(first.code, 0, first.stderr)
    assert.equal(parseJson(first).imports[0].action, 'imported')
    // The same run in process, its document built the old way (resultToJson: plain arrays, one object).
    const outcome = await backtestSpecFile({file: DAILY, db})
    const finished = await finishBacktest(outcome, {record: false, defaultReport: false})
    const built = backtestJsonDocument(backtestJsonHead(outcome, finished), outcome.result, {timeZone: 'America/New_York'})
    const r = await runCli(['backtest', DAILY, '--db', db, '--no-record', '--json'])
    assert.equal(r.code, 0, r.stderr)
    const out = parseJson(r)
    assert.deepEqual(out, JSON.parse(JSON.stringify(built)))
    // Backward compatible: the curve is still equity.time and equity.value, every bar (5,036 < 100,000).
    assert.deepEqual([out.equity.resolution, out.equity.points, out.equity.bars], ['full', 5036, 5036])
    assert.deepEqual(out.equity.time, Array.from(outcome.result.equity.time))
    assert.deepEqual(out.equity.value, Array.from(outcome.result.equity.value))
    assert.equal(out.counts.bars, 5036)
    assert.equal(out.fills.length, outcome.result.fills.length)
    assert.ok(out.fills.length > 64, 'long arrays are streamed element by element')
  })

  it('--equity daily: one point per trading day, the day\'s last value; --equity none: no curve; the rest unchanged', async () => {
    const run = async (...extra: string[]) => {
      const r = await runCli(['backtest', INTRADAY, '--db', db, '--no-record', '--json', ...extra])
      assert.equal(r.code, 0, r.stderr)
      return parseJson(r)
    }
    const full = await run('--equity', 'full')
    const byDefault = await run()
    const daily = await run('--equity', 'daily')
    const none = await run('--equity', 'none')
    assert.deepEqual(byDefault.equity, full.equity, 'the default under 100,000 bars is full')
    assert.equal(full.equity.resolution, 'full')
    assert.equal(full.equity.points, full.counts.bars)
    const tz = 'Europe/Berlin'
    const expected = lastOfEachDay(full.equity.time, full.equity.value, tz)
    assert.ok(expected.days.length >= 15 && full.equity.points > 10 * expected.days.length, `${expected.days.length} days of ${full.equity.points} bars`)
    assert.deepEqual(
      {resolution: daily.equity.resolution, points: daily.equity.points, bars: daily.equity.bars, timeZone: daily.equity.timeZone},
      {resolution: 'daily', points: expected.days.length, bars: full.counts.bars, timeZone: tz},
    )
    assert.deepEqual(daily.equity.time, expected.time)
    assert.deepEqual(daily.equity.value, expected.value)
    assert.deepEqual(daily.equity.time.map((t: number) => localDateOf(t, tz)), expected.days, 'each trading day once, in order')
    assert.equal(daily.equity.value.at(-1), full.finalValue)
    assert.deepEqual(none.equity, {resolution: 'none', points: 0, bars: full.counts.bars, time: [], value: []})
    for (const other of [daily, none]) assert.deepEqual(withoutEquity(other), withoutEquity(byDefault)) // (the first run imported the file)
  })

  it('above 100,000 bars the default is daily, and the document says so', async () => {
    const dir = tempDir()
    const n = 150_000 // minutes: 105 UTC days
    const start = Date.UTC(2020, 0, 1)
    const lines = ['datetime,open,high,low,close,volume']
    for (let i = 0; i < n; i++) {
      const p = (100 + 10 * Math.sin(i / 700) + (i % 13) / 10).toFixed(2)
      lines.push(`${new Date(start + i * 60_000).toISOString().slice(0, 19).replace('T', ' ')},${p},${p},${p},${p},100`)
    }
    writeFileSync(path.join(dir, 'bars.csv'), `${lines.join('\n')}\n`)
    writeFileSync(path.join(dir, 'big.yaml'), 'name: big\nstrategy: {name: sma-cross, params: {fast: 10, slow: 30, quantity: 1}}\nsymbols: [BIG]\ntimeframe: 1M\nmarket: 24/7\ndata: {source: file, path: bars.csv}\nbroker: {cash: 100000}\n')
    const r = await runCli(['backtest', 'big.yaml', '--no-record', '--json'], {cwd: dir})
    assert.equal(r.code, 0, r.stderr)
    const out = parseJson(r)
    assert.equal(out.counts.bars, n)
    assert.deepEqual([out.equity.resolution, out.equity.points, out.equity.bars, out.equity.timeZone], ['daily', 105, n, 'UTC'])
    assert.deepEqual(out.equity.time.map((t: number) => localDateOf(t, 'UTC')), Array.from({length: 105}, (_, d) => localDateOf(start + d * 86_400_000, 'UTC')))
    assert.equal(out.equity.time.at(-1), start + (n - 1) * 60_000)
    assert.equal(out.equity.value.at(-1), out.finalValue)
    assert.ok(out.trades.length > 1000, `${out.trades.length} trades`)
  })

  it('through a pipe whose reader is slow the output is complete, and the same bytes as `--json > file`', async () => {
    // The store holds the bars before either run, so both documents say the same about the import.
    assert.equal((await runCli(['backtest', DAILY, '--db', db, '--no-record', '--no-report'])).code, 0)
    const dir = tempDir()
    const file = path.join(dir, 'out.json')
    const fd = openSync(file, 'w')
    const toFile = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'backtest', DAILY, '--db', db, '--no-record', '--json'], {cwd: ROOT, env: ENV, stdio: ['ignore', fd, 'ignore']})
      child.on('error', reject)
      child.on('close', resolve)
    })
    closeSync(fd)
    assert.equal(toFile, 0)
    const expected = readFileSync(file, 'utf8')
    assert.ok(expected.length > 256 * 1024, `${expected.length} bytes: several pipe buffers`)
    // A slow reader: it takes the output a kilobyte per event-loop turn, far slower than the writer
    // produces it, so the pipe fills and the writer must wait for 'drain'. (A wall-clock pause and
    // a polling loop of read(n) did this before; that reader itself lost data now and then.)
    const piped = await new Promise<{code: number | null; text: string}>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'backtest', DAILY, '--db', db, '--no-record', '--json'], {cwd: ROOT, env: ENV, stdio: ['ignore', 'pipe', 'ignore']})
      const parts: Buffer[] = []
      const sink = new Writable({
        highWaterMark: 1024,
        write(chunk: Buffer, _encoding, done) {
          const sip = (from: number): void => {
            if (from >= chunk.length) return done()
            parts.push(chunk.subarray(from, from + 1024))
            setImmediate(sip, from + 1024)
          }
          sip(0)
        },
      })
      let code: number | null | undefined
      let drained = false
      const settle = () => {
        if (code !== undefined && drained) resolve({code, text: Buffer.concat(parts).toString('utf8')})
      }
      child.stdout.pipe(sink).on('finish', () => {
        drained = true
        settle()
      })
      child.on('error', reject)
      child.on('close', (c) => {
        code = c
        settle()
      })
    })
    assert.equal(piped.code, 0)
    assert.equal(piped.text.length, expected.length)
    assert.equal(piped.text, expected)
    JSON.parse(piped.text)
  })

  it('--equity sets the recorded curve too: daily stores each market day\'s last point, none no curve, the default every bar of a small run', async () => {
    const tz = 'Europe/Berlin'
    const full = parseJson(await runCli(['backtest', INTRADAY, '--db', db, '--json', '--equity', 'full']))
    const expected = lastOfEachDay(full.equity.time, full.equity.value, tz)
    const daily = await runCli(['backtest', INTRADAY, '--db', db, '--equity', 'daily'], {env: ENV})
    assert.equal(daily.code, 0, daily.stderr)
    assert.match(daily.stdout, /equity curve stored at one point per market day of the [\d,]+ bars \(--equity full keeps every bar\)/)
    const id = Number(/recorded as run (\d+)/.exec(daily.stdout)![1])
    const shown = parseJson(await runCli(['runs', 'show', String(id), '--db', db, '--json', '--equity']))
    assert.equal(shown.equityResolution, 'daily')
    assert.deepEqual(shown.equity.time, expected.time)
    assert.deepEqual(shown.equity.value, expected.value)
    assert.ok(expected.time.length > 10 && expected.time.length < full.equity.time.length / 50)
    const none = await runCli(['backtest', INTRADAY, '--db', db, '--equity', 'none'], {env: ENV})
    const noneId = Number(/recorded as run (\d+)/.exec(none.stdout)![1])
    const noneShown = parseJson(await runCli(['runs', 'show', String(noneId), '--db', db, '--json', '--equity']))
    assert.equal(noneShown.equityResolution, 'none')
    assert.equal(noneShown.equityStored, false)
    const plain = parseJson(await runCli(['backtest', INTRADAY, '--db', db, '--json']))
    const plainShown = parseJson(await runCli(['runs', 'show', String(plain.runId), '--db', db, '--json', '--equity']))
    assert.equal(plainShown.equityResolution, 'full')
    assert.deepEqual(plainShown.equity.time, full.equity.time)
    const bad = await runCli(['backtest', DAILY, '--db', db, '--no-record', '--json', '--equity', 'hourly'])
    assert.equal(bad.code, 2)
  })

  it('a failure after the run is recorded (its report cannot be written) leaves a document that does not parse, then the error saying the run is recorded, and exit 1', async () => {
    const dir = tempDir()
    const store = path.join(dir, 's.duckdb')
    // The default report of the store's first run: a folder that is not empty cannot be replaced by it.
    mkdirSync(path.join(dir, 'reports', 'orcl-sma-cross-s-run1.html', 'in-the-way'), {recursive: true})
    const r = await runCli(['backtest', DAILY, '--db', store, '--json'])
    assert.equal(r.code, 1, r.stderr)
    assert.throws(() => JSON.parse(r.stdout), SyntaxError)
    assert.match(r.stdout, /^\{\n {2}"spec": /, 'most of the document was written while the run was committed')
    assert.match(r.stdout, /"runId": 1,/)
    const error = r.stdout.slice(r.stdout.lastIndexOf('\n{') + 1)
    assert.equal(JSON.parse(error).error.code, 'report.write', 'the error object, on a line of its own')
    assert.match(JSON.parse(error).error.message, /cannot write the report .*orcl-sma-cross-s-run1\.html: a folder is in its place; the run itself is recorded as run 1 in /)
    // The run itself was recorded before the report failed; without --json the error says so in words.
    const runs = await runCli(['runs', 'list', '--db', store, '--json'])
    assert.deepEqual(parseJson(runs).runs.map((x: any) => x.id), [1])
    mkdirSync(path.join(dir, 'reports', 'orcl-sma-cross-s-run2.html', 'in-the-way'), {recursive: true})
    const plain = await runCli(['backtest', DAILY, '--db', store])
    assert.equal(plain.code, 1)
    assert.match(plain.stderr, /error cannot write the report .*run2\.html: a folder is in its place; the run itself is recorded as run 2 .*\n {2}hint: /)
    assert.doesNotMatch(plain.stderr, /EISDIR|at .*\.js:\d+/)
  })
})
