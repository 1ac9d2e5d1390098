/**
 * `bots backtest --strategies DIR` with a DIR that is missing or not a folder: a usage error naming
 * the flag and the path, exit 2, before any work, as `bots validate --strategies` has it (the same
 * check). Before, the folder was skipped without a word and the backtest ran.
 */
import assert from 'node:assert/strict'
import {existsSync, mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {parseJson, ROOT, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const SPEC = 'examples/orcl-sma-cross.yaml'
const HINT = 'give --strategies a folder of strategy plugins (*.js, *.ts) or strategy specs, e.g. --strategies ./strategies'

describe('bots backtest --strategies', () => {
  const dir = tempDir('bots-bt-strategies-')
  const db = path.join(dir, 'store.duckdb')

  it('a folder that does not exist: exit 2, the flag, the path and a hint; nothing runs', async () => {
    const missing = path.join(dir, 'missing-folder')
    const r = await runCli(['backtest', SPEC, '--strategies', missing, '--db', db])
    assert.equal(r.code, 2, r.stdout + r.stderr)
    assert.equal(r.stderr, `error: --strategies ${missing}: ${missing} does not exist\n  hint: ${HINT}\n`)
    assert.equal(r.stdout, '')
    assert.equal(existsSync(db), false, 'no store was opened')
  })

  it('the same words as bots validate --strategies', async () => {
    const v = await runCli(['validate', SPEC, '--strategies', 'missing-folder'])
    const b = await runCli(['backtest', SPEC, '--strategies', 'missing-folder', '--db', db])
    assert.equal(v.code, 2)
    assert.equal(b.code, 2)
    assert.equal(b.stderr, v.stderr)
  })

  it('--json: a usage error object on stdout (with --sweep too)', async () => {
    for (const extra of [[], ['--sweep', 'fast=5,10']]) {
      const r = await runCli(['backtest', SPEC, '--strategies', 'missing-folder', '--db', db, '--json', ...extra])
      assert.equal(r.code, 2, r.stdout + r.stderr)
      const {error} = parseJson(r)
      assert.deepEqual([error.code, error.message, error.hint], ['usage', `--strategies missing-folder: ${path.join(ROOT, 'missing-folder')} does not exist`, HINT])
    }
    assert.equal(existsSync(db), false)
  })

  it('a file, not a folder: "is not a folder"', async () => {
    const file = path.join(dir, 'plugin.ts')
    writeFileSync(file, 'export default {}\n')
    const r = await runCli(['backtest', SPEC, '--strategies', file, '--db', db])
    assert.equal(r.code, 2)
    assert.match(r.stderr, new RegExp(`--strategies ${file.replace(/[.]/g, '\\.')}: .* is not a folder`))
  })

  it('an existing folder (here an empty one) is taken, and the backtest runs', async () => {
    const plugins = path.join(dir, 'plugins')
    mkdirSync(plugins)
    const r = await runCli(['backtest', SPEC, '--strategies', plugins, '--db', db, '--no-report', '--no-record'])
    assert.equal(r.code, 0, r.stderr)
  })
})
