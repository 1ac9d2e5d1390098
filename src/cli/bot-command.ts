/**
 * Base of the bot commands: BaseCommand (which prints every located problem of an invalid spec),
 * plus the reassurance that a rejected spec stored nothing.
 */
import {SpecRejectedError} from '../service/manage.js'
import {BaseCommand, EXIT_INVALID} from './base-command.js'
import {renderDiagnostics} from './render/bots.js'

export abstract class BotCommand extends BaseCommand {
  protected override async catch(err: Error & {exitCode?: number}): Promise<any> {
    if (err instanceof SpecRejectedError) {
      if (this.jsonEnabled()) this.logJson({error: err.diagnostic, diagnostics: err.diagnostics})
      else this.logToStderr(`${renderDiagnostics(err.diagnostics)}\nnothing was stored: fix the spec and run the command again`)
      this.exit(EXIT_INVALID)
    }
    return super.catch(err)
  }
}
