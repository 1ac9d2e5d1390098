/**
 * The build bundles @duckdb/node-api, @oclif/core and yaml into dist/vendor/ (one file each, for
 * start-up), each with a V8 code cache; commands load the bundle. It must be the package itself:
 * the same exports, and working, here on a real in-memory DuckDB and a YAML document with
 * positions. The cache must be taken by a fresh Node, and must never serve another file's code.
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync, utimesSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {createRequire} from 'node:module'
import {fileURLToPath} from 'node:url'
import {describe, it} from 'node:test'
import type * as Yaml from 'yaml'
import type * as DuckDB from '@duckdb/node-api'
import {codeCacheFile, loadBundle, VENDORED, vendorFile, writeCodeCache} from '../../src/core/vendor.js'
import {tempDir} from '../helpers/tmp.js'

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

  it('@oclif/core: its commands sorted by code unit (no collator to set up), which orders ours as localeCompare does', () => {
    assert.ok(!readFileSync(vendorFile('@oclif/core'), 'utf8').includes('localeCompare'), 'the build replaces oclif\'s command sort (bundle-vendor.ts)')
    const ids = Object.keys((JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as {commands: object}).commands)
    assert.ok(ids.length > 20)
    assert.deepEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), [...ids].sort((a, b) => a.localeCompare(b)), 'a command id that sorts otherwise by code unit changes the order `bots --help` lists them in')
  })

  // The V8 flag bin/run.js starts `bots` with (launcher.test.ts): V8 takes a cache only under the
  // flags it was made with, so the build writes one for plain `node` and one for it.
  const FLAG_SETS = [[], ['--max-semi-space-size=4']]

  it('a fresh process compiles each bundle from its code cache (as bin/run.js does), with or without its flag', () => {
    const script = `import {fileURLToPath} from 'node:url'
const v = await import(${JSON.stringify(new URL('../../dist/core/vendor.js', import.meta.url).href)})
console.log(JSON.stringify(v.VENDORED.map((n) => v.loadBundle(fileURLToPath(v.vendorFile(n))).cacheAccepted)))`
    for (const flags of FLAG_SETS) {
      const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', script], {encoding: 'utf8', env: {...process.env, OCLIF_DISABLE_ENGINE_WARNING: 'true'}})
      assert.equal(r.status, 0, r.stderr)
      assert.deepEqual(JSON.parse(r.stdout), VENDORED.map(() => true), `npm run build writes a code cache V8 takes for every bundle (flags: ${flags.join(' ') || 'none'})`)
    }
  })

  it('a fresh process compiles the precompiled schema validators from their code caches, and they still validate, with or without its flag', () => {
    const dist = (f: string) => JSON.stringify(new URL(`../../dist/${f}`, import.meta.url).href)
    const example = JSON.stringify(fileURLToPath(new URL('../../examples/orcl-sma-cross.yaml', import.meta.url)))
    const script = `import {readFileSync} from 'node:fs'
import {parse} from 'yaml'
const v = await import(${dist('core/vendor.js')})
const s = await import(${dist('document/schema-files.js')})
const accepted = ['bot', 'strategy'].map((n) => v.loadBundle(s.precompiledValidatorFile(n)).cacheAccepted)
const bot = s.precompiledValidator('bot')
console.log(JSON.stringify({accepted, example: bot(parse(readFileSync(${example}, 'utf8'))), nameOnly: bot({name: 'x'})}))`
    for (const flags of FLAG_SETS) {
      const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', script], {encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url))})
      assert.equal(r.status, 0, r.stderr)
      assert.deepEqual(JSON.parse(r.stdout), {accepted: [true, true], example: true, nameOnly: false}, `npm run build writes a code cache V8 takes for the bot and strategy validators (flags: ${flags.join(' ') || 'none'})`)
    }
  })
})

describe('loadBundle: require with a code cache', () => {
  const dir = tempDir('bots-vendor-')
  const target = path.join(dir, 'target.mjs')
  writeFileSync(target, 'export const answer = 42\n')
  const file = path.join(dir, 'bundle.cjs')
  // What bundle-vendor.ts makes of a package: dynamic imports through __vendorImport.
  const source = (n: number) => `"use strict";
var __vendorImport = __vendorImport || ((specifier) => import(specifier));
exports.n = ${n};
exports.strict = (function () { return this === undefined })();
exports.dirname = __dirname;
exports.importTarget = () => __vendorImport(${JSON.stringify(new URL(`file://${target}`).href)});
`

  it('exports, __dirname and strict mode as require gives them; dynamic imports work from the cache', async () => {
    writeFileSync(file, source(1))
    const cache = await writeCodeCache(file, (m) => (m as {importTarget(): Promise<unknown>}).importTarget())
    assert.equal(cache, codeCacheFile(file))
    assert.ok(existsSync(cache))
    delete require.cache[file]
    const loaded = loadBundle(file)
    assert.equal(loaded.cacheAccepted, true)
    const m = loaded.exports as {n: number; strict: boolean; dirname: string; importTarget(): Promise<{answer: number}>}
    assert.deepEqual([m.n, m.strict, m.dirname], [1, true, dir])
    // Node 20 loses a cached script's import callback; the bundle's own function must not need it.
    assert.equal((await m.importTarget()).answer, 42)
    assert.equal(loadBundle(file).exports, m, 'one module object, from require\'s cache')
    assert.equal(require(file), m)
  })

  it('a changed file of the same length never runs the old code', () => {
    writeFileSync(file, source(1))
    utimesSync(file, new Date(1_000_000), new Date(1_000_000))
    delete require.cache[file]
    const first = loadBundle(file)
    assert.equal((first.exports as {n: number}).n, 1)
    writeFileSync(codeCacheFile(file), first.script!.createCachedData())
    writeFileSync(file, source(2)) // same length, new modification time
    delete require.cache[file]
    const second = loadBundle(file)
    assert.equal(second.cacheAccepted, undefined, 'no cache for the file as it is now')
    assert.equal((second.exports as {n: number}).n, 2)
  })
})
