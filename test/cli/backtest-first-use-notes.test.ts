/**
 * A backtest whose spec names a data file imports it on first use; what the import did with rows
 * out of the usual order is said there as `bots data import` says it, not only on that command.
 */
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {ROOT, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const CSV = readFileSync(path.join(ROOT, 'examples/data/orcl-1995-2014.csv'), 'utf8').trimEnd().split('\n')

async function firstUse(rows: string[]): Promise<string> {
  const dir = tempDir()
  writeFileSync(path.join(dir, 'bars.csv'), `${[CSV[0], ...rows].join('\n')}\n`)
  writeFileSync(path.join(dir, 'bot.yaml'), 'name: fu\nstrategy: {name: sma-cross, params: {fast: 10, slow: 30}}\nsymbols: [ORCL]\ntimeframe: 1D\nmarket: NYSE\ndata: {source: file, path: bars.csv, db: s.duckdb}\n')
  const r = await runCli(['backtest', 'bot.yaml', '--no-record'], {cwd: dir})
  assert.equal(r.code, 0, r.stderr)
  return r.stdout + r.stderr
}

describe('bots backtest: a first use says how the file\'s rows were ordered', () => {
  it('says a newest-first file was stored oldest first', async () => {
    const out = await firstUse(CSV.slice(1).reverse())
    assert.match(out, /imported \S*bars\.csv into the store: the file runs newest first; stored oldest first/)
  })

  it('says which rows came in blocks out of order, and that they were kept', async () => {
    const rows = CSV.slice(1)
    // The year 2000's first ten rows moved to the end of the file, together.
    const at = rows.findIndex((r) => r.startsWith('2000-'))
    const block = rows.splice(at, 10)
    const out = await firstUse([...rows, ...block])
    assert.match(out, /imported \S*bars\.csv into the store: 10 rows came in blocks out of the file's time order: kept, and stored in time order/)
  })

  it('says nothing more of a file in order', async () => {
    const out = await firstUse(CSV.slice(1))
    assert.match(out, /imported \S*bars\.csv into the store\n/)
  })
})
