/**
 * Strategy specs found in strategy folders: every `*.yaml` / `*.yml` file there is read as a
 * `kind: strategy` spec. Like plugin discovery, a broken file is reported, not thrown, so one bad
 * spec does not hide the others.
 */
import {readdirSync} from 'node:fs'
import path from 'node:path'
import {formatDiagnostic} from '../core/errors.js'
import type {StrategyDefinition} from '../model/strategy.js'
import {loadStrategySpec} from './strategy-spec.js'

export const STRATEGY_SPEC_FILE = /^[^._].*\.ya?ml$/

export interface SpecDiscovery {
  found: Array<{file: string; definition: StrategyDefinition}>
  problems: Array<{file: string; message: string}>
}

export async function loadStrategySpecsIn(folder: string): Promise<SpecDiscovery> {
  const out: SpecDiscovery = {found: [], problems: []}
  let entries: string[]
  try {
    entries = readdirSync(folder).filter((f) => STRATEGY_SPEC_FILE.test(f)).sort()
  } catch {
    return out // an unreadable folder is reported by plugin discovery
  }
  const loaded = await Promise.all(entries.map((f) => path.join(folder, f)).map(async (file) => ({file, r: await loadStrategySpec(file)})))
  for (const {file, r} of loaded) {
    if (r.definition) out.found.push({file, definition: r.definition})
    else out.problems.push({file, message: r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n') || 'invalid strategy spec'})
  }
  return out
}
