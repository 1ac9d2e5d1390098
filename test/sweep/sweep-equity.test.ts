/**
 * `--equity` applies to a sweep's recorded curves (its top N) as to a single run's: daily keeps
 * each market day's last point of the same curve, none keeps no curve; the figures are the same.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, it} from 'node:test'
import {DuckDBInstance} from '@duckdb/node-api'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const ARGS = ['backtest', 'examples/index-5min-intraday.yaml', '--sweep', 'fast=5,10', '--sweep', 'slow=30', '--top', '2', '--workers', '2', '--json']

async function curves(db: string): Promise<Array<{run: number; resolution: string | null; ts: string; value: number}>> {
  const instance = await DuckDBInstance.create(db, {access_mode: 'READ_ONLY'})
  const conn = await instance.connect()
  try {
    const r = await conn.runAndReadAll(`SELECT r.id::INTEGER AS run, r.equity_resolution AS resolution, e.ts::VARCHAR AS ts, e.value FROM runs r JOIN run_equity e ON e.run_id = r.id ORDER BY r.id, e.ts`)
    return r.getRowObjectsJS() as never
  } finally {
    conn.closeSync()
    instance.closeSync()
  }
}

describe('bots backtest --sweep --equity (real CLI)', () => {
  it('records the top runs\' curves at the resolution asked for', async () => {
    const dir = tempDir()
    const dbs = {full: path.join(dir, 'full.duckdb'), daily: path.join(dir, 'daily.duckdb'), none: path.join(dir, 'none.duckdb')}
    const runs = await Promise.all((['full', 'daily', 'none'] as const).map((e) => runCli([...ARGS, '--db', dbs[e], '--equity', e])))
    for (const r of runs) assert.equal(r.code, 0, r.stderr)
    const [full, daily, none] = runs.map(parseJson)
    assert.deepEqual(daily.runs.map((r: any) => r.metrics), full.runs.map((r: any) => r.metrics))
    assert.deepEqual(none.runs.map((r: any) => r.metrics), full.runs.map((r: any) => r.metrics))
    const f = await curves(dbs.full)
    const d = await curves(dbs.daily)
    assert.deepEqual((await curves(dbs.none)), [])
    assert.ok(f.length > 1000, `${f.length} points`)
    assert.ok(f.every((p) => p.resolution === 'full') && d.every((p) => p.resolution === 'daily'))
    // Each run's daily curve: its full curve's last point of each Berlin day (the market's zone).
    const day = (ts: string) => new Date(`${ts.replace(' ', 'T')}Z`).toLocaleDateString('en-CA', {timeZone: 'Europe/Berlin'})
    const lastOfDay = new Map<string, {run: number; ts: string; value: number}>()
    for (const p of f) lastOfDay.set(`${p.run} ${day(p.ts)}`, {run: p.run, ts: p.ts, value: p.value})
    assert.deepEqual(d.map((p) => ({run: p.run, ts: p.ts, value: p.value})), [...lastOfDay.values()])
    assert.ok(d.length < f.length / 10, `${d.length} daily points for ${f.length}`)
  })
})
