/**
 * Every `bots` command extends this. It owns the shared flags and the one place where errors
 * become output: a BotsError prints as a located message (or JSON with --json) and exits 1;
 * usage errors from flag parsing exit 2; anything else is a bug and shows its stack.
 */
import type {Command as OclifCommand} from '@oclif/core'
import {Command, Flags, Errors} from './oclif.js'
import {BotsError, formatDiagnostic, isBotsError} from '../core/errors.js'
import {drainOutput} from './drain.js'

export const EXIT_OK = 0
export const EXIT_INVALID = 1
export const EXIT_USAGE = 2

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true
  static override baseFlags = {
    debug: Flags.boolean({description: 'Show stack traces for errors.', helpGroup: 'GLOBAL', default: false}),
  }

  /** Anything that goes wrong while parsing flags and arguments is a usage error (exit 2). */
  protected override async parse(...args: Parameters<OclifCommand['parse']>): Promise<any> {
    try {
      return await super.parse(...args)
    } catch (error) {
      if (error instanceof Errors.ExitError || isBotsError(error)) throw error
      throw new Errors.CLIError(error instanceof Error ? error.message : String(error), {exit: EXIT_USAGE})
    }
  }

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<any> {
    if (isBotsError(err)) {
      if (this.jsonEnabled()) {
        this.logJson(err.diagnostics.length > 1 ? {error: err.diagnostic, diagnostics: err.diagnostics} : {error: err.diagnostic})
      } else {
        // An invalid spec lists every located problem, not only the headline.
        this.logToStderr(err.diagnostics.length > 1 ? err.diagnostics.map(formatDiagnostic).join('\n') : formatDiagnostic(err.diagnostic))
        if (this.argv.includes('--debug') && err.stack) this.logToStderr(err.stack)
      }
      this.exit(EXIT_INVALID)
    }
    // oclif's own exits (this.exit) and parse errors keep their codes; parse errors become 2.
    if (err instanceof Errors.ExitError) throw err
    if (err instanceof Errors.CLIError && (err.oclif?.exit === undefined || err.oclif.exit === 2)) {
      this.logToStderr(`error: ${usageText(err.message)}\n  hint: see \`bots ${this.id?.replaceAll(':', ' ') ?? ''} --help\``)
      this.exit(EXIT_USAGE)
    }
    return super.catch(err)
  }

  /**
   * A command that failed or called `this.exit(code)` ends in oclif's handler, which calls
   * `process.exit` at once: output still queued for a pipe would be lost, so let it drain first.
   */
  protected override async finally(err: Error | undefined): Promise<any> {
    try {
      return await super.finally(err)
    } finally {
      await drainOutput()
    }
  }
}

/** oclif's parse errors without their boilerplate ("The following error occurred:", "See more help"). */
function usageText(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^See more help with/.test(l) && !/^The following errors? occurred:?$/.test(l))
  return lines.join('\n  ') || message
}

/** Throw a usage error (exit 2) from inside a command. */
export function usageError(message: string): never {
  throw new Errors.CLIError(message, {exit: EXIT_USAGE})
}

export {BotsError}
