import {Flags} from '../../cli/oclif.js'
import {existsSync, statSync, writeSync} from 'node:fs'
import path from 'node:path'
import {BaseCommand, FailedWithResult} from '../../cli/base-command.js'
import {parseColumnFlags} from '../../data/columns.js'
import {dbFlag, timeframeFlag, tzFlag} from '../../cli/flags.js'
import {preloadImportProgress, PROGRESS_MIN_BYTES, withImportProgress} from '../../cli/import-progress.js'
import {ImportInterrupt} from '../../cli/import-interrupt.js'
import {ON_ERROR_MODES, type ImportResult, type OnError} from '../../data/import-types.js'
import {withStore} from '../../data/store.js'
import {resolveStorePath} from '../../data/store-path.js'
import {displayPath} from '../../core/shown-path.js'
import type {EpochUnit} from '../../data/time-expr.js'
import {lazyModule} from '../../core/lazy-module.js'
import {localeNumber} from '../../core/fixed-number.js'
import type {Interfaces} from '@oclif/core'

// Loaded while DuckDB opens the store, not before it starts to (core/lazy-module.ts).
const importer = lazyModule(() => import('../../data/import.js'))
const importRender = lazyModule(() => import('../../cli/render/data.js'))

export default class DataImport extends BaseCommand {
  static override description = `Import bars from CSV or Parquet files into the store, checked and de-duplicated.

Each row is checked in DuckDB: readable values, local times that exist (none a spring-forward skips), positive prices, high/low consistent with open and close, volume not negative, no repeated or backward timestamps, times on the timeframe's grid. Bad rows are reported with their line number (CSV: the header is line 1) and dropped (--on-error reject), dropped silently (skip), or make the whole import fail (fail). When the files hold rows and none of them is stored, the import exits 1. Re-importing overlapping data replaces the stored bars. All files go in one transaction.

Times: a bar's time is its OPEN time. Naive times and bare dates are read in --tz (a date alone is 00:00 there); explicit offsets (Z, +05:30) and epoch numbers (s or ms) are absolute. Use --time-label close when the file's times mark each bar's end.

Ctrl-C stops the import and exits 130: until the files are written nothing is stored (the store is as it was); once they are, it lets the commit finish and says so (a second Ctrl-C quits at once).`

  static override examples = [
    '<%= config.bin %> data import orcl-1995-2014.txt --symbol ORCL --tz America/New_York',
    '<%= config.bin %> data import 2006-min-005.txt --symbol IDX --timeframe 5M --time-label close',
    '<%= config.bin %> data import ticks.csv --symbol BTC --column datetime=open_time --timeframe 1M',
  ]

  static override strict = false
  static override usage = ['<%= command.id %> FILE… --symbol SYMBOL [--timeframe TF] [--tz ZONE] [FLAGS]']

  static override flags = {
    symbol: Flags.string({char: 's', description: 'Symbol to store the bars under.', required: true}),
    timeframe: timeframeFlag('Bar length. Default: the most common spacing of the first file\'s times.'),
    tz: tzFlag('Time zone of naive times and bare dates in the files.'),
    format: Flags.string({description: 'File format. Default: from the extension (.parquet/.pq, else CSV).', options: ['csv', 'parquet']}),
    column: Flags.string({
      description: 'Column for a field when the header differs: KEY=NAME, KEY one of datetime, date, time, open, high, low, close, volume.',
      multiple: true,
      helpValue: 'KEY=NAME',
    }),
    'datetime-format': Flags.string({description: 'strptime format of text times, e.g. "%m/%d/%Y %H:%M".', helpValue: 'FORMAT'}),
    'epoch-unit': Flags.string({description: 'Unit of numeric times. Default: from each value\'s size.', options: ['s', 'ms', 'us', 'ns']}),
    'time-label': Flags.string({description: 'Whether the file\'s times mark each bar\'s open or its close.', options: ['open', 'close'], default: 'open'}),
    'on-error': Flags.string({description: 'What to do with rows that break a rule.', options: [...ON_ERROR_MODES], default: 'reject'}),
    replace: Flags.boolean({description: 'Replace the stored series (symbol, timeframe) instead of merging into it.', default: false}),
    'max-report': Flags.integer({description: 'Rejected rows to list (all are counted).', default: 1000, min: 0}),
    db: dbFlag,
  }

  async run(): Promise<ImportResult> {
    const {flags, argv} = await this.parse(DataImport)
    const files = (argv as string[]).map((f) => path.resolve(f))
    if (files.length === 0) this.error('give at least one FILE to import', {exit: 2})
    const size = files.reduce((s, f) => s + (safeSize(f) ?? 0), 0)
    const title = `Import ${files.map((f) => path.basename(f)).join(', ')} as ${flags.symbol}`
    const progress = !this.jsonEnabled() && size >= PROGRESS_MIN_BYTES
    preloadImportProgress(progress)
    for (const m of [importer, importRender]) m.start()
    // Ctrl-C from here on, the wait for a store another process holds included (import-interrupt.ts).
    const store = resolveStorePath(flags.db)
    const kept = existsSync(store) ? `the store ${displayPath(store)} is as it was` : `the new store ${displayPath(store)} is empty`
    const interrupt = new ImportInterrupt(files.length, kept)
    process.on('SIGINT', interrupt.onSigint)
    try {
      const result = await this.importInto(flags, files, title, progress, interrupt)
      const {renderImport} = await importRender()
      this.log(renderImport(result))
      if (storedNothing(result)) throw nothingStored(result, this.jsonEnabled())
      if (interrupt.interrupted) {
        writeSync(2, `interrupted after the import: it is stored (${localeNumber(result.new)} new, ${localeNumber(result.replaced)} replaced)\n`)
        process.exitCode = 130
      }
      return result
    } finally {
      process.off('SIGINT', interrupt.onSigint)
    }
  }

  /** The import itself; `interrupt` follows its progress, which the display shows when `progress`. */
  private importInto(
    flags: Interfaces.InferredFlags<typeof DataImport.flags>,
    files: string[],
    title: string,
    progress: boolean,
    interrupt: ImportInterrupt,
  ): Promise<ImportResult> {
    return withStore({path: flags.db}, async (store) => {
      const {importFiles} = await importer()
      return withImportProgress(title, progress, (shown) =>
        importFiles(store, files, {
          symbol: flags.symbol,
          timeframe: flags.timeframe,
          timezone: flags.tz,
          format: flags.format as 'csv' | 'parquet' | undefined,
          columns: parseColumnFlags(flags.column ?? []),
          datetimeFormat: flags['datetime-format'],
          epochUnit: flags['epoch-unit'] as EpochUnit | undefined,
          timeLabel: flags['time-label'] as 'open' | 'close',
          onError: flags['on-error'] as OnError,
          replace: flags.replace,
          maxReported: flags['max-report'],
          // Always, shown or not: Ctrl-C's handler learns from it when the commit begins.
          onProgress: (p) => {
            interrupt.onProgress(p)
            shown?.(p)
          },
        }),
      )
    })
  }
}

/** The files held rows and every one was dropped: a replaced row counts as stored (it is in the store). */
function storedNothing(r: ImportResult): boolean {
  return r.rows > 0 && r.new + r.replaced === 0
}

/** Exit 1, the rejection listing kept (above the error in text, in the JSON object with --json). */
function nothingStored(r: ImportResult, json: boolean): FailedWithResult {
  const names = r.files.map((f) => path.basename(f.file)).join(', ')
  const skipped = r.skipped > 0 && r.rejected === 0
  const where = json ? 'in `rejections`' : 'above'
  return new FailedWithResult(r, `nothing was stored for ${r.symbol}: all ${r.rows} rows of ${names} were ${skipped ? 'skipped' : 'rejected'}`, {
    code: 'data.nothing_stored',
    file: r.files.length === 1 ? r.files[0].file : undefined,
    hint: skipped
      ? '--on-error skip drops rows without saying why: run again with --on-error reject to list each row and its reason'
      : `each rejected row is listed ${where} with its reason: fix the file, or the flags that read it (--column, --datetime-format, --epoch-unit, --tz, --timeframe)`,
  })
}

function safeSize(f: string): number | undefined {
  try {
    return statSync(f).size
  } catch {
    return undefined // importFiles reports the missing file properly
  }
}
