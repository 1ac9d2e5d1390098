/**
 * An import killed midway (SIGKILL: no cleanup code runs) leaves the store as it was, and usable.
 * The import is a generated 600,000-row file, big enough to still be running when it is killed;
 * the CLI's progress lines (plain, on stderr) say which phase it is in.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import path from 'node:path'
import {describe, it} from 'node:test'
import {listSeries, removeSeries} from '../../src/data/catalog.js'
import {importFiles} from '../../src/data/import.js'
import {loadBars} from '../../src/data/load-bars.js'
import {closeStore, openStore, withStore} from '../../src/data/store.js'
import {BIN, ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {ORCL, writeMinuteBars} from './helpers.js'

const ROWS = 600_000

/** Start `bots data import`, SIGKILL it as soon as stderr shows `phase`; resolves with what it printed. */
function killDuring(phase: RegExp, args: string[]): Promise<{signal: NodeJS.Signals | null; stdout: string; stderr: string; seen: boolean}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {cwd: ROOT, env: {...process.env, CI: 'true', NO_COLOR: '1'}})
    let stdout = ''
    let stderr = ''
    let seen = false
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
      if (!seen && phase.test(stderr)) {
        seen = true
        child.kill('SIGKILL')
      }
    })
    child.on('error', reject)
    child.on('close', (_code, signal) => resolve({signal, stdout, stderr, seen}))
  })
}

describe('an import killed midway', async () => {
  const dir = tempDir('bots-kill-')
  const db = path.join(dir, 'bots.duckdb')
  const big = path.join(dir, 'big.csv')
  await writeMinuteBars(big, ROWS)
  const before = await withStore({path: db}, async (s) => {
    await importFiles(s, [ORCL], {symbol: 'ORCL', timezone: 'America/New_York'})
    return loadBars(s, {symbol: 'ORCL', timeframe: '1D'})
  })

  for (const phase of ['reading', 'writing']) {
    it(`while ${phase}: the store is unchanged`, async () => {
      const args = ['data', 'import', big, '--symbol', 'BIG', '--timeframe', '1M', '--db', db]
      let r = await killDuring(new RegExp(phase), args)
      // On a very busy machine the kill can arrive after the import finished; that run proves
      // nothing, so undo it and try again.
      for (let retry = 0; retry < 3 && (r.signal !== 'SIGKILL' || /rows in/.test(r.stderr)); retry++) {
        await withStore({path: db}, (s) => removeSeries(s, 'BIG'))
        r = await killDuring(new RegExp(phase), args)
      }
      assert.equal(r.seen, true, `never saw the ${phase} phase:\n${r.stderr}`)
      assert.equal(r.signal, 'SIGKILL')
      assert.doesNotMatch(r.stderr, /rows in/) // it did not finish
      await withStore({path: db, readOnly: true}, async (s) => {
        assert.deepEqual((await listSeries(s)).map((x) => [x.symbol, x.rows]), [['ORCL', 5036]])
        assert.deepEqual(await loadBars(s, {symbol: 'ORCL', timeframe: '1D'}), before)
      })
    })
  }

  it('and usable: the same import then completes', async () => {
    const s = await openStore({path: db})
    try {
      const r = await importFiles(s, [big], {symbol: 'BIG', timeframe: '1M'})
      assert.deepEqual([r.new, r.rejected], [ROWS, 0])
      assert.equal((await loadBars(s, {symbol: 'BIG', timeframe: '1M'})).length, ROWS)
    } finally {
      await closeStore(s)
    }
  })
})
