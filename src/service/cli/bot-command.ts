/**
 * Base of the bot commands: BaseCommand, plus a rejected spec prints every located problem
 * (not only the first) before exiting 1, and any flag or argument error is a usage error (exit 2)
 * that says what was wrong, not only oclif's wrapper line.
 */
import {Errors} from '@oclif/core'
import {BaseCommand, EXIT_INVALID, EXIT_USAGE} from '../../cli/base-command.js'
import {SpecRejectedError} from '../manage.js'
import {renderDiagnostics} from './render.js'

class UsageProblem extends Error {}

export abstract class BotCommand extends BaseCommand {
  protected override async parse(...args: Parameters<BaseCommand['parse']>): Promise<any> {
    try {
      return await super.parse(...args)
    } catch (e) {
      if (e instanceof Errors.ExitError) throw e
      // oclif: "The following error occurred:\n  <problem>\nSee more help…" or "Parsing --flag \n\t<problem>…".
      const lines = String((e as Error).message).split('\n').map((l) => l.trim())
      const problem = lines.filter((l) => l && !/^(The following errors? occurred|See more help)/.test(l))
      throw new UsageProblem(problem.join(': ').replace(/: :/g, ':'))
    }
  }

  protected override async catch(err: Error & {exitCode?: number}): Promise<any> {
    if (err instanceof UsageProblem) {
      this.logToStderr(`error: ${err.message}\n  hint: see \`bots ${this.id?.replaceAll(':', ' ') ?? ''} --help\``)
      this.exit(EXIT_USAGE)
    }
    if (err instanceof SpecRejectedError) {
      if (this.jsonEnabled()) this.logJson({error: err.diagnostic, diagnostics: err.diagnostics})
      else this.logToStderr(`${renderDiagnostics(err.diagnostics)}\nnothing was stored: fix the spec and run the command again`)
      this.exit(EXIT_INVALID)
    }
    return super.catch(err)
  }
}
