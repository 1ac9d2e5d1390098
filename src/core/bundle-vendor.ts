/**
 * Build step: bundles the CommonJS dependencies that every command, store or spec command loads
 * into one file each, in dist/vendor/ (see vendor.ts). Start-up cost is per file more than per byte
 * here: `@duckdb/node-api` is 186 files (~95 ms to require, ~65 ms bundled, its native binding's
 * load included), `@oclif/core` with its dependencies 110 (~115 ms to import and load the config,
 * ~65 ms bundled) and `yaml` 72. Left outside: DuckDB's native binding (one `.node` file, and
 * chunk-copy.ts requires it too: one instance for both), and the TypeScript compilers oclif looks
 * for only when it runs a development checkout's `.ts` commands (9 MB that no command needs).
 * Then each bundle's V8 code cache, made after running the paths our commands use (vendor.ts).
 * Run by `npm run build` after tsc.
 */
import {mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import type * as DuckDB from '@duckdb/node-api'
import type * as Yaml from 'yaml'
import {VENDOR_IMPORT, VENDORED, vendorFile, writeCodeCache, type Vendored} from './vendor.js'

/** oclif's sort of its commands (Plugin's load), and its replacement (see below). */
const OCLIF_COMMAND_SORT = '.sort((a, b) => a.id.localeCompare(b.id))'
const OCLIF_COMMAND_SORT_BY_CODE_UNIT = '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))'

// `--code-cache-only`: the bundles are built; write their code caches for this process's V8 flags
// (the build runs it again under bin/run.js's flags: codeCacheFile in vendor.ts).
const cacheOnly = process.argv.includes('--code-cache-only')
const esbuild = await import('esbuild')
const require = createRequire(import.meta.url)
const dir = fileURLToPath(new URL('.', vendorFile('yaml')))
mkdirSync(dir, {recursive: true})
if (!cacheOnly) for (const old of readdirSync(dir).filter((f) => f.endsWith('.v8cache'))) rmSync(path.join(dir, old))
for (const name of cacheOnly ? [] : VENDORED) {
  await esbuild.build({
    entryPoints: [require.resolve(name)],
    outfile: fileURLToPath(vendorFile(name)),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['@duckdb/node-bindings', 'typescript', 'ts-node'],
    logLevel: 'warning',
  })
  // Dynamic imports through vendor.ts's function (see VENDOR_IMPORT there); a plain `require` of
  // the bundle gets its own. A dynamic import is `import(` not preceded by a name character, a dot
  // or a quote (oclif's messages say "import()").
  const file = fileURLToPath(vendorFile(name))
  const code = readFileSync(file, 'utf8')
    .replace(/(?<![\w$.'"`])import\(/g, `${VENDOR_IMPORT}(`)
    // oclif sorts the commands by id with localeCompare, whose first call sets up ICU's collator:
    // ~8 ms of every command's start. Our ids (lowercase words and colons) sort the same by code
    // unit (test/core/vendor.test.ts checks the manifest's), which needs no collator.
    .replace(OCLIF_COMMAND_SORT, OCLIF_COMMAND_SORT_BY_CODE_UNIT)
  const fallback = `var ${VENDOR_IMPORT} = ${VENDOR_IMPORT} || ((specifier) => import(specifier));\n`
  // After esbuild's "use strict", which must stay the first statement.
  writeFileSync(file, `// ${name} bundled by bundle-vendor.js (npm run build); do not edit.\n${code.replace(/^(?:"use strict";\n)?/, (directive) => directive + fallback)}`)
}

/** What our commands do with each package at start-up, so the code cache holds those functions compiled. */
const WARM_UP: Record<Vendored, (exports: unknown) => unknown> = {
  '@oclif/core': async (m) => {
    // oclif's types stay out of src/core (only the CLI layer imports oclif): what is called here.
    const oclif = m as {Config: {load(o: {root: string}): Promise<unknown>}; Flags: {string(o: {description: string}): unknown}}
    const config = await oclif.Config.load({root: fileURLToPath(new URL('../../', import.meta.url))})
    oclif.Flags.string({description: 'x'})
    return config
  },
  yaml: (m) => {
    const yaml = m as typeof Yaml
    const lineCounter = new yaml.LineCounter()
    for (const doc of yaml.parseAllDocuments('name: x\nstrategy: {name: sma-cross, params: {fast: 10}}\nsymbols: [A, B]\n# note\nbroker:\n  cash: 1000\n', {lineCounter, uniqueKeys: true})) {
      if (!(doc instanceof yaml.Document)) continue
      doc.toJS()
      const node = doc.getIn(['broker', 'cash'], true) as {range?: number[]} | undefined
      if (node?.range) lineCounter.linePos(node.range[0])
    }
    yaml.stringify({a: [1, 2]})
  },
  '@duckdb/node-api': async (m) => {
    const duckdb = m as typeof DuckDB
    const instance = await duckdb.DuckDBInstance.create(':memory:')
    const conn = await instance.connect()
    try {
      ;(await conn.runAndReadAll('SELECT 40 + $x::INTEGER AS answer, epoch_ms(TIMESTAMP \'2024-01-02\')::DOUBLE AS t', {x: 2})).getRowObjectsJS()
      const result = await conn.stream('SELECT range::DOUBLE AS v FROM range(10)')
      while ((await result.fetchChunk())?.rowCount) {}
    } finally {
      conn.closeSync()
      instance.closeSync()
    }
  },
}

process.env.OCLIF_DISABLE_ENGINE_WARNING = 'true' // as bin/run.js loads it
for (const name of VENDORED) await writeCodeCache(fileURLToPath(vendorFile(name)), WARM_UP[name])
