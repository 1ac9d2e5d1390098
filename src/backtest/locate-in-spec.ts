/** Errors found after validation (while importing or loading bars), placed back in the spec file. */
import path from 'node:path'
import {BotsError, type Diagnostic} from '../core/errors.js'
import {loadYamlFile} from '../document/load-yaml.js'
import {locate, pointerToPath} from '../document/locate.js'

/** `file`, `line`, `column` and `path` of a JSON pointer inside the spec (file and path only when it cannot be read). */
export async function locateInSpec(file: string, pointer: string): Promise<Pick<Diagnostic, 'file' | 'line' | 'column' | 'path'>> {
  const loaded = await loadYamlFile(path.resolve(file)).catch(() => undefined)
  if (!loaded?.ok) return {file, path: pointer}
  const pos = locate(loaded.yaml.doc, loaded.yaml.lineCounter, pointerToPath(pointer))
  return {file, line: pos.line, column: pos.column, path: pointer}
}

/** A BotsError that names a spec path but no file, rethrown located in `file`; anything else as it is. */
export async function locatedInSpec(error: unknown, file: string): Promise<unknown> {
  if (!(error instanceof BotsError) || error.diagnostic.file !== undefined || !error.diagnostic.path) return error
  const d = {...error.diagnostic, ...(await locateInSpec(file, error.diagnostic.path))}
  return new BotsError(d.message, d)
}
