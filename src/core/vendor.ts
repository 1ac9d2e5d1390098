/**
 * Loads a CommonJS dependency from its one-file bundle in dist/vendor/ when the build made one
 * (bundle-vendor.ts), else from node_modules: the same code, fewer files to resolve and read at
 * start-up. The path is the same from src/ (tests under tsx) and dist/.
 *
 * A bundle is compiled with the V8 code cache the build left beside it (compiling oclif's bundle
 * is ~16 ms of every command's start without it). The cache's name carries the bundle's size and
 * modification time, so a rebuilt bundle never meets an old cache; V8 itself rejects a cache from
 * another V8 version or other flags, and the bundle is then compiled as usual.
 */
import {existsSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import Module, {createRequire} from 'node:module'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import vm from 'node:vm'

export const VENDORED = ['@duckdb/node-api', '@oclif/core', 'yaml'] as const
export type Vendored = (typeof VENDORED)[number]

export function vendorFile(name: Vendored): URL {
  return new URL(`../../dist/vendor/${name.replace('/', '+')}.cjs`, import.meta.url)
}

const require = createRequire(import.meta.url)

export function requireVendored<T>(name: Vendored): T {
  const file = fileURLToPath(vendorFile(name))
  return (existsSync(file) ? loadBundle(file).exports : require(name)) as T
}

/**
 * Where `file`'s code cache is, for the file as it is now and for this process's V8 flags: V8
 * rejects a cache made under other flags, and bin/run.js starts `bots` with one
 * (`--max-semi-space-size=4`), so the build writes a cache for each (`--code-cache-only`, run
 * again under that flag) and each process reads its own.
 */
export function codeCacheFile(file: string): string {
  const {size, mtimeMs} = statSync(file)
  return `${file}.${size}-${Math.trunc(mtimeMs)}${flagsTag()}.v8cache`
}

/** `.max-semi-space-size-4` when the process was started with that flag, else ''. */
function flagsTag(): string {
  const young = process.execArgv.find((a) => a.startsWith('--max-semi-space-size'))
  return young === undefined ? '' : `.${young.slice(2).replace(/[^a-z0-9-]+/gi, '-')}`
}

export interface LoadedBundle {
  exports: unknown
  /** Whether V8 took the code cache (undefined: there was none, or the file was loaded already). */
  cacheAccepted?: boolean
  script?: vm.Script
}

/**
 * The bundles' dynamic `import(…)` calls go through this function (bundle-vendor.ts renames them):
 * code compiled from a V8 code cache by Node 20 has lost the import callback of its script (the
 * call fails with ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), and oclif imports our commands that way.
 * A bundle loaded by plain `require` declares the same name and imports by itself.
 */
export const VENDOR_IMPORT = '__vendorImport'
const vendorImport = (specifier: string) => import(specifier)

/**
 * `require(file)` for a CommonJS file, compiled with its code cache when there is one: the same
 * module object in require's cache, `require` relative to the file.
 */
export function loadBundle(file: string): LoadedBundle {
  const known = require.cache[file]
  if (known) return {exports: known.exports}
  const cache = codeCacheFile(file)
  const cachedData = existsSync(cache) ? readFileSync(cache) : undefined
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, ${VENDOR_IMPORT}) {${readFileSync(file, 'utf8')}\n})`, {filename: file, cachedData})
  const mod = new Module(file)
  mod.filename = file
  require.cache[file] = mod
  try {
    ;(script.runInThisContext() as (...args: unknown[]) => void).call(mod.exports, mod.exports, createRequire(file), mod, file, path.dirname(file), vendorImport)
  } catch (e) {
    delete require.cache[file]
    throw e
  }
  mod.loaded = true
  return {exports: mod.exports, cacheAccepted: cachedData === undefined ? undefined : !script.cachedDataRejected, script}
}

/**
 * Build step: after `warmUp` has run the loaded bundle's usual paths (so the functions they
 * compile are in it), writes the bundle's code cache.
 */
export async function writeCodeCache(file: string, warmUp: (exports: unknown) => unknown): Promise<string> {
  const {exports, script} = loadBundle(file)
  if (!script) throw new Error(`bug: ${file} was loaded before its code cache was made`)
  await warmUp(exports)
  const cache = codeCacheFile(file)
  writeFileSync(cache, script.createCachedData())
  return cache
}
