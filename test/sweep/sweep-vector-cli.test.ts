/**
 * Sweeps on the vector path through the real CLI give the ranking and metrics of the engine path
 * (BOTS_SWEEP_PATH=engine forces it), on real daily NYSE data with percent sizing and on
 * generated 24/7 minute bars with gaps, costs, slippage, a multiplier and a sparser sleeptime;
 * the progress lines say which path ran and carry an ETA.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {DuckDBInstance} from '@duckdb/node-api'
import {runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {bothPaths, ENGINE} from './both-paths.js'

const ORCL = 'examples/orcl-sma-cross.yaml'
/** Minute bars, 24/7, with gaps (a missing stretch every so often) and flat stretches. */
function minuteCsv(file: string, rows: number): void {
  const lines = ['datetime,open,high,low,close,volume']
  let t = Date.UTC(2023, 0, 1)
  let close = 100
  let seed = 7
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
  for (let i = 0; i < rows; i++) {
    const open = Math.round(close * (1 + (rand() - 0.5) * 0.004) * 100) / 100
    if (rand() > 0.2) close = Math.round(close * (1 + (rand() - 0.5) * 0.01) * 100) / 100
    const iso = new Date(t).toISOString().replace('T', ' ').slice(0, 19)
    lines.push(`${iso},${open},${Math.max(open, close) + 0.05},${Math.min(open, close) - 0.05},${close},1000`)
    t += rand() > 0.97 ? 60_000 * Math.ceil(rand() * 30) : 60_000
  }
  writeFileSync(file, lines.join('\n') + '\n')
}

describe('bots backtest --sweep: vector path against the engine (real CLI)', () => {
  it('ORCL daily bars on NYSE, percent sizing: the same ranking and metrics both ways', async () => {
    const db = path.join(tempDir(), 'orcl.duckdb')
    // 21 runs on 2 workers: vector workers take them in pairs (one returns loop for two curves), singles at the end.
    const {vector} = await bothPaths(['backtest', ORCL, '--db', db, '--no-record', '--workers', '2', '--sweep', 'fast=5..30:5', '--sweep', 'slow=20..80:20', '--rank-by', 'total_return'], 'sma-cross')
    assert.equal(vector.valid, 21) // 24 less fast ≥ slow
    assert.equal(vector.workers, 2)
  })

  it('24/7 minute bars with gaps, costs, slippage, a multiplier and a 3-minute sleeptime: the same both ways', async () => {
    const dir = tempDir()
    const csv = path.join(dir, 'bars.csv')
    minuteCsv(csv, 6000)
    const spec = path.join(dir, 'spec.yaml')
    writeFileSync(spec, [
      'name: vector-cli', 'strategy: {name: sma-cross, params: {fast: 5, slow: 20, quantity: 3}}', 'symbols: [SYN]', 'timeframe: 1M', 'sleeptime: 3M', 'market: 24/7',
      `data: {source: file, path: ${JSON.stringify(csv)}}`,
      'broker: {cash: 5000, slippage_bps: 2, commission: {per_share: 0.01, percent: 0.05, fixed: 0.5, minimum: 1}}',
      'instruments: {SYN: {multiplier: 2}}', '',
    ].join('\n'))
    const db = path.join(dir, 'store.duckdb')
    const {vector} = await bothPaths(['backtest', spec, '--db', db, '--no-record', '--sweep', 'fast=2..12:2', '--sweep', 'slow=15..45:10', '--sweep', 'quantity=3,30'], 'sma-cross')
    assert.equal(vector.valid, 48)
    assert.ok(vector.runs.some((r: any) => r.metrics.trades > 20), 'the sweep trades')
  })

  it('a recorded vector sweep keeps the same equity curves for its top runs as the engine path', async () => {
    const dir = tempDir()
    const args = (db: string) => ['backtest', ORCL, '--db', db, '--sweep', 'fast=5..20:5', '--sweep', 'slow=30,60', '--top', '3', '--json']
    const [v, e] = await Promise.all([runCli(args(path.join(dir, 'v.duckdb'))), runCli(args(path.join(dir, 'e.duckdb')), {env: ENGINE})])
    assert.equal(v.code, 0, v.stderr)
    assert.equal(e.code, 0, e.stderr)
    const curves = async (db: string) => {
      const instance = await DuckDBInstance.create(db, {access_mode: 'READ_ONLY'})
      const conn = await instance.connect()
      const rows = (await conn.runAndReadAll(`SELECT r.id::INTEGER AS id, e.ts::VARCHAR AS ts, e.value, e.benchmark FROM runs r JOIN run_equity e ON e.run_id = r.id ORDER BY r.id, e.ts`)).getRowObjectsJS()
      conn.closeSync()
      instance.closeSync()
      return rows
    }
    const [vc, ec] = await Promise.all([curves(path.join(dir, 'v.duckdb')), curves(path.join(dir, 'e.duckdb'))])
    assert.ok(vc.length > 3000, `${vc.length} equity points`)
    assert.deepEqual(vc, ec)
    assert.equal(new Set(vc.map((r) => r.id)).size, 3)
  })

  it('the progress lines say which path ran and give an ETA', async () => {
    const db = path.join(tempDir(), 'orcl.duckdb')
    const args = ['backtest', ORCL, '--db', db, '--no-record', '--sweep', 'fast=10,20', '--sweep', 'slow=30,40']
    // CI=false and a pipe for stderr: the plain renderer prints every stage line.
    const vector = await runCli(args, {env: {CI: 'false'}})
    assert.equal(vector.code, 0, vector.stderr)
    assert.match(vector.stderr, /vector path: 4 runs from 4 SMA series computed once/)
    assert.match(vector.stderr, /[1-3]\/4 runs on \d workers? · ETA [\d.]+ (s|min)/)
    assert.match(vector.stderr, /4\/4 runs on \d workers? · done in [\d.]+ s/)
    const engine = await runCli(args, {env: {CI: 'false', ...ENGINE}})
    assert.equal(engine.code, 0, engine.stderr)
    assert.match(engine.stderr, /engine path \(forced \(BOTS_SWEEP_PATH=engine\)\): 4 backtests/)
  })
})
