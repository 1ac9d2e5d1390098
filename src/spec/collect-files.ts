/**
 * Turns the paths given to `bots validate` into spec files: files as given, folders searched
 * recursively for *.yaml / *.yml in any case (skipping hidden folders and node_modules), globs expanded.
 * A path that matches nothing is a usage error the caller reports.
 */
import {existsSync, statSync} from 'node:fs'
import path from 'node:path'
import {CONFIG_FILE} from '../core/config.js'

export interface Collected {
  files: string[]
  /** Arguments that matched no file. */
  missing: string[]
}

const IGNORE = ['**/node_modules/**', '**/.*/**']

export async function collectSpecFiles(inputs: string[], cwd = process.cwd()): Promise<Collected> {
  const files: string[] = []
  const missing: string[] = []
  for (const input of inputs.length > 0 ? inputs : ['.']) {
    const absolute = path.resolve(cwd, input)
    if (existsSync(absolute) && !statSync(absolute).isDirectory()) {
      files.push(input)
      continue
    }
    // Loaded only for folders and patterns: the usual `bots validate a.yaml` names files.
    const {glob, isDynamicPattern} = await import('tinyglobby')
    if (existsSync(absolute)) {
      // Extensions in any case: `A.YAML` was skipped from a folder (though checked when named), so
      // a CI run could pass without validating it (found by an audit).
      const found = await glob('**/*.{yaml,yml}', {cwd: absolute, ignore: IGNORE, absolute: false, caseSensitiveMatch: false})
      files.push(...found.filter((f) => path.basename(f) !== CONFIG_FILE).sort().map((f) => path.join(input, f)))
    } else if (isDynamicPattern(input)) {
      const found = await glob(input, {cwd, ignore: IGNORE})
      if (found.length === 0) missing.push(input)
      files.push(...found.sort())
    } else {
      missing.push(input)
    }
  }
  return {files: [...new Set(files)], missing}
}
