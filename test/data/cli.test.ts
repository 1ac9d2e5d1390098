/** The `bots data` commands, run as a user runs them: the built CLI in a child process. */
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {parseJson, runCli} from '../helpers/cli.js'
import {holdStore} from '../helpers/lock-holder.js'
import {tempDir} from '../helpers/tmp.js'
import {MIN5, ORCL, bad} from './helpers.js'

describe('bots data (CLI)', async () => {
  const dir = tempDir('bots-cli-')
  const db = path.join(dir, 'cli.duckdb')
  const bots = (...args: string[]) => runCli([...args, '--db', db])

  it('import --json reports new, replaced and rejected rows', async () => {
    const r = await bots('data', 'import', ORCL, '--symbol', 'ORCL', '--tz', 'America/New_York', '--json')
    assert.equal(r.code, 0, r.stderr)
    const j = parseJson(r)
    assert.deepEqual([j.symbol, j.timeframe, j.new, j.replaced, j.rejected], ['ORCL', '1D', 5036, 0, 0])
    // A re-import's counts (all replaced) are the library's: test/data/import-real.test.ts.
  })

  it('import in text: a summary and each rejected row with file:line', async () => {
    const r = await bots('data', 'import', bad('ohlc.csv'), '--symbol', 'BAD', '--timeframe', '1D')
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /ohlc\.csv: 5 rows: 2 new, 0 replaced, 3 rejected/)
    assert.match(r.stdout, /ohlc\.csv:3 {2}ohlc: high 10\.2 is below max\(open 10, close 10\.5\)/)
    assert.match(r.stdout, /ohlc\.csv:5 {2}ohlc:/)
  })

  it('--on-error fail exits 1 with a located error and imports nothing', async () => {
    const r = await bots('data', 'import', bad('unsorted.csv'), '--symbol', 'U', '--timeframe', '1D', '--on-error', 'fail')
    assert.equal(r.code, 1)
    assert.match(r.stderr, /unsorted\.csv:4 error 1 row of unsorted\.csv breaks the data rules; nothing was imported/)
    assert.match(r.stderr, /hint: /)
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/) // no stack trace (that U was not imported: the list below)
  })

  it('list, show, resample and remove', async () => {
    assert.equal((await bots('data', 'import', MIN5, '--symbol', 'IDX', '--time-label', 'close')).code, 0)
    const list = parseJson(await bots('data', 'list', '--json'))
    assert.deepEqual(list.map((s: any) => [s.symbol, s.timeframe, s.rows]), [['BAD', '1D', 2], ['IDX', '5M', 2142], ['ORCL', '1D', 5036]])
    assert.equal(list[2].first, '1995-01-03T05:00:00Z')
    const text = await bots('data', 'list')
    assert.match(text.stdout, /^SYMBOL\s+TIMEFRAME\s+FIRST\s+LAST\s+ROWS$/m)
    // Daily bars as dates in the import's zone (test/newcomer/data-list-dates); --json keeps UTC.
    assert.match(text.stdout, /^ORCL\s+1D\s+1995-01-03\s+2014-12-31\s+5,036$/m)

    // `data show` in JSON is showSeries' result (test/data/show.test.ts); here its text, below.
    const rs = parseJson(await bots('data', 'resample', 'IDX', '--from', '5M', '--to', '1H', '--json'))
    assert.deepEqual([rs.to, rs.sourceRows, rs.rows], ['1H', 2142, 21 * 9])
    const shown = await bots('data', 'show', 'IDX', '--timeframe', '1H')
    assert.match(shown.stdout, /IDX 1H: 189 bars/)
    // Nights and weekends are not missing bars: the calendar (guessed from the bars here) says so.
    assert.match(shown.stdout, /^missing: none$/m)

    const rm = parseJson(await bots('data', 'remove', 'IDX', '--timeframe', '5M', '--json'))
    assert.deepEqual([rm.rows, rm.removed], [2142, [{timeframe: '5M', rows: 2142}]])
    const gone = await bots('data', 'remove', 'IDX', '--timeframe', '5M')
    assert.equal(gone.code, 1)
    assert.match(gone.stderr, /no 5M bars for IDX in the store\n {2}hint: IDX has 1H/)
  })

  it('without --db: BOTS_DB, else .bots/bots.duckdb in the working folder (created on first use)', async () => {
    const cwd = tempDir('bots-cwd-')
    const r = await runCli(['data', 'import', bad('volume.csv'), '--symbol', 'V', '--timeframe', '1D', '--json'], {cwd, env: {BOTS_DB: undefined}})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(parseJson(r).store, path.join(cwd, '.bots', 'bots.duckdb'))
    assert.ok(existsSync(path.join(cwd, '.bots', 'bots.duckdb')))
    // Reading never creates a store, BOTS_DB's included (read-default-store.test.ts); an import does.
    const envDb = path.join(cwd, 'env', 'x.duckdb')
    const e = await runCli(['data', 'list', '--json'], {cwd, env: {BOTS_DB: envDb}})
    assert.equal(parseJson(e).error.code, 'store.missing')
    assert.ok(!existsSync(envDb))
    const i = await runCli(['data', 'import', bad('volume.csv'), '--symbol', 'V', '--timeframe', '1D', '--json'], {cwd, env: {BOTS_DB: envDb}})
    assert.equal(parseJson(i).store, envDb)
    assert.deepEqual(parseJson(await runCli(['data', 'list', '--json'], {cwd, env: {BOTS_DB: envDb}})).map((s: {symbol: string}) => s.symbol), ['V'])
  })

  it('another process holding the store: a clear error, exit 1', async () => {
    const holder = await holdStore(db)
    try {
      // A short wait (the default is 10 s): the holder never lets go here.
      const env = {BOTS_LOCK_WAIT_MS: '300'}
      const r = await runCli(['data', 'list', '--db', db], {env})
      assert.equal(r.code, 1)
      // (Whether it says it waits depends on the first try taking under 0.3 s: test/hostile/item-9
      // tests the wait, deterministically, by releasing the store once it says so.)
      assert.match(r.stderr, new RegExp(`another bots process \\(PID ${holder.pid}\\) holds the store ${db.replaceAll('.', '\\.')}`))
      assert.match(r.stderr, /hint: wait for that process to finish/)
      const j = await runCli(['data', 'import', ORCL, '--symbol', 'X', '--json', '--db', db], {env})
      assert.equal(parseJson(j).error.code, 'store.locked')
    } finally {
      await holder.release()
    }
  })

  it('bad usage exits 2', async () => {
    assert.equal((await bots('data', 'import', ORCL)).code, 2) // no --symbol
    assert.equal((await bots('data', 'import', ORCL, '--symbol', 'X', '--on-error', 'ignore')).code, 2)
  })
})
