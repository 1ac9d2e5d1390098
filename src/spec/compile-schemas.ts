/**
 * Build step: compiles the bundled JSON Schemas into standalone validator modules
 * (dist/spec/validators/*.cjs: ajv's standalone output requires its runtime, so CommonJS), so `bots validate` skips ajv's code generation at run time
 * (about 100 ms per schema, most of a one-spec run). Run by `npm run build` after tsc.
 */
import {mkdirSync, writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import standaloneCode from 'ajv/dist/standalone/index.js'
import {createAjv} from './schema-validator.js'
import {loadSchema, type SchemaName} from './schema-files.js'

const outDir = fileURLToPath(new URL('./validators/', import.meta.url))
mkdirSync(outDir, {recursive: true})
for (const name of ['bot', 'strategy'] as SchemaName[]) {
  const ajv = createAjv({code: {source: true}})
  const validate = ajv.compile(loadSchema(name))
  // CommonJS default export: under Node16 ESM typing it arrives as the module namespace.
  const generate = ((standaloneCode as unknown as {default?: unknown}).default ?? standaloneCode) as (ajv: unknown, fn: unknown) => string
  writeFileSync(`${outDir}${name}.cjs`, `// Generated from schemas/${name}.schema.json by compile-schemas.js; do not edit.\n${generate(ajv, validate)}`)
}
