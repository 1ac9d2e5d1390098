/**
 * Checks on a bot spec that JSON Schema cannot express: name-or-path, dates that parse and are in
 * order, data files that exist, time zones that exist, sleeptime against timeframe, instruments
 * only for the bot's symbols. Runs only on
 * documents that passed the schema, so shapes can be trusted.
 */
import {allowedRoots, insideRoots} from './path-policy.js'
import {existsSync, statSync} from 'node:fs'
import path from 'node:path'
import {isBotsError, type Diagnostic} from '../core/errors.js'
import {regularFileProblem} from '../core/regular-file.js'
import {DAY_MS} from '../model/time.js'
import {parseDuration} from '../core/duration.js'
import {parseDateText, wallClockKey} from '../core/dates.js'
import {isValidTimeZone} from '../calendar/timezone.js'
import {didYouMeanHint} from '../core/suggest.js'
import type {Located} from '../document/schema-validator.js'
import {locate, pathToPointer, type PathSegment} from '../document/locate.js'
import {checkExchange} from './exchange-checks.js'

type Raw = Record<string, any>

export function checkBot(raw: Raw, where: Located): Diagnostic[] {
  const out: Diagnostic[] = []
  const report = (severity: 'error' | 'warning', p: PathSegment[], code: string, message: string, hint?: string, at: 'key' | 'value' = 'value') => {
    const pos = locate(where.doc, where.lineCounter, p, at)
    out.push({severity, file: where.file, line: pos.line, column: pos.column, path: pathToPointer(p), code, message, hint})
  }
  const dir = path.dirname(where.file)
  // Files a spec names stay inside its folder, the working folder, or BOTS_ALLOW_PATHS (path-policy.ts).
  const roots = allowedRoots(dir)
  const contained = (file: string, p: PathSegment[], what: string): boolean => {
    if (insideRoots(path.resolve(dir, file), roots)) return true
    report('error', p, 'path.outside', `${what} ${file} is outside the spec's folder and the working folder`,
      `move it under ${path.basename(dir) || dir}/, or allow its folder: BOTS_ALLOW_PATHS=/path/to/folder (separated like PATH)`)
    return false
  }
  // A data file must be a regular file (symlinks followed): a FIFO would block the import, a device never end.
  const checkDataFile = (file: string, p: PathSegment[]): void => {
    const problem = regularFileProblem(path.resolve(dir, file))
    if (problem === 'missing') report('error', p, 'file.missing', `data file ${file} does not exist`, `paths are relative to ${path.basename(where.file)}`)
    else if (problem !== undefined) report('error', p, 'file.not_regular', `data file ${file} is ${problem.kind}, not a regular file`, 'point it at a CSV or Parquet file')
    else contained(file, p, 'data file')
  }

  // strategy: exactly one of name and path; a path names a YAML strategy spec, never code.
  const s = raw.strategy as Raw
  if (s.name !== undefined && s.path !== undefined) report('error', ['strategy', 'path'], 'strategy.name_and_path', 'give either `name` or `path`, not both', 'a bot runs one strategy', 'key')
  else if (s.name === undefined && s.path === undefined) report('error', ['strategy'], 'strategy.missing', 'missing `name` (a strategy plugin) or `path` (a strategy spec file)', 'e.g. `name: sma-cross`; see `bots strategies list`', 'key')
  if (typeof s.path === 'string') {
    if (!/\.ya?ml$/i.test(s.path)) report('error', ['strategy', 'path'], 'strategy.path_not_yaml', '`path` must name a strategy spec (.yaml or .yml)', 'code plugins are found by name in strategy folders, never loaded from a spec')
    else if (!contained(s.path, ['strategy', 'path'], 'strategy spec')) {
      // refused above
    } else if (!isFile(path.resolve(dir, s.path))) report('error', ['strategy', 'path'], 'file.missing', `strategy spec ${s.path} does not exist`, `paths are relative to ${path.basename(where.file)}`)
  }

  // Durations: the schema checked their form; here their values.
  // A value parseDuration rejects is a located error here, never a throw out of the validator.
  const duration = (p: PathSegment[], value: unknown): number | undefined => {
    if (value === undefined) return undefined
    try {
      return parseDuration(String(value))
    } catch (error) {
      if (!isBotsError(error)) throw error
      report('error', p, error.diagnostic.code, error.message, error.hint ?? 'write a positive whole number and a unit: 30S, 1M, 5M, 1H, 1D, 1W')
      return undefined
    }
  }
  const timeframeMs = duration(['timeframe'], raw.timeframe)
  duration(['live', 'feed', 'stale_after'], raw.live?.feed?.stale_after)
  const sleepMs = duration(['sleeptime'], raw.sleeptime)
  if (sleepMs !== undefined && timeframeMs !== undefined) {
    if (sleepMs < timeframeMs) report('warning', ['sleeptime'], 'sleeptime.shorter_than_timeframe', `sleeptime ${raw.sleeptime} is shorter than the ${raw.timeframe} timeframe; iterations between bars see no new bar`, `use sleeptime ${raw.timeframe} or longer`)
    else if (sleepMs % timeframeMs !== 0) report('warning', ['sleeptime'], 'sleeptime.not_multiple', `sleeptime ${raw.sleeptime} is not a whole number of ${raw.timeframe} bars`, 'iterations will not line up with bar closes')
  }
  if (timeframeMs !== undefined && timeframeMs > DAY_MS) report('warning', ['timeframe'], 'timeframe.longer_than_day', `timeframe ${raw.timeframe} is longer than a day; it runs on the Daily runner, one iteration per bar`)

  // Backtest window.
  const bt = raw.backtest as Raw | undefined
  const start = checkDate(bt?.start, ['backtest', 'start'], report)
  const end = checkDate(bt?.end, ['backtest', 'end'], report)
  if (start !== undefined && end !== undefined && start >= end) report('error', ['backtest', 'end'], 'backtest.window', `end ${bt!.end} is not after start ${bt!.start}`, 'swap them, or widen the window')
  checkDate(raw.live?.feed?.start, ['live', 'feed', 'start'], report)

  // Market and data time zones.
  if (typeof raw.market === 'object') {
    checkTimeZone(raw.market.timezone, ['market', 'timezone'], report)
    const [o, c] = [raw.market.open, raw.market.close]
    if (typeof o === 'string' && typeof c === 'string' && o >= c) report('error', ['market', 'close'], 'market.hours', `close ${c} is not after open ${o}`, 'sessions that cross midnight are not supported; use 24/7')
  }
  if (raw.data?.timezone !== undefined) checkTimeZone(raw.data.timezone, ['data', 'timezone'], report)

  // Symbols: names, not text. A newline or a 100 KB string would reach the store, the logs and
  // the exchange as it is.
  ;(raw.symbols as unknown[]).forEach((symbol, i) => {
    if (typeof symbol !== 'string') return
    const problem = symbolProblem(symbol)
    if (problem) report('error', ['symbols', i], 'symbol.invalid', `symbol ${quoteSymbol(symbol)} ${problem}`, `a symbol is 1 to ${MAX_SYMBOL_LENGTH} printable characters with no spaces, e.g. ORCL, BTC-USD or BTC/USDT`)
  })

  // Instruments: terms for symbols the bot trades.
  for (const symbol of Object.keys((raw.instruments ?? {}) as Raw)) {
    if (!(raw.symbols as unknown[]).includes(symbol)) {
      report('error', ['instruments', symbol], 'instruments.unknown_symbol', `\`${symbol}\` in \`instruments\` is not one of the bot's symbols`,
        didYouMeanHint(symbol, raw.symbols) ?? `add it to \`symbols\` or remove it here (symbols: ${(raw.symbols as string[]).join(', ')})`, 'key')
    }
  }

  // Data files.
  const data = raw.data as Raw | undefined
  if (typeof data?.db === 'string' && data.db !== ':memory:') contained(data.db, ['data', 'db'], 'store')
  if (data?.source === 'file') {
    if (data.path === undefined && data.files === undefined) report('error', ['data'], 'data.file_missing', 'a file data source needs `path` (one symbol) or `files` (one per symbol)', 'e.g. `path: data/orcl.csv`', 'key')
    if (data.path !== undefined && data.files !== undefined) report('error', ['data', 'files'], 'data.path_and_files', 'give either `path` or `files`, not both', undefined, 'key')
    if (data.path !== undefined && raw.symbols.length > 1) report('error', ['data', 'path'], 'data.path_many_symbols', `\`path\` holds one symbol's bars, but the bot trades ${raw.symbols.length} symbols`, 'use `files:` with one file per symbol', 'key')
    if (typeof data.path === 'string') checkDataFile(data.path, ['data', 'path'])
    for (const [symbol, file] of Object.entries((data.files ?? {}) as Record<string, string>)) {
      if (!raw.symbols.includes(symbol)) report('error', ['data', 'files', symbol], 'data.unknown_symbol', `\`${symbol}\` is not one of the bot's symbols`, didYouMeanHint(symbol, raw.symbols), 'key')
      else checkDataFile(file, ['data', 'files', symbol])
    }
    if (data.files !== undefined) {
      for (const symbol of raw.symbols as string[]) if (!(symbol in data.files)) report('error', ['data', 'files'], 'data.symbol_without_file', `no file for symbol \`${symbol}\``, `add \`${symbol}: path/to/file.csv\``, 'key')
    }
  } else if (data !== undefined) {
    for (const key of ['path', 'files', 'format', 'columns', 'time_label'] as const) {
      if (data[key] !== undefined) report('error', ['data', key], 'data.file_key_on_store', `\`${key}\` needs \`source: file\``, 'add `source: file`, or remove this key to read bars from the store', 'key')
    }
  }

  // Exchange feeds and brokers (live.exchange): ccxt's metadata, loaded up front by the validator.
  checkExchange(raw, report)
  return out
}

export const MAX_SYMBOL_LENGTH = 64

/** Why `symbol` is not a usable symbol name, or undefined when it is. */
export function symbolProblem(symbol: string): string | undefined {
  if (symbol.length === 0) return 'is empty'
  if (symbol.length > MAX_SYMBOL_LENGTH) return `is ${symbol.length} characters long (at most ${MAX_SYMBOL_LENGTH})`
  if (/\s/u.test(symbol)) return 'contains whitespace (a space, tab or line break)'
  if (/[\p{C}]/u.test(symbol)) return 'contains a control or unprintable character'
  return undefined
}

/** A symbol as an error message shows it: escaped, and cut short when long. */
function quoteSymbol(symbol: string): string {
  const shown = JSON.stringify(symbol.length > 40 ? symbol.slice(0, 40) : symbol)
  return symbol.length > 40 ? `${shown.slice(0, -1)}…"` : shown
}

function checkDate(value: unknown, p: PathSegment[], report: (s: 'error', p: PathSegment[], code: string, m: string, h?: string) => void): number | undefined {
  if (value === undefined) return undefined
  const parsed = typeof value === 'string' ? parseDateText(value) : undefined
  if (!parsed) {
    report('error', p, 'date.invalid', `\`${String(value)}\` is not a valid date`, 'write YYYY-MM-DD or an ISO 8601 date-time such as 2006-01-02T09:30:00')
    return undefined
  }
  return wallClockKey(parsed)
}

function checkTimeZone(tz: unknown, p: PathSegment[], report: (s: 'error', p: PathSegment[], code: string, m: string, h?: string) => void): void {
  if (typeof tz === 'string' && !isValidTimeZone(tz)) {
    report('error', p, 'timezone.unknown', `unknown time zone \`${tz}\``, didYouMeanHint(tz, Intl.supportedValuesOf('timeZone')) ?? 'use an IANA name such as America/New_York or UTC')
  }
}

function isFile(p: string): boolean {
  return existsSync(p) && statSync(p).isFile()
}
