/**
 * Validators for strategies' params schemas. Params get their defaults filled in, so they use an
 * ajv of their own (useDefaults, not strict: plugin authors write ordinary JSON Schema).
 *
 * ajv's first compile in a process costs ~100 ms of code generation, most of a one-spec
 * `bots validate`. The build therefore precompiles the shipped strategies' schemas
 * (compile-schemas.ts) into dist/spec/validators/params-<hash>.cjs; a schema found there is
 * loaded instead of compiled. Users' plugins compile at run time as before, and only they load
 * ajv itself (a require on first use, ~25 ms that a spec naming a shipped strategy does without).
 */
import {createHash} from 'node:crypto'
import {existsSync} from 'node:fs'
import {createRequire} from 'node:module'
import {fileURLToPath} from 'node:url'
import type {ValidateFunction} from 'ajv'
import type {Ajv2020} from 'ajv/dist/2020.js'

export const PARAMS_AJV_OPTIONS = {allErrors: true, strict: false, useDefaults: true, verbose: true} as const

const PRECOMPILED_DIR = fileURLToPath(new URL('../spec/validators/', import.meta.url))
const requireCjs = createRequire(import.meta.url)

/** File name of a precompiled params validator: a hash of the schema's JSON. */
export function paramsValidatorFile(schema: unknown): string {
  return `params-${createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 24)}.cjs`
}

let ajvInstance: Ajv2020 | undefined
export function paramsAjv(extra: Record<string, unknown> = {}): Ajv2020 {
  const {Ajv2020: Ajv} = requireCjs('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')
  if (Object.keys(extra).length > 0) return new Ajv({...PARAMS_AJV_OPTIONS, ...extra})
  ajvInstance ??= new Ajv({...PARAMS_AJV_OPTIONS})
  return ajvInstance
}

export function paramsValidator(schema: Record<string, unknown>): ValidateFunction {
  const file = `${PRECOMPILED_DIR}${paramsValidatorFile(schema)}`
  if (existsSync(file)) return (requireCjs(file) as {default: ValidateFunction}).default
  return paramsAjv().compile(schema)
}
