/**
 * Build step: bundles the CommonJS dependencies that every command, store or spec command loads
 * into one file each, in dist/vendor/ (see vendor.ts). Start-up cost is per file more than per byte
 * here: `@duckdb/node-api` is 186 files (~95 ms to require, ~65 ms bundled, its native binding's
 * load included), `@oclif/core` with its dependencies 110 (~115 ms to import and load the config,
 * ~65 ms bundled) and `yaml` 72. Left outside: DuckDB's native binding (one `.node` file, and
 * chunk-copy.ts requires it too: one instance for both), and the TypeScript compilers oclif looks
 * for only when it runs a development checkout's `.ts` commands (9 MB that no command needs).
 * Run by `npm run build` after tsc.
 */
import {mkdirSync} from 'node:fs'
import {createRequire} from 'node:module'
import {fileURLToPath} from 'node:url'
import {VENDORED, vendorFile} from './vendor.js'

const esbuild = await import('esbuild')
const require = createRequire(import.meta.url)
mkdirSync(new URL('.', vendorFile('yaml')), {recursive: true})
for (const name of VENDORED) {
  await esbuild.build({
    entryPoints: [require.resolve(name)],
    outfile: fileURLToPath(vendorFile(name)),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['@duckdb/node-bindings', 'typescript', 'ts-node'],
    logLevel: 'warning',
    banner: {js: `// ${name} bundled by bundle-vendor.js (npm run build); do not edit.`},
  })
}
