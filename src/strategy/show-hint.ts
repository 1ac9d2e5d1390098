/**
 * `bots strategies show …` for a hint: by name, or for a strategy a bot names by `strategy.path`,
 * by that path (as the user would type it): its name alone is found in no strategy folder, so the
 * hint failed with "unknown strategy" (found by an audit).
 */
import {displayPath, shellWord} from '../core/shown-path.js'

export function strategyShowCommand(name: string, specPath?: string): string {
  return `bots strategies show ${specPath === undefined ? name : shellWord(displayPath(specPath))}`
}
