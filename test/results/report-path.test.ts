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
