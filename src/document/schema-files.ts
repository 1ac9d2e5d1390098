import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

export type SchemaName = 'bot' | 'strategy'

/** `schemas/` at the package root, found from this file's location in `src/` or `dist/`. */
export const SCHEMAS_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url))

const cache = new Map<SchemaName, Record<string, unknown>>()

export function loadSchema(name: SchemaName): Record<string, unknown> {
  let schema = cache.get(name)
  if (!schema) {
    schema = JSON.parse(readFileSync(`${SCHEMAS_DIR}${name}.schema.json`, 'utf8')) as Record<string, unknown>
    cache.set(name, schema)
  }
  return schema
}
