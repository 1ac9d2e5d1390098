/**
 * Strategy specs found in strategy folders (discover.ts picks the files by STRATEGY_SPEC_FILE):
 * each is read as a `kind: strategy` spec. Like plugin discovery, a broken file is reported, not
 * thrown, so one bad spec does not hide the others. Loaded only when a folder holds such a file.
 */
import {formatDiagnostic} from '../core/errors.js'
import type {StrategyDefinition} from '../model/strategy.js'
import {loadStrategySpec} from '../rules/strategy-spec.js'

export interface SpecDiscovery {
  found: Array<{file: string; definition: StrategyDefinition}>
  problems: Array<{file: string; message: string}>
}

export async function loadStrategySpecs(files: readonly string[]): Promise<SpecDiscovery> {
  const out: SpecDiscovery = {found: [], problems: []}
  const loaded = await Promise.all(files.map(async (file) => ({file, r: await loadStrategySpec(file)})))
  for (const {file, r} of loaded) {
    if (r.definition) out.found.push({file, definition: r.definition})
    else out.problems.push({file, message: r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n') || 'invalid strategy spec'})
  }
  return out
}
