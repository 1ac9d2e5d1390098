/**
 * Loads a CommonJS dependency from its one-file bundle in dist/vendor/ when the build made one
 * (bundle-vendor.ts), else from node_modules: the same code, fewer files to resolve and read at
 * start-up. The path is the same from src/ (tests under tsx) and dist/.
 */
import {existsSync} from 'node:fs'
import {createRequire} from 'node:module'
import {fileURLToPath} from 'node:url'

export const VENDORED = ['@duckdb/node-api', '@oclif/core', 'yaml'] as const
export type Vendored = (typeof VENDORED)[number]

export function vendorFile(name: Vendored): URL {
  return new URL(`../../dist/vendor/${name.replace('/', '+')}.cjs`, import.meta.url)
}

const require = createRequire(import.meta.url)

export function requireVendored<T>(name: Vendored): T {
  const file = fileURLToPath(vendorFile(name))
  return require(existsSync(file) ? file : name) as T
}
