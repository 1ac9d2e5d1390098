/**
 * Every `bots` command extends this. It owns the shared flags and the one place where errors
 * become output: a BotsError prints as a located message and exits 1; usage errors (flag
 * parsing, usageError) exit 2; anything else is a bug and shows its stack. With --json every
 * error is also a JSON object `{"error": {severity, code, message, hint?}}` on stdout, as oclif's
 * --json contract has it, and the message still goes to stderr: oclif mutes `logToStderr` under
 * --json, which left a failed `bots … --json` with no output at all.
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
      // An invalid spec lists every located problem, not only the headline.
      const text = err.diagnostics.length > 1 ? err.diagnostics.map(formatDiagnostic).join('\n') : formatDiagnostic(err.diagnostic)
      const json = err.diagnostics.length > 1 ? {error: err.diagnostic, diagnostics: err.diagnostics} : {error: err.diagnostic}
      this.report(text, err instanceof FailedWithResult ? {...err.result, ...json} : json)
      if (this.argv.includes('--debug') && err.stack) this.toStderr(err.stack)
      this.exit(EXIT_INVALID)
    }
    // oclif's own exits (this.exit) and parse errors keep their codes; parse errors become 2.
    if (err instanceof Errors.ExitError) throw err
    if (err instanceof Errors.CLIError && (err.oclif?.exit === undefined || err.oclif.exit === 2)) {
      const message = usageText(err.message)
      const hint = (err instanceof UsageError ? err.hint : undefined) ?? `see \`bots ${this.id?.replaceAll(':', ' ') ?? ''} --help\``
      this.report(`error: ${message}\n  hint: ${hint}`, {error: {severity: 'error', code: 'usage', message, hint}})
      this.exit(EXIT_USAGE)
    }
    // A bug: oclif prints it as JSON on stdout under --json, but its stack would reach no one.
    if (this.jsonEnabled()) this.toStderr(err.stack ?? String(err))
    return super.catch(err)
  }

  /** An error for people on stderr, and under --json for programs on stdout. */
  private report(text: string, json: object): void {
    if (this.jsonEnabled()) this.logJson(json)
    this.toStderr(text)
  }

  /** stderr even under --json, where oclif's `logToStderr` prints nothing. */
  private toStderr(text: string): void {
    process.stderr.write(`${text}\n`)
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

/** A usage error with a hint of its own instead of "see `bots … --help`". */
class UsageError extends Errors.CLIError {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message, {exit: EXIT_USAGE})
  }
}

/** Throw a usage error (exit 2) from inside a command; `hint` says how to fix it (default: see --help). */
export function usageError(message: string, hint?: string): never {
  throw new UsageError(message, hint)
}

/**
 * A BotsError after the command got a result worth keeping (an import's rejected rows): under
 * --json the result is printed with the `error` in it, so a program sees both in one object.
 */
export class FailedWithResult extends BotsError {
  constructor(
    readonly result: object,
    message: string,
    opts: ConstructorParameters<typeof BotsError>[1],
  ) {
    super(message, opts)
  }
}

export {BotsError}
