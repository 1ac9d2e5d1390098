/**
 * The default report path is beside the store, and names a store other than bots.duckdb: run ids
 * are a store's own, so two stores in one folder wrote each other's reports over (found by an audit).
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {it} from 'node:test'
import {defaultReportPath} from '../../src/results/report-path.js'

it('the default store keeps the plain name; another store adds its own', () => {
  const dir = path.resolve('/tmp/x')
  assert.equal(defaultReportPath(path.join(dir, 'bots.duckdb'), 'orcl-sma-cross', 3), path.join(dir, 'reports', 'orcl-sma-cross-run3.html'))
  const a = defaultReportPath(path.join(dir, 'a.duckdb'), 'orcl-sma-cross', 1)
  const b = defaultReportPath(path.join(dir, 'b.duckdb'), 'orcl-sma-cross', 1)
  assert.equal(a, path.join(dir, 'reports', 'orcl-sma-cross-a-run1.html'))
  assert.notEqual(a, b)
  assert.equal(defaultReportPath(path.join(dir, 'my store.duckdb'), 'My Bot!', 2), path.join(dir, 'reports', 'My-Bot-my-store-run2.html'))
})

it('the runs show hint names --db when the store is not the default, quoted for a shell when it must be (found by an audit)', async () => {
  const {runsShowCommand, shellWord} = await import('../../src/results/report-path.js')
  const home = path.resolve('.bots/bots.duckdb')
  assert.equal(runsShowCommand(2, home, home), 'bots runs show 2')
  assert.equal(runsShowCommand(2, '/tmp/rp/s.duckdb', home), 'bots runs show 2 --db /tmp/rp/s.duckdb')
  assert.equal(runsShowCommand(1, '/tmp/sp ace/st ore.duckdb', home), "bots runs show 1 --db '/tmp/sp ace/st ore.duckdb'")
  assert.equal(shellWord("it's"), `'it'\\''s'`)
})

it('--out naming a file is refused before the run (it failed with EEXIST after the run was recorded)', async () => {
  const {checkOutPath} = await import('../../src/results/report-path.js')
  const {BotsError} = await import('../../src/core/errors.js')
  const {writeFileSync, mkdtempSync} = await import('node:fs')
  const {tmpdir} = await import('node:os')
  const dir = mkdtempSync(path.join(tmpdir(), 'bots-out-'))
  const file = path.join(dir, 'spec.yaml')
  writeFileSync(file, 'x')
  assert.throws(() => checkOutPath(file), (e: unknown) => e instanceof BotsError && e.diagnostic.code === 'results.out')
  assert.equal(checkOutPath(dir), dir)
  assert.equal(checkOutPath(path.join(dir, 'new')), path.join(dir, 'new'))
})
