/**
 * The bot and strategy schema validators that the build precompiles (compile-schemas.ts), loaded
 * without ajv itself. A valid spec, the common case, is then checked without loading ajv and
 * ajv-formats (~30 ms of a one-spec `bots validate`); a spec with schema errors, or a run from
 * src/ where nothing is precompiled, goes through document/schema-validator.ts, which turns ajv's
 * errors into located diagnostics.
 */
import type {Diagnostic} from '../core/errors.js'
import type {Located} from '../document/schema-validator.js'
import {precompiledValidator, type SchemaName} from '../document/schema-files.js'

/** validateAgainstSchema of document/schema-validator.ts, loading it (and ajv) only for a spec that fails. */
export async function schemaProblems(name: SchemaName, value: unknown, where: Located): Promise<Diagnostic[]> {
  // The schemas fill no defaults (useDefaults: false), so a first pass leaves `value` as it was.
  if (precompiledValidator(name)?.(value)) return []
  const {validateAgainstSchema} = await import('../document/schema-validator.js')
  return validateAgainstSchema(name, value, where)
}
