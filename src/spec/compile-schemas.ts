/**
 * Build step: compiles JSON Schemas into standalone validator modules in dist/spec/validators/
 * (CommonJS: ajv's standalone output requires its runtime), so commands skip ajv's code
 * generation at run time (~100 ms for the first schema of a process, most of a one-spec
 * `bots validate`): the bundled bot and strategy schemas, and the params schemas of the
 * strategies shipped with bots (found again by hash, see strategy/params-validator.ts).
 * Run by `npm run build` after tsc (both projects).
 */
import {mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {fileURLToPath, pathToFileURL} from 'node:url'
import standaloneCode from 'ajv/dist/standalone/index.js'
import {parse} from 'yaml'
import {writeCodeCache} from '../core/vendor.js'
import {rulesStrategy} from '../rules/rules-strategy.js'
import {isStrategyDefinition} from '../strategy/definition.js'
import {paramsAjv, paramsValidatorFile} from '../strategy/params-validator.js'
import {createAjv} from '../document/schema-validator.js'
import {loadSchema, precompiledValidatorFile, type SchemaName} from '../document/schema-files.js'

// CommonJS default export: under Node16 ESM typing it arrives as the module namespace.
const generate = ((standaloneCode as unknown as {default?: unknown}).default ?? standaloneCode) as (ajv: unknown, fn: unknown) => string

const outDir = fileURLToPath(new URL('./validators/', import.meta.url))
mkdirSync(outDir, {recursive: true})
// `--code-cache-only`: the validators are written; make their code caches for this process's V8
// flags (the build runs it again under bin/run.js's flags: codeCacheFile in vendor.ts).
const cacheOnly = process.argv.includes('--code-cache-only')
// Each build writes new validators, so earlier builds' code caches can never match again.
if (!cacheOnly) for (const f of readdirSync(outDir)) if (f.endsWith('.v8cache')) rmSync(`${outDir}${f}`)
// The shipped examples, valid and invalid: the paths through a validator that specs take.
const examplesDir = fileURLToPath(new URL('../../examples/', import.meta.url))
const examples = (sub: string) =>
  readdirSync(`${examplesDir}${sub}`).filter((f) => f.endsWith('.yaml')).map((f) => {
    try {
      return parse(readFileSync(`${examplesDir}${sub}${f}`, 'utf8')) as unknown
    } catch {
      return undefined // the invalid examples include YAML that does not parse
    }
  })
const warmUps: Record<SchemaName, unknown[]> = {bot: [...examples(''), ...examples('invalid/')], strategy: examples('strategies/')}
for (const name of ['bot', 'strategy'] as SchemaName[]) {
  const ajv = createAjv({code: {source: true}})
  const validate = ajv.compile(loadSchema(name))
  const file = precompiledValidatorFile(name)
  if (!cacheOnly) writeFileSync(file, `// Generated from schemas/${name}.schema.json by compile-schemas.js; do not edit.\n${generate(ajv, validate)}`)
  await writeCodeCache(file, (exports) => {
    for (const value of warmUps[name]) (exports as {default: (v: unknown) => boolean}).default(value)
  })
}

const shippedDir = fileURLToPath(new URL('../strategies/', import.meta.url))
const shipped = [rulesStrategy()]
for (const file of readdirSync(shippedDir).filter((f) => f.endsWith('.js'))) {
  const mod = (await import(pathToFileURL(`${shippedDir}${file}`).href)) as {default?: unknown}
  if (isStrategyDefinition(mod.default)) shipped.push(mod.default)
}
for (const definition of cacheOnly ? [] : shipped) {
  const ajv = paramsAjv({code: {source: true}})
  const validate = ajv.compile(definition.params)
  writeFileSync(`${outDir}${paramsValidatorFile(definition.params)}`, `// Params of the shipped strategy "${definition.name}", by compile-schemas.js; do not edit.\n${generate(ajv, validate)}`)
}
