/**
 * Rows of a spec's data file that the import dropped (`onError: 'reject'`), as backtest warnings:
 * one per file and rule, with the count, the rule's name as `bots data import` reports it, and
 * the first such row. Without these a backtest on an unsorted, mixed-zone or negative-volume file
 * ran on half its rows with `warnings: []`.
 */
import path from 'node:path'
import {BotsError, isBotsError, type Diagnostic} from '../core/errors.js'
import type {EnsureResult} from '../data/ensure-file-data.js'
import {RULES, type Rule} from '../data/stage.js'
import {locateInSpec} from './locate-in-spec.js'
import {localeNumber} from '../core/fixed-number.js'

/** What each rule asks of a row, in the words of `bots data import --help`. */
export const RULE_TEXT: Record<Rule, string> = {
  unparsable: 'readable values',
  nonexistent: 'local times that exist (none a spring-forward skips)',
  price: 'positive prices',
  ohlc: 'high/low consistent with open and close',
  volume: 'volume not negative',
  alignment: "times on the timeframe's grid",
  duplicate: 'no repeated timestamps',
  unsorted: 'no backward timestamps',
}

const n = localeNumber

export async function droppedRowWarnings(imports: EnsureResult[], specFile: string, timeframe: string): Promise<Diagnostic[]> {
  const out: Diagnostic[] = []
  for (const i of imports) {
    const name = path.basename(i.file)
    const hint = `bots data import ${i.file} --symbol ${i.symbol} --timeframe ${timeframe} lists every rejected row with its line`
    if (i.import) {
      for (const f of i.import.files) {
        for (const rule of RULES) {
          const count = f.rejectedByRule[rule]
          if (!count) continue
          const first = f.rejections.find((r) => r.rule === rule)
          const at = first && (first.line === undefined ? `${name} row ${first.row}` : `${name}:${first.line}`)
          out.push({
            severity: 'warning',
            code: 'data.rejected',
            ...(await locateInSpec(specFile, '/data')),
            message: `${name}: ${n(count)} of ${n(f.rows)} rows rejected by rule ${rule} (${RULE_TEXT[rule]}) and left out of the backtest${first ? `; first: ${at} ${rule}: ${first.message.replace(/\s+/g, ' ')}` : ''}`,
            hint,
          })
        }
      }
    } else if (i.rejected) {
      // Imported by an earlier run: the store logs how many rows were dropped, not by which rule.
      out.push({
        severity: 'warning',
        code: 'data.rejected',
        ...(await locateInSpec(specFile, '/data')),
        message: `${name}: ${n(i.rejected)} rows were rejected when it was imported and are left out of the backtest`,
        hint,
      })
    }
  }
  return out
}

/**
 * A spec's data file that gave no bar because the import rejected every row: the store then has
 * no bars for the symbol, and loading them said so under the file's internal series name
 * (`ORCL@us-dates.csv#561d0845`) with a hint to import it, which had just been done. Returns the
 * error to throw instead of `e` (a `data.missing` for such a symbol), or undefined.
 */
export async function allRowsRejected(e: unknown, imports: EnsureResult[], specFile: string, timeframe: string): Promise<BotsError | undefined> {
  if (!isBotsError(e) || e.diagnostic.code !== 'data.missing') return undefined
  for (const i of imports) {
    const rejected = i.import ? i.import.rejected + i.import.skipped : (i.rejected ?? 0)
    const stored = i.import ? i.import.new + i.import.replaced : undefined
    if (rejected === 0 || (stored !== undefined && stored > 0) || !e.message.includes(i.series)) continue
    const first = i.import?.files.flatMap((f) => f.rejections)[0]
    const name = path.basename(i.file)
    const at = first && (first.line === undefined ? `${name} row ${first.row}` : `${name}:${first.line}`)
    return new BotsError(`every row of ${i.symbol}'s data file ${name} (${n(rejected)}) was rejected by the data rules, so there is no bar to run on${first ? `; first: ${at} ${first.rule}: ${first.message.replace(/\s+/g, ' ')}` : ''}`, {
      code: 'data.rejected',
      ...(await locateInSpec(specFile, '/data')),
      hint: `bots data import ${i.file} --symbol ${i.symbol} --timeframe ${timeframe} lists every rejected row with its line; fix the file, or the spec's data columns, format or timezone`,
    })
  }
  return undefined
}
