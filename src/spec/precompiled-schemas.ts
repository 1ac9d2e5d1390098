/**
 * The bot and strategy schema validators that the build precompiles (compile-schemas.ts), loaded
 * without ajv itself. A valid spec, the common case, is then checked without loading ajv and
 * ajv-formats (~30 ms of a one-spec `bots validate`); a spec with schema errors, or a run from
 * src/ where nothing is precompiled, goes through document/schema-validator.ts, which turns ajv's
 * errors into located diagnostics.
 */
import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import type {ValidateFunction} from 'ajv'
import type {Diagnostic} from '../core/errors.js'
import {loadBundle} from '../core/vendor.js'
import type {Located} from '../document/schema-validator.js'
import type {SchemaName} from '../document/schema-files.js'

const loaded = new Map<SchemaName, ValidateFunction | undefined>()

/** Where the build writes the validator of schema `name`. */
export function precompiledFile(name: SchemaName): string {
  return fileURLToPath(new URL(`./validators/${name}.cjs`, import.meta.url))
}

/**
 * The build's validator for `name`, the same module document/schema-validator.ts requires;
 * undefined when not built. Compiled with the code cache the build made by running it (its first
 * validation of a spec: ~5 ms without, ~0.2 ms with).
 */
function precompiled(name: SchemaName): ValidateFunction | undefined {
  if (!loaded.has(name)) {
    const file = precompiledFile(name)
    loaded.set(name, existsSync(file) ? (loadBundle(file).exports as {default: ValidateFunction}).default : undefined)
  }
  return loaded.get(name)
}

/** validateAgainstSchema of document/schema-validator.ts, loading it (and ajv) only for a spec that fails. */
export async function schemaProblems(name: SchemaName, value: unknown, where: Located): Promise<Diagnostic[]> {
  // The schemas fill no defaults (useDefaults: false), so a first pass leaves `value` as it was.
  if (precompiled(name)?.(value)) return []
  const {validateAgainstSchema} = await import('../document/schema-validator.js')
  return validateAgainstSchema(name, value, where)
}
