/**
 * The commands that only read the store (`runs list|show|compare`, `data list|show`), given a
 * --db that names no file: an error naming the path, with a hint, exit 1, and no file made there.
 * Before, the read created an empty store at the mistyped path and reported no runs or no data.
 * The writing commands (`data import`, `backtest`) still create a store where --db points.
 */
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {ORCL} from '../data/helpers.js'

const READERS = [['runs', 'list'], ['runs', 'show', '1'], ['runs', 'compare', '1', '2'], ['data', 'list'], ['data', 'show', 'ORCL']]
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

describe('reading commands and a --db that does not exist', () => {
  const dir = tempDir('bots-missing-store-')
  const typo = path.join(dir, 'no-such-folder', 'typo.duckdb')

  for (const args of READERS) {
    it(`bots ${args.join(' ')}: "no store at PATH" and a hint, exit 1, nothing created`, async () => {
      const r = await runCli([...args, '--db', typo])
      assert.equal(r.code, 1, r.stdout + r.stderr)
      assert.match(r.stderr, new RegExp(`error no store at ${escape(typo)}\\n {2}hint: check the path given with --db; without --db the store is `))
      assert.doesNotMatch(r.stderr, /\n\s+at /) // no stack trace
      assert.equal(r.stdout, '')
      assert.equal(existsSync(path.dirname(typo)), false, 'no folder (nor store) is made at the path')
    })

    it(`bots ${args.join(' ')} --json: the error as JSON on stdout, and on stderr`, async () => {
      const r = await runCli([...args, '--db', typo, '--json'])
      assert.equal(r.code, 1, r.stdout + r.stderr)
      const {error} = parseJson(r)
      assert.deepEqual([error.code, error.message, error.file], ['store.missing', `no store at ${typo}`, typo])
      assert.match(error.hint, /^check the path given with --db/)
      assert.ok(r.stderr.includes(`no store at ${typo}`), r.stderr)
      assert.equal(existsSync(path.dirname(typo)), false)
    })
  }

  it('the hint says which store a command reads without --db (BOTS_DB here) and whether it exists', async () => {
    const envDb = path.join(dir, 'env.duckdb')
    const r = await runCli(['runs', 'list', '--db', typo], {env: {BOTS_DB: envDb}})
    assert.equal(r.code, 1)
    assert.match(r.stderr, new RegExp(`without --db the store is ${escape(envDb)} \\(BOTS_DB, not created yet\\)`))
  })

  it('the writing commands still create the store: data import, then backtest, and the readers read it', async () => {
    const imported = path.join(dir, 'new-a', 'store.duckdb')
    const i = await runCli(['data', 'import', ORCL, '--symbol', 'ORCL', '--tz', 'America/New_York', '--db', imported])
    assert.equal(i.code, 0, i.stderr)
    assert.ok(existsSync(imported))
    const list = await runCli(['data', 'list', '--db', imported, '--json'])
    assert.equal(list.code, 0, list.stderr)
    assert.deepEqual(parseJson(list).map((s: {symbol: string}) => s.symbol), ['ORCL'])

    const ran = path.join(dir, 'new-b', 'store.duckdb')
    const b = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', ran, '--no-report'])
    assert.equal(b.code, 0, b.stderr)
    assert.ok(existsSync(ran))
    const runs = await runCli(['runs', 'list', '--db', ran, '--json'])
    assert.equal(runs.code, 0, runs.stderr)
    assert.equal(parseJson(runs).runs.length, 1)
  })
})
