/**
 * A store killed before its first checkpoint. `bots backtest` of a spec's data file creates the
 * store, imports the file and runs, and may be killed anywhere in that. DuckDB 1.5 cannot replay a
 * WAL that holds the creation of the results tables, so the migrations are checkpointed at once;
 * before that, such a kill left a file that nothing could open again.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import path from 'node:path'
import {describe, it} from 'node:test'
import {closeStore, openStore} from '../../src/data/store.js'
import {registeredMigrations} from '../../src/data/migrations.js'
import '../../src/results/schema.js'
import {BIN, ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {writeMinuteBars} from './helpers.js'

/** Runs the CLI and SIGKILLs it (no cleanup code runs) once its progress shows `when`. */
function killWhen(args: string[], when: RegExp, cwd: string): Promise<{signal: NodeJS.Signals | null; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {cwd, env: {...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: ''}, stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000) // a safety net for a hung child only
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
      if (when.test(stderr)) child.kill('SIGKILL')
    })
    child.on('error', reject)
    child.on('close', (_code, signal) => {
      clearTimeout(timer)
      resolve({signal, stderr})
    })
  })
}

describe('a fresh store whose process is killed', () => {
  it('during the first backtest of a data file: the store opens again, migrated, and holds the whole file or none of it', async () => {
    const dir = tempDir('bots-kill-fresh-')
    const csv = path.join(dir, 'bars.csv')
    await writeMinuteBars(csv, 400_000)
    const spec = path.join(dir, 'big.yaml')
    const {writeFileSync} = await import('node:fs')
    writeFileSync(spec, `name: big\nstrategy: {name: sma-cross}\nsymbols: [GEN]\ntimeframe: 1M\nmarket: 24/7\ndata: {source: file, path: ${csv}}\n`)
    const db = path.join(dir, 's.duckdb')
    const r = await killWhen(['backtest', spec, '--db', db], /running \d+% · /, ROOT)
    assert.equal(r.signal, 'SIGKILL', `the backtest ended before it was killed:\n${r.stderr}`)
    const store = await openStore({path: db})
    try {
      const applied = new Set((await store.conn.runAndReadAll('SELECT name FROM schema_migrations')).getRowObjectsJS().map((x) => x.name))
      for (const m of registeredMigrations()) assert.ok(applied.has(m.name), `migration ${m.name} missing`)
      assert.equal(Number((await store.conn.runAndReadAll('SELECT count(*) AS n FROM runs')).getRowObjectsJS()[0].n), 0)
      const {bars, imports} = (await store.conn.runAndReadAll('SELECT (SELECT count(*) FROM bars)::DOUBLE AS bars, (SELECT count(*) FROM imports)::DOUBLE AS imports')).getRowObjectsJS()[0]
      assert.ok((bars === 400_000 && imports === 1) || (bars === 0 && imports === 0), `bars ${bars}, imports ${imports}`)
    } finally {
      await closeStore(store)
    }
  })
})
