/**
 * The build bundles @duckdb/node-api, @oclif/core and yaml into dist/vendor/ (one file each, for start-up);
 * commands load the bundle. It must be the package itself: the same exports, and working, here
 * on a real in-memory DuckDB and a YAML document with positions.
 */
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {createRequire} from 'node:module'
import {fileURLToPath} from 'node:url'
import {describe, it} from 'node:test'
import type * as Yaml from 'yaml'
import type * as DuckDB from '@duckdb/node-api'
import {VENDORED, vendorFile} from '../../src/core/vendor.js'

const require = createRequire(import.meta.url)
const bundle = <T>(name: (typeof VENDORED)[number]): T => require(fileURLToPath(vendorFile(name))) as T

describe('vendored bundles (npm run build)', () => {
  for (const name of VENDORED) {
    it(`${name}: built, with every export of the package`, () => {
      assert.ok(existsSync(vendorFile(name)), `${fileURLToPath(vendorFile(name))} is missing: npm run build makes it`)
      assert.deepEqual(Object.keys(bundle<object>(name)).sort(), Object.keys(require(name) as object).sort())
    })
  }

  it('yaml: parses with line positions and keeps 1.2 scalars as the package does', () => {
    const yaml = bundle<typeof Yaml>('yaml')
    const lineCounter = new yaml.LineCounter()
    const [doc] = yaml.parseAllDocuments('a: 1\nb:\n  c: yes\n', {lineCounter, uniqueKeys: true})
    assert.deepEqual(doc.toJS(), {a: 1, b: {c: 'yes'}})
    const node = doc.getIn(['b', 'c'], true) as {range: [number, number, number]}
    assert.deepEqual(lineCounter.linePos(node.range[0]), {line: 3, col: 6})
    assert.ok(yaml.isMap(doc.contents))
    assert.match(String(yaml.parseAllDocuments('a: 1\na: 2\n', {uniqueKeys: true})[0].errors[0]), /unique/i)
  })

  it('@duckdb/node-api: runs a query and hands back its chunks', async () => {
    const duckdb = bundle<typeof DuckDB>('@duckdb/node-api')
    const instance = await duckdb.DuckDBInstance.create(':memory:')
    const conn = await instance.connect()
    try {
      const rows = (await conn.runAndReadAll('SELECT 40 + $x::INTEGER AS answer, TIMESTAMP \'2024-01-02 03:04:05\' AS ts', {x: 2})).getRowObjectsJS()
      assert.equal(rows[0].answer, 42)
      assert.ok(rows[0].ts instanceof Date)
      assert.equal((rows[0].ts as Date).toISOString(), '2024-01-02T03:04:05.000Z')
    } finally {
      conn.closeSync()
      instance.closeSync()
    }
  })
})
